"""Pictures at the model's size drawn by the single-window drawer, in batches: the drawer with the
real renderer in the loop, then optionally `refine` Adam steps on the actions through the canvas."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from canvasdraw.nets.optimize import optimize_actions
from canvasdraw.render.contract import render_batch
from canvasdraw.store.models import Model
from canvasdraw.vectorize.real_renderer import draw_with_renderer


def draw_inks(model: Model, inks: np.ndarray, refine: int = 0, batch_size: int = 256,
              map=map) -> tuple[np.ndarray, np.ndarray]:
    """Actions (B, N, D) in [0, 1] for inks (B, S, S) uint8 (or colour pictures (B, S, S, 3)), and
    their real re-renders (B, S, S, C).

    The drawer runs with the real renderer in the loop (`draw_with_renderer`; the canvas is not
    needed). `refine` > 0 adds that many Adam steps on the actions through the canvas
    (canvasdraw.nets.optimize). Batches are padded to a power of two (at most `batch_size`) so a
    few compiled programs serve every call; `map` runs the per-image rendering."""
    renderer, size = model.renderer, model.drawer.spec.size
    actions, rendered = [], []
    for first in range(0, len(inks), batch_size):
        chunk = inks[first:first + batch_size]
        chunk = chunk[..., None] if chunk.ndim == 3 else chunk
        hints = np.zeros((min(batch_size, 1 << (len(chunk) - 1).bit_length()),) + chunk.shape[1:], np.float32)
        hints[:len(chunk)] = chunk / np.float32(255)
        acts, states = draw_with_renderer(model.drawer, renderer, hints, map)
        if refine:
            acts, _, _ = optimize_actions(model.canvas, hints, jnp.asarray(renderer.blank(size)), acts, refine)
            acts = np.asarray(acts)
            states = render_batch(renderer, acts[:len(chunk)], size, map=map)
        actions.append(acts[:len(chunk)])
        rendered.append(states[:len(chunk)])
    return np.concatenate(actions), np.concatenate(rendered)
