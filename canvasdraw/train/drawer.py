"""Training and evaluating a drawer through a frozen canvas (paper §3.3).

`train_and_evaluate(config, workdir)` loads the canvas (a shipped name, a canvas workdir or a
weights file; its renderer name and version are recorded and checked on resume; a run goes on
through the copy kept in its folder, possibly re-fitted by canvasdraw.train.refit), samples image
batches with Grain, takes one jitted data-parallel step per batch — N drawer steps unrolled
with `lax.scan` through the canvas, loss = pixel L2 of the last state vs the target plus the
action penalty (plus, with `pyramid` > 0, the L2 of 2×2-pooled images at that many scales, with
`every_step` > 0 that weight times the L2 of every intermediate drawing, and with `overlap` > 0
that weight times the boxes' pairwise overlap, for renderers that declare `box_axes`) —
and ends with `metrics.drawer.drawer_l2` (the real renderer's re-render) on the held-out split.
"""

from __future__ import annotations

import dataclasses
import functools

import grain
import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from canvasdraw.data.sources import ImageSet, load_images, shifted
from canvasdraw.errors import UserError
from canvasdraw.metrics.drawer import drawer_l2, drawer_sheet
from canvasdraw.nets.drawer import Drawer, DrawerSpec, unroll
from canvasdraw.nets.drawers import make_drawer
from canvasdraw.nets.frozen import FrozenCanvas, RealForwardCanvas
from canvasdraw.nets.losses import action_penalty, box_overlap, pyramid_l2
from canvasdraw.render.registry import load_renderer
from canvasdraw.store.canvases import export_canvas, load_canvas
from canvasdraw.store.models import CANVAS_FILE, Model, load_model
from canvasdraw.store.runs import RunFolder, has_checkpoint
from canvasdraw.train.anchors import train_anchors
from canvasdraw.train.loop import check_config, fit, replicate, resume_on_mesh, shard_batch


@functools.partial(nnx.jit, static_argnames=("pyramid", "corners"))
def drawer_update(drawer: Drawer, optimizer: nnx.Optimizer, canvas: FrozenCanvas, batch, blank, pyramid: int = 0,
                  every_step: float = 0.0, overlap: float = 0.0, corners: tuple = ()):
    """One Adam step of the drawer through the frozen canvas; returns (loss, pixel L2, penalty).
    `every_step` > 0 adds that weight times the mean L2 of every intermediate drawing x_1..x_N;
    `overlap` times `losses.box_overlap` of the actions is added when box `corners` are given."""
    def loss_fn(drawer):
        actions, states = unroll(drawer, canvas, batch["hint"], batch.get("start", blank))
        l2 = jnp.mean((states[:, -1] - batch["target"]) ** 2)
        penalty = action_penalty(actions)
        on_the_way = every_step * jnp.mean((states - batch["target"][:, None]) ** 2)
        if corners:
            penalty += overlap * box_overlap(actions, corners)
        return l2 + pyramid_l2(states[:, -1], batch["target"], pyramid) + penalty + on_the_way, (l2, penalty)

    (loss, (l2, penalty)), grads = nnx.value_and_grad(loss_fn, has_aux=True)(drawer)
    optimizer.update(drawer, grads)
    return loss, l2, penalty


def image_batches(data: ImageSet, batch_size: int, seed: int, start_step: int, num_steps: int, shift: int = 0):
    """Shuffled batches (reshuffled every epoch) number start_step .. start_step + num_steps - 1
    of a deterministic stream: batch k is a pure function of (seed, k), so resuming is exact.
    shift > 0 moves each item by a random offset of up to that many pixels (`sources.shifted`)."""
    per_host = batch_size // jax.process_count()
    offset = jax.process_index() * per_host
    dataset = (grain.MapDataset.range(len(data)).shuffle(seed=seed).repeat()
               .batch(batch_size, drop_remainder=True).map(lambda idx: data.batch(idx[offset:offset + per_host])))
    if shift:
        dataset = dataset.random_map(functools.partial(shifted, limit=shift), seed=seed)
    dataset = dataset[start_step:start_step + num_steps]
    return iter(dataset.to_iter_dataset(grain.ReadOptions(num_threads=1, prefetch_buffer_size=2)))


