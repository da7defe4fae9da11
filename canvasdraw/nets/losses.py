"""Losses: the canvas's pixel BCE, the drawer's action penalty, its multi-scale pixel L2, the
overlap of box actions and the anchors drawer's per-box losses."""

from __future__ import annotations

import jax
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


def near_boxes(boxes, size: int, margin: float):
    """(M, S, S, 1) masks of the pixels within `margin` px of each box (M, 4: two opposite corners
    (x0, y0, x1, y1) as fractions, either order)."""
    box = boxes * size
    centres = jnp.arange(size) + 0.5

    def inside(a, b):                                                    # (M, S)
        low, high = jnp.minimum(a, b)[:, None] - margin, jnp.maximum(a, b)[:, None] + margin
        return (centres > low) & (centres < high)

    return (inside(box[:, 1], box[:, 3])[:, :, None] & inside(box[:, 0], box[:, 2])[:, None, :])[..., None]


def anchor_box_losses(layers, seeds, targets, boxes, margin: float = 2.0, grow: float = 0.02):
    """Per-box losses of the anchors drawer (canvasdraw.train.anchors), each box on its own.

    layers (M, S, S, C+1): what each box paints (colour, then alpha) by the canvas; seeds (M, C):
    the target's colour at the box's anchor; targets (M, S, S, C); boxes (M, 4) its corners
    (fractions), only to keep the canvas's faint alpha farther than `margin` px from the box out
    (summed over the picture it outweighs the box's edges). Returns (geometry, colour), each (M,):
      geometry = mean over the box of |target − seed|² − grow · log(area in px + 4): an edge moves
                 out over pixels whose error is below the box's mean error + `grow`, so a box
                 fills its anchor's region of one colour and stops at walls (whose error is ≥ 0.04
                 even where a 2 px wall is a quarter of a 4 px pixel);
      colour   = mean over the box (alpha held fixed) of |target − the box's colour|².
    """
    alpha = layers[..., -1:] * near_boxes(boxes, layers.shape[1], margin)
    area = jnp.sum(alpha, axis=(1, 2, 3)) + 4.0
    wrong = jnp.sum(alpha * jnp.sum((targets - seeds[:, None, None]) ** 2, -1, keepdims=True), axis=(1, 2, 3))
    held = jax.lax.stop_gradient(alpha)
    tint = jnp.sum(held * jnp.sum((targets - layers[..., :-1]) ** 2, -1, keepdims=True), axis=(1, 2, 3))
    return wrong / area - grow * jnp.log(area), tint / (jnp.sum(held, axis=(1, 2, 3)) + 1.0)


def anchor_choice_losses(layers, targets, boxes, colours, margin: float = 2.0):
    """The colour loss of `anchor_box_losses` for each of K candidate colours: what the box's colour
    loss would be were it drawn in that colour (a box renderer paints its colour flat). layers
    (M, S, S, C+1) as there (only the alpha is read, held fixed), targets (M, S, S, C), boxes
    (M, 4), colours (K, C) in the targets' space -> (M, K)."""
    held = jax.lax.stop_gradient(layers[..., -1:] * near_boxes(boxes, layers.shape[1], margin))
    area = jnp.sum(held, axis=(1, 2, 3))                                              # (M,)
    mean_t = jnp.sum(held * targets, axis=(1, 2))                                     # (M, C): Σ a·t
    square_t = jnp.sum(held * jnp.sum(targets**2, -1, keepdims=True), axis=(1, 2, 3))  # (M,): Σ a·|t|²
    # Σ a·|t − c|² = Σ a|t|² − 2 c·Σ a·t + |c|² Σ a, for every colour at once
    summed = square_t[:, None] - 2 * mean_t @ colours.T + area[:, None] * jnp.sum(colours**2, -1)
    return summed / (area[:, None] + 1.0)
