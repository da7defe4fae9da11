"""Per-image optimisation of action sequences through a frozen canvas (no drawer).

The Table 1 baseline (actions from a random start) and `vectorize --refine` (actions from the
drawer's output) are the same procedure: Adam on the actions themselves, loss = each image's pixel
L2 between the canvas's drawing and the target plus the drawer's action penalty, all images of a
batch optimised at once (their losses are summed, so their gradients stay independent).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from canvasdraw.nets.frozen import canvas_rollout
from canvasdraw.nets.losses import action_penalty


def adam_steps(loss, params, steps, learning_rate: float):
    """`params` (any pytree) after `steps` Adam updates on the scalar `loss(params)` (call it
    inside a jitted function; `steps` may be traced: one compiled program serves every count)."""
    tx = optax.adam(learning_rate)

    def update(_, carry):
        params, state = carry
        changes, state = tx.update(jax.grad(loss)(params), state)
        return optax.apply_updates(params, changes), state

    params, _ = jax.lax.fori_loop(0, steps, update, (params, tx.init(params)))
    return params


@jax.jit
def optimize_actions(canvas, targets, start, actions, steps: int, learning_rate: float = 0.03, moving=None):
    """Adam on `actions` (B, N, D) for `steps` updates so that drawing them through the canvas (or
    the renderer's twin, `TwinCanvas`) matches `targets` (B, S, S, C). `moving` (B, N) bool, if
    given, says which actions move; the others stay as they are (padding that must stay empty:
    left free, an empty slot grows into a box). Returns the actions clipped to [0, 1] and the
    per-image canvas L2 before and after, each (B,)."""
    fixed = actions

    def per_image_l2(actions):
        drawn = canvas_rollout(canvas, start, actions)[:, -1]
        return jnp.mean((drawn - targets) ** 2, axis=(1, 2, 3))

    def loss(actions):
        if moving is not None:
            actions = jnp.where(moving[..., None], actions, fixed)
        penalty = jax.vmap(action_penalty)(actions)
        return jnp.sum(per_image_l2(actions) + penalty)

    before = per_image_l2(jnp.clip(actions, 0, 1))
    actions = adam_steps(loss, actions, steps, learning_rate)
    if moving is not None:
        actions = jnp.where(moving[..., None], actions, fixed)
    actions = jnp.clip(actions, 0, 1)
    return actions, before, per_image_l2(actions)
