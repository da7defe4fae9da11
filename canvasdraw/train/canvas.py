"""Training and evaluating a canvas network on rollouts of the real renderer.

`train_and_evaluate(config, workdir)` streams rollouts (training seed `config.seed`), takes one
jitted data-parallel step per batch, checkpoints and logs to the run folder, resumes from it
automatically, and ends with `metrics.canvas.canvas_fidelity` on a held-out rollout set whose
seed (EVAL_SEED) no training run may use.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
from flax import nnx

from canvasdraw.data.rollouts import RolloutSpec, transitions
from canvasdraw.errors import UserError
from canvasdraw.metrics.canvas import EVAL_SEED, canvas_fidelity, canvas_sheet
from canvasdraw.nets.canvas import make_canvas, next_state, spec_for
from canvasdraw.nets.frozen import freeze
from canvasdraw.nets.losses import bce
from canvasdraw.render.registry import load_renderer
from canvasdraw.store.canvases import load_canvas
from canvasdraw.store.runs import RunFolder, has_checkpoint
from canvasdraw.train.loop import check_config, fit, host_rollouts, resume_on_mesh, shard_batch


@nnx.jit
def canvas_update(model: nnx.Module, optimizer: nnx.Optimizer, batch):
    """One Adam step on the BCE of the composited next state; returns (bce, mse)."""
    def loss_fn(model):
        pred = next_state(model.spec, batch["state"], model(batch["state"], batch["action"]))
        return bce(pred, batch["next_state"]), jnp.mean((pred - batch["next_state"]) ** 2)

    (loss, mse), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    optimizer.update(model, grads)
    return loss, mse


def canvas_setup(config) -> tuple:
    """(renderer, CanvasSpec, run facts) for a canvas config, after checking it (UserError)."""
    check_config(config, positive=("episode_length", "eval_episodes"), non_negative=("workers",))
    if config.seed == EVAL_SEED:
        raise UserError(f"seed {EVAL_SEED} is reserved for the held-out evaluation set")
    if config.batch_size % config.episode_length:
        raise UserError(f"config.batch_size {config.batch_size} must be a multiple of config.episode_length "
                        f"{config.episode_length}")
    if (config.batch_size // config.episode_length) % jax.process_count():
        raise UserError(f"the {config.batch_size // config.episode_length} episodes of a batch are not divisible "
                        f"by the {jax.process_count()} processes")
    renderer = load_renderer(config.renderer)
    try:
        spec = spec_for(renderer, config.size, **dict(config.canvas))
    except (ValueError, TypeError) as err:
        raise UserError(f"config.canvas: {err}") from None
    facts = {"kind": "canvas", "canvas": dataclasses.asdict(spec)}
    if config.init_from:
        facts["init_from"] = config.init_from
    return renderer, spec, facts


def start_from(model: nnx.Module, source: str) -> None:
    """Copies the parameters of canvas `source` (run folder, weights file or shipped name) into
    `model`: a warm start when a renderer changes its pixels but not its action width (e.g. a new
    compositing rule). Their architectures and action widths must match; renderers may differ."""
    source_canvas = load_canvas(source)
    theirs, ours = source_canvas.spec, model.spec
    free = ("renderer", "renderer_version", "action_names", "composite")
    differences = [f"{field.name} {getattr(theirs, field.name)} vs {getattr(ours, field.name)}"
                   for field in dataclasses.fields(ours)
                   if field.name not in free and getattr(theirs, field.name) != getattr(ours, field.name)]
    if theirs.action_dim != ours.action_dim:
        differences.insert(0, f"action width {theirs.action_dim} vs {ours.action_dim}")
    if differences:
        raise UserError(f"init_from {source}: its canvas does not match this one apart from the renderer "
                        f"({', '.join(differences)})")
    nnx.update(model, source_canvas.params)


def train_and_evaluate(config, workdir, allow_changes: bool = False) -> dict:
    """Trains the canvas described by `config` in `workdir`, resuming if it holds a checkpoint
    (with the same settings, unless `allow_changes`). Returns the held-out evaluation of the
    final canvas (`canvas_fidelity`). Nothing is written unless the config is valid."""
    renderer, spec, facts = canvas_setup(config)
    model = make_canvas(spec, nnx.Rngs(config.seed))
    if config.init_from and not has_checkpoint(workdir):  # a resumed run goes on from its own checkpoint
        start_from(model, config.init_from)
    run = RunFolder(workdir, facts, config=config.to_dict(), allow_changes=allow_changes)
    with run.discarded_if_start_fails():
        return _train(config, run, renderer, model)


def _train(config, run: RunFolder, renderer, model) -> dict:
    spec = model.spec
    optimizer, step, mesh = resume_on_mesh(run, model, config)
    stream = host_rollouts(RolloutSpec(renderer, spec.size, config.seed, config.episode_length),
                           config.batch_size // config.episode_length, max(config.steps - step, 0),
                           start_batch=step, workers=config.workers)

    def train_on(batch):
        bce_loss, mse = canvas_update(model, optimizer, shard_batch(mesh, transitions(batch)))
        return {"bce": bce_loss, "mse": mse}

    def evaluate_now(step):
        canvas = freeze(model)
        fidelity = canvas_fidelity(canvas, renderer, config.eval_episodes, config.eval_steps)
        run.log(step, {f"eval/{k}": v for k, v in fidelity.items()})
        run.image(step, "real_canvas_diff", canvas_sheet(canvas, renderer))

    fit(run, model, optimizer, stream, train_on, evaluate_now, config, step, f"canvas {spec.renderer}")
    result = canvas_fidelity(freeze(model), renderer, config.eval_episodes, config.eval_steps)
    run.close()
    return result
