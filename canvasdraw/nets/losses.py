"""Losses: the canvas's pixel BCE, the drawer's action penalty, its multi-scale pixel L2 and the
overlap of box actions."""

from __future__ import annotations

import jax.numpy as jnp
from flax import nnx

EPS = 1e-6


def bce(pred, target):
    """Binary cross-entropy of predicted vs target pixels, both in [0, 1] (soft targets). Plain L2
    collapses a canvas to a blank image on thin strokes; BCE does not (docs/results.md)."""
    p = jnp.clip(pred, EPS, 1 - EPS)
    return -jnp.mean(target * jnp.log(p) + (1 - target) * jnp.log(1 - p))


def action_penalty(actions):
    """max(0, (y - 0.5)^2 - 0.25) * 30 per component, averaged: zero inside [0, 1]."""
    return jnp.mean(jnp.maximum(0.0, (actions - 0.5) ** 2 - 0.25) * 30)


def pyramid_l2(drawn, target, levels: int):
    """Sum over `levels` 2×2 average-poolings of the L2 between the pooled images (B, S, S, C),
    level k weighted 2^k: a stroke some pixels off a thin line still overlaps it after pooling, so
    the loss pulls it onto the line instead of making it vanish."""
    total = 0.0
    for level in range(1, levels + 1):
        drawn, target = (nnx.avg_pool(x, (2, 2), strides=(2, 2)) for x in (drawn, target))
        total += 2.0 ** level * jnp.mean((drawn - target) ** 2)
    return total


def box_overlap(actions, corners: tuple[tuple[int, int], ...]):
    """Mean over the batch of the summed pairwise overlap of box actions (B, N, D): per axis the
    indices of the two corner components (either order), overlap in fractions of the canvas (area
    for 2D boxes, volume for 3D). Zero when no two boxes share area; its gradient shrinks or moves
    boxes apart, so a drawer cannot paint a background box and the details over it."""
    first, second = (jnp.stack([actions[..., pair[k]] for pair in corners], -1) for k in (0, 1))
    low, high = jnp.minimum(first, second), jnp.maximum(first, second)             # (B, N, A)
    sides = jnp.minimum(high[:, :, None], high[:, None]) - jnp.maximum(low[:, :, None], low[:, None])
    shared = jnp.prod(jnp.maximum(sides, 0.0), -1)                                   # (B, N, N)
    pairs = jnp.triu(jnp.ones(shared.shape[-2:]), k=1)
    return jnp.mean(jnp.sum(shared * pairs, (1, 2)))