def drawer_setup(config):
    """(renderer, canvas, DrawerSpec, run facts) for a drawer config, after checking it (UserError)."""
    check_config(config, positive=("steps_per_image", "eval_images"), non_negative=("pyramid", "shift"))
    for weight in ("every_step", "overlap"):
        value = config.get(weight, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
            raise UserError(f"config.{weight} must be a number >= 0, got {value!r}")
    if config.final_eval_images is not None and (not isinstance(config.final_eval_images, int)
                                                 or config.final_eval_images < 1):
        raise UserError(f"config.final_eval_images must be None or >= 1, got {config.final_eval_images!r}")
    canvas = load_canvas(config.canvas)
    cs = canvas.spec
    renderer = load_renderer(cs.renderer)
    if config.get("overlap", 0.0) and not renderer.box_axes:
        raise UserError(f"config.overlap penalises overlapping boxes, but the {cs.renderer} renderer's actions are not "
                        "boxes (it declares no box_axes)")
    anchors = config.drawer.get("variant") == "anchors"   # reads hints at a multiple of the canvas size
    if config.size != cs.size and not (anchors and config.size % cs.size == 0):
        raise UserError(f"drawer size {config.size} differs from the canvas's {cs.size}: set --config.size={cs.size} "
                        f"or give a {config.size} px canvas (--config.canvas=RUN of configs/canvas.py, whose smoke "
                        "variant is 16 px)")
    if config.size % 2**config.pyramid:
        raise UserError(f"config.pyramid {config.pyramid}: size {config.size} cannot be halved that often")
    try:
        spec = DrawerSpec(size=config.size, hint_channels=config.get("hint_channels", 1), state_channels=cs.channels,
                          action_dim=cs.action_dim, steps=config.steps_per_image, **dict(config.drawer))
        spec.check()
    except (ValueError, TypeError) as err:
        raise UserError(f"config.drawer: {err}") from None
    facts = {"kind": "drawer", "data": config.data, "drawer": dataclasses.asdict(spec),
             "canvas": {"renderer": cs.renderer, "renderer_version": cs.renderer_version,
                        "action_names": list(cs.action_names), "size": cs.size}}
    if config.init_from:
        facts["init_from"] = config.init_from
    return renderer, canvas, spec, facts


def check_targets(data: ImageSet, canvas: FrozenCanvas, hint_channels: int) -> None:
    """The hints must have the drawer's channels, and the drawing must be comparable with the
    targets: as many channels as the canvas draws."""
    if data.hints.shape[-1] != hint_channels:
        raise UserError(f"the drawer reads {hint_channels}-channel hints (config.hint_channels), but {data.name} gives "
                        f"{data.hints.shape[-1]}-channel ones")
    channels = (data.hints if data.targets is None else data.targets).shape[-1]
    if channels != canvas.spec.channels:
        raise UserError(f"the canvas ({canvas.spec.renderer}) draws {canvas.spec.channels}-channel states, but "
                        f"{data.name} gives {channels}-channel targets")


COLOUR_SUM = 1.65  # `_ink_to_colour`: r + g + b of a typical drawn colour (coloured MNIST's class
                   # colours average 1.65, the colour pen drawings' ~1.75)


def start_from(drawer: Drawer, model: Model, canvas: FrozenCanvas):
    """Copies the parameters of drawer `model` into `drawer`: a curriculum (a 4-step drawer starts
    a 20-step one) or a warm start through the canvas of a renderer that changed its pixels but
    kept its action width. The architecture must match; N, the fixed action components and
    `palette_mix` (how a palette choice trains; no parameters) may differ, and so may the
    renderer; an anchors drawer may change how it writes its colour (`_new_anchor_colours`). An
    ink drawer (one-channel state) may also start its colour twin, which draws the same actions in
    colour (three-channel state, a colour or palette choice; the hint in colour or not), e.g.
    coloured MNIST from `mnist_4lstm`: `_ink_to_colour`."""
    theirs, ours = model.drawer.spec, drawer.spec
    params = nnx.to_pure_dict(nnx.state(model.drawer, nnx.Param))
    free = {"steps": ours.steps, "fixed": ours.fixed, "palette_mix": ours.palette_mix}
    if (ours.variant == "anchors" and theirs.palette != ours.palette
            and dataclasses.replace(theirs, palette=ours.palette, palette_at=ours.palette_at, **free) == ours):
        params = _new_anchor_colours(params, drawer)
    elif dataclasses.replace(theirs, **free) != ours:
        twin = dataclasses.replace(theirs, **free, hint_channels=ours.hint_channels, state_channels=3,
                                   action_dim=ours.action_dim, palette=ours.palette, palette_at=ours.palette_at)
        drawn = ours.action_dim - (len(ours.palette[0]) if ours.palette else 0)   # what the head writes
        if (twin != ours or theirs.state_channels != 1 or theirs.hint_channels != 1 or ours.hint_channels not in (1, 3)
                or theirs.palette or drawn not in (theirs.action_dim, theirs.action_dim + 3)):
            raise UserError(f"init_from {model.name}: its drawer ({theirs}, renderer {model.canvas.spec.renderer}) does "
                            f"not match this one ({ours}, renderer {canvas.spec.renderer}) apart from the steps and "
                            "fixed actions")
        params = _ink_to_colour(params, drawer, theirs)
    state = nnx.state(drawer, nnx.Param)
    nnx.replace_by_pure_dict(state, params)
    nnx.update(drawer, state)


def _new_anchor_colours(params: dict, drawer) -> dict:
    """An anchors drawer's parameters for `drawer`, which writes its colour another way (free, or
    chosen from a palette): the head's corner columns kept, its colour columns fresh."""
    fresh = nnx.to_pure_dict(nnx.state(drawer, nnx.Param))
    for name in ("kernel", "bias"):
        theirs, new = np.asarray(params["head"][name]), np.asarray(fresh["head"][name])
        params["head"][name] = np.concatenate([theirs[..., :4], new[..., 4:]], axis=-1)
    return params


def _ink_to_colour(params: dict, drawer: Drawer, ink: DrawerSpec) -> dict:
    """An ink drawer's parameters fitted to `drawer`, its colour twin: the first layer reads each
    colour channel of the state (and of a colour hint) with the ink channel's weights over
    COLOUR_SUM, so a drawn colour reads as about as much ink as before. The head's rows for the
    ink drawer's last component (opacity) also write the colour's alpha, after three fresh LAB
    rows when the twin emits its colour (without a palette); a palette choice starts fresh."""
    ours, patch = drawer.spec, ink.patch
    kernel = np.asarray(params["embed"]["kernel"]).reshape(patch * patch, ink.hint_channels + 3, -1)
    hint, state, coords = kernel[:, :1], kernel[:, 1:2], kernel[:, 2:]
    hint = np.repeat(hint / COLOUR_SUM, 3, axis=1) if ours.hint_channels == 3 else hint
    params["embed"]["kernel"] = np.concatenate([hint, np.repeat(state / COLOUR_SUM, 3, axis=1), coords],
                                               axis=1).reshape(-1, kernel.shape[-1])
    fresh = nnx.to_pure_dict(nnx.state(drawer, nnx.Param))
    if ours.palette:
        params["choice"] = fresh["choice"]
    elif ours.action_dim == ink.action_dim + 3:   # geometry, then LAB (fresh), then the opacity as alpha
        for name in ("kernel", "bias"):
            theirs, new = np.asarray(params["head"][name]), np.asarray(fresh["head"][name])
            params["head"][name] = np.concatenate([theirs[..., :-1], new[..., -4:-1], theirs[..., -1:]], axis=-1)
    return params


def train_and_evaluate(config, workdir, allow_changes: bool = False) -> dict:
    """Trains the drawer of `config` in `workdir`, resuming if it holds a checkpoint (with the same
    settings, unless `allow_changes`); returns the held-out evaluation (`metrics.drawer.drawer_l2`).
    The config, the data and the starting drawer are checked before anything is written."""
    renderer, canvas, spec, facts = drawer_setup(config)
    train, test = load_images(config.data, spec.size, "train"), load_images(config.data, spec.size, "test")
    check_targets(train, canvas, spec.hint_channels)
    drawer = make_drawer(spec, nnx.Rngs(config.seed))
    if config.init_from and not has_checkpoint(workdir):  # a resumed run goes on from its own checkpoint
        start_from(drawer, load_model(config.init_from), canvas)
    run = RunFolder(workdir, facts, config=config.to_dict(), allow_changes=allow_changes)
    with run.discarded_if_start_fails():
        if spec.variant == "anchors":
            canvas, done = _kept_canvas(run, canvas, renderer), run.latest_step() or 0
            stream = image_batches(train, config.batch_size, config.seed, done, max(config.steps - done, 0))
            return train_anchors(config, run, drawer, canvas, stream, test)
        return _train(config, run, renderer, canvas, drawer, train, test)


def _kept_canvas(run: RunFolder, canvas: FrozenCanvas, renderer) -> FrozenCanvas:
    """The exact canvas the run trains through, kept in its folder (re-fitted by `refit-canvas`
    when asked): the one there, else `canvas`, which is then written there."""
    if (run.path / CANVAS_FILE).exists():
        return load_canvas(run.path / CANVAS_FILE, renderer)
    export_canvas(canvas.module(), run.path / CANVAS_FILE)
    return canvas


def _train(config, run: RunFolder, renderer, canvas: FrozenCanvas, drawer: Drawer, train: ImageSet,
           test: ImageSet) -> dict:
    canvas = _kept_canvas(run, canvas, renderer)
    spec = drawer.spec
    optimizer, step, mesh = resume_on_mesh(run, drawer, config)
    canvas = replicate(mesh, canvas)
    start = replicate(mesh, jnp.asarray(renderer.blank(spec.size)))
    stream = image_batches(train, config.batch_size, config.seed, step, max(config.steps - step, 0), config.shift)

    through = RealForwardCanvas(canvas, renderer) if config.real_forward else canvas
    names = [p.name for p in renderer.action_spec]
    corners = tuple((names.index(a), names.index(b)) for a, b in renderer.box_axes) if config.get("overlap") else ()

    def train_on(batch):
        loss, l2, penalty = drawer_update(drawer, optimizer, through, shard_batch(mesh, batch), start, config.pyramid,
                                          config.get("every_step", 0.0), config.get("overlap", 0.0), corners)
        return {"loss": loss, "real_l2" if config.real_forward else "canvas_l2": l2, "penalty": penalty}

    # Scored as trained: a real-forward drawer sees the real states (its canvas_l2 is then the real one),
    # and as it draws (eval mode: palette colours chosen, not mixed).
    def evaluate_now(step):
        drawer.eval()
        run.log(step, {f"eval/{k}": v for k, v in
                       drawer_l2(drawer, through, renderer, test, config.eval_images).items()})
        run.image(step, "target_real_canvas", drawer_sheet(drawer, through, renderer, test))
        drawer.train()

    drawer.train()
    fit(run, drawer, optimizer, stream, train_on, evaluate_now, config, step, f"drawer {spec.variant} N={spec.steps}")
    drawer.eval()
    result = drawer_l2(drawer, through, renderer, test, config.final_eval_images)
    run.log(max(config.steps, step), {f"final/{k}": v for k, v in result.items()})
    run.close()
    return result
