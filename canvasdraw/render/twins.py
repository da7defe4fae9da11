"""Differentiable coverage of strokes, for renderers' twins (`Renderer.twin_layer`).

jax.numpy functions of pixel-space geometry, differentiable in it. A pixel's coverage is its
box filter's overlap with the stroke's cross-section, close to what Cairo's anti-aliasing
computes, so twins built from it stay within the kit's bound of the Cairo raster
(`testing.check_twin`).

(Filled boxes have an exact twin of the same kind, but refining the `prisms` boxes through it
lost to refining through the canvas — F1 0.755 vs 0.766 on 1–3 boxes, 0.380 vs 0.436 on 4–6:
a box edge's gradient comes from its edge pixels only, where the canvas's reaches further — so
the box renderers have none.)
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp


def polyline_coverage(points, half_width, size: int, origins=None):
    """Strokes along polylines with round caps and joins: points (B, K+1, 2) in pixels (x, y),
    half widths (B,) -> coverage (B, S, S) in [0, 1] of the S×S pixels from `origins` (B, 2) (x, y)
    on (default: from 0). A pixel is covered by the length of [d - 1/2, d + 1/2] ∩ [-w/2, w/2], d
    being its centre's distance to the polyline. Differentiable in points and half widths."""
    if origins is not None:
        points = points - jnp.asarray(origins, jnp.float32)[:, None, :]
    return _coverage(jnp.asarray(points, jnp.float32), jnp.asarray(half_width, jnp.float32), size)


def _nearest(points, size: int):
    """Per pixel of the S×S grid, the nearest chord of each polyline (B, K+1, 2): its index k
    (B, S, S) int, the nearest point's place t in [0, 1] along it, the offset (ex, ey) from that
    point to the pixel's centre, and the distance d = |(ex, ey)|."""
    centres = jnp.arange(size, dtype=jnp.float32) + 0.5
    px, py = centres[None, None, :], centres[None, :, None]              # x along rows, y down columns
    starts, ends = jnp.moveaxis(points[:, :-1], 1, 0), jnp.moveaxis(points[:, 1:], 1, 0)   # (K, B, 2)

    # A loop over the chords, not K unrolled expressions: XLA would fuse the unrolled search into
    # each consumer of its results and run it again for each (~10× slower on CPU).
    def closer(k, best):
        ax, ay = starts[k, :, 0, None, None], starts[k, :, 1, None, None]
        dx, dy = ends[k, :, 0, None, None] - ax, ends[k, :, 1, None, None] - ay
        along = jnp.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy + 1e-9), 0.0, 1.0)
        ex, ey = px - ax - along * dx, py - ay - along * dy
        found = (ex * ex + ey * ey, jnp.full(ex.shape, k, jnp.int32), along, ex, ey)
        return tuple(jnp.where(found[0] < best[0], new, old) for new, old in zip(found, best))

    shape = (points.shape[0], size, size)
    first = (jnp.full(shape, jnp.inf), jnp.zeros(shape, jnp.int32), *(jnp.zeros(shape),) * 3)
    d2, index, along, ex, ey = jax.lax.fori_loop(0, starts.shape[0], closer, first)
    return index, along, ex, ey, jnp.sqrt(d2 + 1e-12)


def _from_distance(d, half):
    """Coverage (B, S, S) of pixels at distance d from a stroke of half width (B, 1, 1)."""
    return jnp.clip(jnp.minimum(d + 0.5, half) - jnp.maximum(d - 0.5, -half), 0.0, 1.0)


# The gradient is written by hand: automatic differentiation of the K chords' distances keeps and
# reduces K copies of every pixel's intermediates, ~40× the forward pass on CPU. Only the nearest
# chord moves a pixel's distance (d is the distance to the nearest point, so moving that point
# along the chord changes d by nothing): ∂d/∂a = −u (1 − t), ∂d/∂b = −u t for the chord's ends a, b,
# u the unit offset from the nearest point to the pixel; the pixels' terms are summed per chord by
# one segment sum over (stroke, chord) (a product with the one-hot chord index made the gradient
# of 768 strokes on 32 px patches 1.6× slower on CPU).
@partial(jax.custom_vjp, nondiff_argnums=(2,))
def _coverage(points, half_width, size: int):
    return _from_distance(_nearest(points, size)[-1], half_width[:, None, None])


def _coverage_forward(points, half_width, size: int):
    index, along, ex, ey, d = _nearest(points, size)
    half = half_width[:, None, None]
    return _from_distance(d, half), (index, along, ex / d, ey / d, d, half, points.shape[1] - 1)


def _coverage_backward(size: int, residuals, grad):
    index, along, ux, uy, d, half, chords = residuals
    open_ = d + 0.5 - jnp.maximum(d - 0.5, -half) - jnp.maximum(d + 0.5 - half, 0.0)  # the clip's argument
    live = grad * ((open_ > 0) & (open_ < 1))
    by_distance = live * ((d + 0.5 < half).astype(jnp.float32) - (d - 0.5 > -half))
    by_half = jnp.sum(live * ((half < d + 0.5).astype(jnp.float32) + (-half > d - 0.5)), axis=(1, 2))
    count = index.shape[0]
    parts = jnp.stack([-by_distance * ux * (1 - along), -by_distance * uy * (1 - along),
                       -by_distance * ux * along, -by_distance * uy * along], -1).reshape(count, -1, 4)
    segments = (jnp.arange(count)[:, None] * chords + index.reshape(count, -1)).reshape(-1)   # (B·S·S,)
    per_chord = jax.ops.segment_sum(parts.reshape(-1, 4), segments, num_segments=count * chords).reshape(count, chords, 4)
    zero = jnp.zeros((count, 1, 2), jnp.float32)
    by_point = (jnp.concatenate([per_chord[..., :2], zero], 1) + jnp.concatenate([zero, per_chord[..., 2:]], 1))
    return by_point, by_half


_coverage.defvjp(_coverage_forward, _coverage_backward)
