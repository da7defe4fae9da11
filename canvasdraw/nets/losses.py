"""Losses: the canvas's pixel BCE, the drawer's action penalty and its multi-scale pixel L2."""

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
