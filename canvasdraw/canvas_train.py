"""Training and evaluating a canvas network on rollouts of the real renderer.

`train_and_evaluate(config, workdir)` streams rollouts (training seed `config.seed`), takes one
jitted data-parallel step per batch, checkpoints and logs to the run folder, resumes from it
automatically, and ends with `evaluate` on a held-out rollout set whose seed (EVAL_SEED) no
training run may use.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import signal
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from tqdm import tqdm

from canvasdraw import images
from canvasdraw.canvas import Canvas, CanvasSpec, next_state, spec_for
from canvasdraw.registry import load_renderer
from canvasdraw.renderer import UserError
from canvasdraw.rollouts import RolloutSpec, host_batches, render_episodes, transitions
from canvasdraw.training import RunFolder, check_finite, data_mesh, replicate, shard_batch

EVAL_SEED = 2**31 - 1
EPS = 1e-6


def bce(pred, target):
    """Binary cross-entropy of predicted vs target pixels, both in [0, 1] (soft targets)."""
    p = jnp.clip(pred, EPS, 1 - EPS)
    return -jnp.mean(target * jnp.log(p) + (1 - target) * jnp.log(1 - p))


@nnx.jit
def train_step(model: Canvas, optimizer: nnx.Optimizer, batch):
    def loss_fn(model):
        pred = next_state(model.spec, batch["state"], model(batch["state"], batch["action"]))
        return bce(pred, batch["next_state"]), jnp.mean((pred - batch["next_state"]) ** 2)

    (loss, mse), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    optimizer.update(model, grads)
    return loss, mse


@nnx.jit
def predict(model: Canvas, states, actions):
    """One canvas step: states (B, S, S, C), actions (B, D) -> predicted next states."""
    return next_state(model.spec, states, model(states, actions))


def rollout(model: Canvas, start, actions):
    """Composites actions (B, K, D) through the canvas from `start` (B, S, S, C), feeding the
    canvas its own predictions (as the drawer does); returns the K predicted states."""
    states, state = [], start
    for k in range(actions.shape[1]):
        state = predict(model, state, actions[:, k])
        states.append(state)
    return jnp.stack(states, axis=1)


def evaluate(model: Canvas, renderer, episodes: int = 256, steps: int = 10) -> dict:
    """Held-out fidelity against the real renderer (seed EVAL_SEED).

    single_*: one step from real states x_n, all steps of the episodes;
    seq{K}_*: K actions composited through the canvas from x_0, vs the real x_K, K = 4, 10;
    black_mse: the all-blank prediction's MSE on single steps (the collapse baseline).
    """
    spec = model.spec
    data = render_episodes(RolloutSpec(renderer, spec.size, EVAL_SEED, steps), 0, episodes)
    flat = transitions(data)
    pred = np.asarray(predict(model, flat["state"], flat["action"]))
    err = pred - flat["next_state"]
    blank = renderer.blank(spec.size)
    out = {"single_mse": float(np.mean(err**2)), "single_l1": float(np.mean(np.abs(err))),
           "black_mse": float(np.mean((flat["next_state"] - blank) ** 2))}
    seq = np.asarray(rollout(model, data["states"][:, 0], data["actions"]))
    for k in (4, 10):
        if k <= steps:
            diff = seq[:, k - 1] - data["states"][:, k]
            out[f"seq{k}_mse"], out[f"seq{k}_l1"] = float(np.mean(diff**2)), float(np.mean(np.abs(diff)))
    return out


def comparison_grid(model: Canvas, renderer, count: int = 8) -> np.ndarray:
    """Rows: real renderer | canvas | |difference|, for `count` held-out single steps."""
    spec = model.spec
    flat = transitions(render_episodes(RolloutSpec(renderer, spec.size, EVAL_SEED, 4), 0, -(-count // 4)))
    real, states, actions = flat["next_state"][:count], flat["state"][:count], flat["action"][:count]
    pred = np.asarray(predict(model, states, actions))
    rows = [renderer.to_rgb(x) for x in real] + [renderer.to_rgb(x) for x in pred]
    rows += [np.repeat(np.abs(p - r).max(-1, keepdims=True), 3, -1) for p, r in zip(pred, real)]
    return images.grid(rows, columns=count)


def build(config) -> tuple:
    """(renderer, CanvasSpec, run facts) for a canvas config."""
    renderer = load_renderer(config.renderer)
    spec = spec_for(renderer, config.size, **dict(config.canvas))
    return renderer, spec, {"kind": "canvas", "canvas": dataclasses.asdict(spec)}


class _StopRequests:
    """Turns Ctrl-C and `kill` (SIGINT, SIGTERM) into a flag the training loop checks after each
    step, so it stops at a step boundary and writes its checkpoint. Raising from the handler
    instead could land inside a library that swallows the exception."""

    def __init__(self):
        self.requested = False

    def __enter__(self):
        self._previous = {s: signal.signal(s, self._handle) for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def _handle(self, signum, frame):
        self.requested = True

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)


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
    model = Canvas(spec, rngs=nnx.Rngs(config.seed))
    optimizer = nnx.Optimizer(model, optax.adam(config.learning_rate), wrt=nnx.Param)
    step = run.restore(model, optimizer) or 0
    mesh = data_mesh()
    nnx.update(model, replicate(mesh, nnx.state(model)))
    nnx.update(optimizer, replicate(mesh, nnx.state(optimizer)))
    stream = host_batches(RolloutSpec(renderer, spec.size, config.seed, config.episode_length),
                          config.batch_size // config.episode_length, max(config.steps - step, 0),
                          start_batch=step, workers=config.workers)
    started, start_step = time.perf_counter(), step
    with _StopRequests() as stop, contextlib.closing(stream), \
            tqdm(total=config.steps, initial=step, desc=f"canvas {spec.renderer}", unit="step") as bar:
        for batch in stream:
            loss, mse = train_step(model, optimizer, shard_batch(mesh, transitions(batch)))
            step += 1
            bar.update()
            if step % config.log_every == 0 or step == config.steps:
                check_finite(step, loss=loss)
                rate = (step - start_step) * config.batch_size / (time.perf_counter() - started)
                run.log(step, {"train/bce": loss, "train/mse": mse, "train/samples_per_s": rate})
                bar.set_postfix(bce=f"{float(loss):.4f}", mse=f"{float(mse):.4f}")
            if step % config.checkpoint_every == 0 or stop.requested:
                run.save(step, model, optimizer)
            if stop.requested:
                run.close()
                raise KeyboardInterrupt
            if step % config.eval_every == 0 or step == config.steps:
                run.log(step, {f"eval/{k}": v for k, v in evaluate(model, renderer, config.eval_episodes).items()})
                run.image(step, "real_canvas_diff", comparison_grid(model, renderer))
    if run.latest_step() != step:
        run.save(step, model, optimizer)
    result = evaluate(model, renderer, config.eval_episodes)
    run.close()
    return result


def load_canvas(workdir, renderer=None) -> Canvas:
    """The trained canvas of a run folder, frozen: see `canvasdraw.canvas` for its use.

    If `renderer` is given, its name and version must match the canvas's.
    """
    facts_file = Path(workdir) / "run.json"
    if not facts_file.exists():
        raise UserError(f"{workdir} is not a canvas workdir (no run.json)")
    facts = json.loads(facts_file.read_text())
    if facts.get("kind") != "canvas":
        raise UserError(f"{workdir} holds a {facts.get('kind')} run, not a canvas")
    spec = CanvasSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in facts["canvas"].items()})
    if renderer is not None and (renderer.name, renderer.version) != (spec.renderer, spec.renderer_version):
        raise UserError(f"canvas in {workdir} was trained for renderer {spec.renderer} "
                        f"v{spec.renderer_version}, not {renderer.name} v{renderer.version}")
    model = Canvas(spec, rngs=nnx.Rngs(0))
    run = RunFolder(workdir, facts)
    if run.restore(model) is None:
        raise UserError(f"{workdir} has no checkpoint yet")
    run.close()
    return model
