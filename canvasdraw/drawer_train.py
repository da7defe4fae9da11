"""Training and evaluating a drawer through a frozen canvas (paper §3.3).

`train_and_evaluate(config, workdir)` loads the canvas (a shipped name, a canvas workdir or a
weights file; its renderer name and version are recorded and checked on resume; a run goes on
through the copy kept in its folder, possibly re-fitted by canvasdraw.refit), samples image
batches with Grain, takes one jitted data-parallel step per batch — N drawer steps unrolled
with `lax.scan` through the canvas, loss = pixel L2 of the last state vs the target plus the
action penalty (plus, with `pyramid` > 0, the L2 of 2×2-pooled images at that many scales) —
and ends with `evaluate` on the held-out split.

Held-out metric (DESIGN §5): `real_l2` is the mean per-pixel squared error between the target and
the **real renderer's** re-render of the drawer's (clipped) actions; `canvas_l2` is the canvas's
own guess, reported beside it.
"""

from __future__ import annotations

import dataclasses
import functools

import grain
import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from canvasdraw import images
from canvasdraw.datasets import ImageSet, load_images, shifted
from canvasdraw.drawer import Drawer, DrawerSpec, action_penalty, draw
from canvasdraw.frozen import FrozenCanvas, export_canvas, load_canvas
from canvasdraw.registry import load_renderer
from canvasdraw.renderer import UserError
from canvasdraw.training import RunFolder, data_mesh, fit, learning_rate, replicate, shard_batch

CANVAS_FILE = "canvas.msgpack"


def pyramid_l2(drawn, target, levels: int):
    """Sum over `levels` 2×2 average-poolings of the L2 between the pooled images (B, S, S, C),
    level k weighted 2^k: a stroke some pixels off a thin line still overlaps it after pooling, so
    the loss pulls it onto the line instead of making it vanish."""
    total = 0.0
    for level in range(1, levels + 1):
        drawn, target = (nnx.avg_pool(x, (2, 2), strides=(2, 2)) for x in (drawn, target))
        total += 2.0 ** level * jnp.mean((drawn - target) ** 2)
    return total


@functools.partial(nnx.jit, static_argnames="pyramid")
def train_step(drawer: Drawer, optimizer: nnx.Optimizer, canvas: FrozenCanvas, batch, blank, pyramid: int = 0):
    def loss_fn(drawer):
        actions, states = draw(drawer, canvas, batch["hint"], batch.get("start", blank))
        l2 = jnp.mean((states[:, -1] - batch["target"]) ** 2)
        penalty = action_penalty(actions)
        return l2 + pyramid_l2(states[:, -1], batch["target"], pyramid) + penalty, (l2, penalty)

    (loss, (l2, penalty)), grads = nnx.value_and_grad(loss_fn, has_aux=True)(drawer)
    optimizer.update(drawer, grads)
    return loss, l2, penalty


@nnx.jit
def predict(drawer: Drawer, canvas: FrozenCanvas, hints, start):
    """Actions (B, N, D) clipped to [0, 1] and the canvas's drawing (B, S, S, C)."""
    actions, states = draw(drawer, canvas, hints, start)
    return jnp.clip(actions, 0, 1), states[:, -1]


def render_all(renderer, actions: np.ndarray, size: int, starts: np.ndarray | None = None) -> np.ndarray:
    """The real renderer's drawings of action sequences (B, N, D) -> (B, S, S, C), from the blank
    or from starts (B, S, S, C)."""
    starts = [None] * len(actions) if starts is None else starts
    return np.stack([renderer.render(a, size, start) for a, start in zip(actions, starts)])


def evaluate(drawer: Drawer, canvas: FrozenCanvas, renderer, data: ImageSet, limit: int | None = None,
             batch_size: int = 256) -> dict:
    """Held-out real_l2 (real re-render vs target) and canvas_l2 over the first `limit` images."""
    count = len(data) if limit is None else min(limit, len(data))
    blank = renderer.blank(drawer.spec.size)
    real, guess = [], []
    for first in range(0, count, batch_size):
        batch = data.batch(np.arange(first, min(first + batch_size, count)))
        actions, drawn = predict(drawer, canvas, batch["hint"], batch.get("start", blank))
        rendered = render_all(renderer, np.asarray(actions), drawer.spec.size, batch.get("start"))
        real.append(np.mean((rendered - batch["target"]) ** 2, axis=(1, 2, 3)))
        guess.append(np.mean((np.asarray(drawn) - batch["target"]) ** 2, axis=(1, 2, 3)))
    return {"real_l2": float(np.mean(np.concatenate(real))), "canvas_l2": float(np.mean(np.concatenate(guess))),
            "images": count}


def comparison_grid(drawer: Drawer, canvas: FrozenCanvas, renderer, data: ImageSet, count: int = 8) -> np.ndarray:
    """Rows: target | real re-render | canvas drawing, for the first `count` held-out images."""
    batch = data.batch(np.arange(min(count, len(data))))
    actions, drawn = predict(drawer, canvas, batch["hint"], batch.get("start", renderer.blank(drawer.spec.size)))
    rendered = render_all(renderer, np.asarray(actions), drawer.spec.size, batch.get("start"))
    rows = [renderer.to_rgb(x) for x in batch["target"]] + [renderer.to_rgb(x) for x in rendered]
    rows += [renderer.to_rgb(x) for x in np.asarray(drawn)]
    return images.grid(rows, columns=len(batch["target"]))


