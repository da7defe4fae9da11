"""Training and evaluating a canvas network on rollouts of the real renderer.

`train_and_evaluate(config, workdir)` streams rollouts (training seed `config.seed`), takes one
jitted data-parallel step per batch, checkpoints and logs to the run folder, resumes from it
automatically, and ends with `evaluate` on a held-out rollout set whose seed (EVAL_SEED) no
training run may use.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from canvasdraw import images
from canvasdraw.canvas import make_canvas, next_state, spec_for
from canvasdraw.frozen import FrozenCanvas, freeze
from canvasdraw.registry import load_renderer
from canvasdraw.renderer import UserError
from canvasdraw.rollouts import RolloutSpec, host_batches, render_episodes, transitions
from canvasdraw.training import RunFolder, data_mesh, fit, learning_rate, replicate, shard_batch

EVAL_SEED = 2**31 - 1
EPS = 1e-6


def bce(pred, target):
    """Binary cross-entropy of predicted vs target pixels, both in [0, 1] (soft targets)."""
    p = jnp.clip(pred, EPS, 1 - EPS)
    return -jnp.mean(target * jnp.log(p) + (1 - target) * jnp.log(1 - p))


@nnx.jit
def train_step(model: nnx.Module, optimizer: nnx.Optimizer, batch):
    def loss_fn(model):
        pred = next_state(model.spec, batch["state"], model(batch["state"], batch["action"]))
        return bce(pred, batch["next_state"]), jnp.mean((pred - batch["next_state"]) ** 2)

    (loss, mse), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    optimizer.update(model, grads)
    return loss, mse


@jax.jit
def predict(canvas: FrozenCanvas, states, actions):
    """One canvas step: states (B, S, S, C), actions (B, D) -> predicted next states."""
    return canvas(states, actions)


@jax.jit
def rollout(canvas: FrozenCanvas, start, actions):
    """Composites actions (B, K, D) through the canvas from `start` (B, S, S, C), feeding the
    canvas its own predictions (as the drawer does); returns the K states (B, K, S, S, C)."""
    def step(state, action):
        state = canvas(state, action)
        return state, state

    _, states = jax.lax.scan(step, start, jnp.swapaxes(actions, 0, 1))
    return jnp.swapaxes(states, 0, 1)


def evaluate(canvas: FrozenCanvas, renderer, episodes: int = 256, steps: int = 10) -> dict:
    """Held-out fidelity against the real renderer (seed EVAL_SEED).

    single_*: one step from real states x_n, all steps of the episodes;
    seq{K}_*: K actions composited through the canvas from x_0, vs the real x_K, K = 4, 10;
    black_mse: the all-blank prediction's MSE on single steps (the collapse baseline).
    """
    spec = canvas.spec
    data = render_episodes(RolloutSpec(renderer, spec.size, EVAL_SEED, steps), 0, episodes)
    flat = transitions(data)
    pred = np.asarray(predict(canvas, flat["state"], flat["action"]))
    err = pred - flat["next_state"]
    blank = renderer.blank(spec.size)
    out = {"single_mse": float(np.mean(err**2)), "single_l1": float(np.mean(np.abs(err))),
           "black_mse": float(np.mean((flat["next_state"] - blank) ** 2))}
    seq = np.asarray(rollout(canvas, data["states"][:, 0], data["actions"]))
    for k in (4, 10):
        if k <= steps:
            diff = seq[:, k - 1] - data["states"][:, k]
            out[f"seq{k}_mse"], out[f"seq{k}_l1"] = float(np.mean(diff**2)), float(np.mean(np.abs(diff)))
    return out


def comparison_grid(canvas: FrozenCanvas, renderer, count: int = 8) -> np.ndarray:
    """Rows: real renderer | canvas | |difference|, for `count` held-out single steps."""
    spec = canvas.spec
    flat = transitions(render_episodes(RolloutSpec(renderer, spec.size, EVAL_SEED, 4), 0, -(-count // 4)))
    real, states, actions = flat["next_state"][:count], flat["state"][:count], flat["action"][:count]
    pred = np.asarray(predict(canvas, states, actions))
    rows = [renderer.to_rgb(x) for x in real] + [renderer.to_rgb(x) for x in pred]
    rows += [np.repeat(np.abs(p - r).max(-1, keepdims=True), 3, -1) for p, r in zip(pred, real)]
    return images.grid(rows, columns=count)


def build(config) -> tuple:
    """(renderer, CanvasSpec, run facts) for a canvas config."""
    renderer = load_renderer(config.renderer)
    spec = spec_for(renderer, config.size, **dict(config.canvas))
    return renderer, spec, {"kind": "canvas", "canvas": dataclasses.asdict(spec)}


def train_and_evaluate(config, workdir) -> dict:
    """Trains the canvas described by `config` in `workdir`, resuming if it holds a checkpoint.

    Returns the held-out evaluation of the final canvas (see `evaluate`).
    """
    if config.seed == EVAL_SEED:
        raise UserError(f"seed {EVAL_SEED} is reserved for the held-out evaluation set")
    if config.batch_size % config.episode_length:
        raise UserError("batch_size must be a multiple of episode_length")
    renderer, spec, facts = build(config)
    run = RunFolder(workdir, facts)
    model = make_canvas(spec, nnx.Rngs(config.seed))
    optimizer = nnx.Optimizer(model, optax.adam(learning_rate(config)), wrt=nnx.Param)
    step = run.restore(model, optimizer) or 0
    mesh = data_mesh()
    nnx.update(model, replicate(mesh, nnx.state(model)))
    nnx.update(optimizer, replicate(mesh, nnx.state(optimizer)))
    stream = host_batches(RolloutSpec(renderer, spec.size, config.seed, config.episode_length),
                          config.batch_size // config.episode_length, max(config.steps - step, 0),
                          start_batch=step, workers=config.workers)

    def train_on(batch):
        bce_loss, mse = train_step(model, optimizer, shard_batch(mesh, transitions(batch)))
        return {"bce": bce_loss, "mse": mse}

    def evaluate_now(step):
        canvas = freeze(model)
        run.log(step, {f"eval/{k}": v for k, v in evaluate(canvas, renderer, config.eval_episodes).items()})
        run.image(step, "real_canvas_diff", comparison_grid(canvas, renderer))

    fit(run, model, optimizer, stream, train_on, evaluate_now, config, step, f"canvas {spec.renderer}")
    result = evaluate(freeze(model), renderer, config.eval_episodes)
    run.close()
    return result
