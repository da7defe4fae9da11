"""A drawer run with the real renderer in the loop: at inference the drawer sees the true drawing
after each of its steps, and the canvas is not needed."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from flax import nnx

from canvasdraw.nets.drawer import Drawer


@nnx.jit
def _drawer_step(drawer: Drawer, carry, hints, states):
    carry, actions = drawer(carry, hints, states)
    return carry, jnp.clip(actions, 0, 1)


def draw_with_renderer(drawer: Drawer, renderer, hints, map=map, starts=None) -> tuple[np.ndarray, np.ndarray]:
    """The N steps with the real renderer in the loop instead of the canvas (inference only: no
    gradients). hints (B, S, S, Ct); starts (B, S, S, C) the states before the first step (default
    blank). Returns actions (B, N, D) in [0, 1] and the real final states (B, S, S, C). The drawer
    sees real states, and the canvas is not run at all. `map` runs the per-image renderer steps
    (e.g. a thread pool's map). An anchors drawer (canvasdraw.nets.anchors) writes all its boxes at
    once from the hint alone; they are proposals that canvasdraw.vectorize.rooms merges into
    rooms, not a drawing, so they are not rendered (drawing a plan's 256 boxes took 85 % of its
    time) and its states are the starts."""
    hints = jnp.asarray(hints)
    batch, size = hints.shape[0], drawer.spec.size
    states = np.broadcast_to(renderer.blank(size) if starts is None else starts,
                             (batch, size, size, renderer.channels)).copy()
    if drawer.spec.variant == "anchors":
        return np.asarray(_drawer_step(drawer, (), hints, None)[1]), states
    carry, actions = drawer.initial_carry(batch), []
    for _ in range(drawer.spec.steps):
        carry, step_actions = _drawer_step(drawer, carry, hints, jnp.asarray(states))
        step_actions = np.asarray(step_actions)
        states = np.stack(list(map(renderer.step, states, step_actions)))
        actions.append(step_actions)
    return np.stack(actions, axis=1), states
