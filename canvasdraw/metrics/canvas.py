"""How faithfully a canvas imitates its renderer, on held-out rollouts (seed EVAL_SEED, which no
training run may use)."""

from __future__ import annotations

import jax
import numpy as np

from canvasdraw import pictures
from canvasdraw.data.rollouts import RolloutSpec, render_episodes, transitions
from canvasdraw.nets.frozen import FrozenCanvas, canvas_rollout

EVAL_SEED = 2**31 - 1


_rollout = jax.jit(canvas_rollout)


@jax.jit
def canvas_step(canvas: FrozenCanvas, states, actions):
    """One canvas step: states (B, S, S, C), actions (B, D) -> predicted next states."""
    return canvas(states, actions)


def canvas_fidelity(canvas: FrozenCanvas, renderer, episodes: int = 256, steps: int = 10) -> dict:
    """Held-out fidelity against the real renderer (seed EVAL_SEED).

    single_*: one step from real states x_n, all steps of the episodes;
    seq{K}_*: K actions composited through the canvas from x_0, vs the real x_K, K = 4, 10;
    black_mse: the all-blank prediction's MSE on single steps (the collapse baseline).
    """
    spec = canvas.spec
    data = render_episodes(RolloutSpec(renderer, spec.size, EVAL_SEED, steps), 0, episodes)
    flat = transitions(data)
    pred = np.asarray(canvas_step(canvas, flat["state"], flat["action"]))
    err = pred - flat["next_state"]
    blank = renderer.blank(spec.size)
    out = {"single_mse": float(np.mean(err**2)), "single_l1": float(np.mean(np.abs(err))),
           "black_mse": float(np.mean((flat["next_state"] - blank) ** 2))}
    seq = np.asarray(_rollout(canvas, data["states"][:, 0], data["actions"]))
    for k in (4, 10):
        if k <= steps:
            diff = seq[:, k - 1] - data["states"][:, k]
            out[f"seq{k}_mse"], out[f"seq{k}_l1"] = float(np.mean(diff**2)), float(np.mean(np.abs(diff)))
    return out


def canvas_sheet(canvas: FrozenCanvas, renderer, count: int = 8) -> np.ndarray:
    """Rows: real renderer | canvas | |difference|, for `count` held-out single steps."""
    spec = canvas.spec
    flat = transitions(render_episodes(RolloutSpec(renderer, spec.size, EVAL_SEED, 4), 0, -(-count // 4)))
    real, states, actions = flat["next_state"][:count], flat["state"][:count], flat["action"][:count]
    pred = np.asarray(canvas_step(canvas, states, actions))
    rows = [renderer.to_rgb(x) for x in real] + [renderer.to_rgb(x) for x in pred]
    rows += [np.repeat(np.abs(p - r).max(-1, keepdims=True), 3, -1) for p, r in zip(pred, real)]
    return pictures.contact_sheet(rows, columns=count)