def image_batches(data: ImageSet, batch_size: int, seed: int, start_step: int, num_steps: int, shift: int = 0):
    """Shuffled batches (reshuffled every epoch) number start_step .. start_step + num_steps - 1
    of a deterministic stream: batch k is a pure function of (seed, k), so resuming is exact.
    shift > 0 moves each item by a random offset of up to that many pixels (datasets.shifted)."""
    per_host = batch_size // jax.process_count()
    offset = jax.process_index() * per_host
    dataset = (grain.MapDataset.range(len(data)).shuffle(seed=seed).repeat()
               .batch(batch_size, drop_remainder=True).map(lambda idx: data.batch(idx[offset:offset + per_host])))
    if shift:
        dataset = dataset.random_map(functools.partial(shifted, limit=shift), seed=seed)
    dataset = dataset[start_step:start_step + num_steps]
    return iter(dataset.to_iter_dataset(grain.ReadOptions(num_threads=1, prefetch_buffer_size=2)))


def build(config):
    """(renderer, canvas, DrawerSpec, run facts) for a drawer config."""
    canvas = load_canvas(config.canvas)
    cs = canvas.spec
    renderer = load_renderer(cs.renderer)
    if config.size != cs.size:
        raise UserError(f"drawer size {config.size} differs from the canvas's {cs.size}")
    spec = DrawerSpec(size=cs.size, hint_channels=1, state_channels=cs.channels, action_dim=cs.action_dim,
                      steps=config.steps_per_image, **dict(config.drawer))
    facts = {"kind": "drawer", "data": config.data, "drawer": dataclasses.asdict(spec),
             "canvas": {"renderer": cs.renderer, "renderer_version": cs.renderer_version,
                        "action_names": list(cs.action_names), "size": cs.size}}
    if config.init_from:
        facts["init_from"] = config.init_from
    return renderer, canvas, spec, facts


def start_from(drawer: Drawer, source: str, canvas: FrozenCanvas):
    """Copies the parameters of drawer model `source` into `drawer` (curriculum: a 4-step drawer
    starts a 20-step one). The architecture and the canvas's renderer must match; N and the fixed
    action components may differ."""
    from canvasdraw.models import load_model

    model = load_model(source)
    theirs, ours = model.drawer.spec, drawer.spec
    if (dataclasses.replace(theirs, steps=ours.steps, fixed=ours.fixed) != ours
            or model.canvas.spec.renderer != canvas.spec.renderer):
        raise UserError(f"init_from {source}: its drawer ({theirs}, renderer {model.canvas.spec.renderer}) does not "
                        f"match this one ({ours}, renderer {canvas.spec.renderer}) apart from the steps and fixed actions")
    nnx.update(drawer, nnx.state(model.drawer, nnx.Param))


def train_and_evaluate(config, workdir) -> dict:
    """Trains the drawer of `config` in `workdir`, resuming if it holds a checkpoint; returns the
    held-out evaluation (see `evaluate`)."""
    renderer, canvas, spec, facts = build(config)
    if config.batch_size % jax.device_count():
        raise UserError(f"batch_size {config.batch_size} is not divisible by {jax.device_count()} devices")
    run = RunFolder(workdir, facts)
    # The run keeps the exact canvas it trains through (re-fitted by `refit-canvas` when asked).
    if (run.path / CANVAS_FILE).exists():
        canvas = load_canvas(run.path / CANVAS_FILE, renderer)
    else:
        export_canvas(canvas.module(), run.path / CANVAS_FILE)
    train, test = load_images(config.data, spec.size, "train"), load_images(config.data, spec.size, "test")
    drawer = Drawer(spec, rngs=nnx.Rngs(config.seed))
    optimizer = nnx.Optimizer(drawer, optax.adam(learning_rate(config)), wrt=nnx.Param)
    step = run.restore(drawer, optimizer)
    if step is None and config.init_from:
        start_from(drawer, config.init_from, canvas)
    step = step or 0
    mesh = data_mesh()
    nnx.update(drawer, replicate(mesh, nnx.state(drawer)))
    nnx.update(optimizer, replicate(mesh, nnx.state(optimizer)))
    canvas = replicate(mesh, canvas)
    start = replicate(mesh, jnp.asarray(renderer.blank(spec.size)))
    stream = image_batches(train, config.batch_size, config.seed, step, max(config.steps - step, 0), config.shift)

    def train_on(batch):
        loss, l2, penalty = train_step(drawer, optimizer, canvas, shard_batch(mesh, batch), start, config.pyramid)
        return {"loss": loss, "canvas_l2": l2, "penalty": penalty}

    def evaluate_now(step):
        run.log(step, {f"eval/{k}": v for k, v in
                       evaluate(drawer, canvas, renderer, test, config.eval_images).items()})
        run.image(step, "target_real_canvas", comparison_grid(drawer, canvas, renderer, test))

    fit(run, drawer, optimizer, stream, train_on, evaluate_now, config, step, f"drawer {spec.variant} N={spec.steps}")
    result = evaluate(drawer, canvas, renderer, test, config.final_eval_images)
    run.log(max(config.steps, step), {f"final/{k}": v for k, v in result.items()})
    run.close()
    return result


def restore_drawer(workdir):
    """(drawer, canvas, renderer) of a drawer run folder: the latest drawer checkpoint and the
    canvas the run was trained through (saved in the folder)."""
    run = RunFolder.existing(workdir, "drawer")
    canvas = load_canvas(run.path / CANVAS_FILE)
    drawer = Drawer(DrawerSpec.from_dict(run.facts["drawer"]), rngs=nnx.Rngs(0))
    run.load_latest(drawer)
    return drawer, canvas, load_renderer(canvas.spec.renderer)
