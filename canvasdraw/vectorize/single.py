"""Pictures at the model's size drawn by the single-window drawer, in batches: the drawer with the
real renderer in the loop, then optionally `refine` Adam steps on the actions through the
renderer's twin or the canvas (`refinement_guide`).

Further passes (`draw_in_passes`) give a picture more strokes than the drawer has steps when it
needs them: the drawer draws its N steps again, starting from the drawing so far, and the refinement
then moves all strokes together. A pass runs only for the pictures whose drawing still leaves more
than ENOUGH of the empty drawing's error, and its strokes are kept only if the drawing got better.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from canvasdraw.nets.frozen import TwinCanvas
from canvasdraw.nets.optimize import optimize_actions
from canvasdraw.render.contract import render_batch
from canvasdraw.store.models import Model
from canvasdraw.vectorize.real_renderer import draw_with_renderer

ENOUGH = 0.05   # of the empty drawing's L2: a drawing that leaves less gets no further pass


def padded_batch(rows: np.ndarray, batch_size: int) -> np.ndarray:
    """rows (B, ...) padded with zeros to a power of two (at most `batch_size`): a few compiled
    programs serve every call."""
    padded = np.zeros((min(batch_size, 1 << (len(rows) - 1).bit_length()),) + rows.shape[1:], rows.dtype)
    padded[:len(rows)] = rows
    return padded


def refinement_guide(model: Model):
    """What `refine` moves actions through: the renderer's differentiable twin where it has one
    (`Renderer.twin_layer`; nearer the real drawing than the trained canvas, which only imitates
    it), else the model's canvas. Either is called like a canvas."""
    return TwinCanvas(model.renderer) if model.renderer.has_twin else model.canvas


def _draw(model: Model, hints: np.ndarray, refine: int, map, starts=None, before=None):
    """One pass over padded hints (B, S, S, Ct): the drawer's steps from `starts`, appended to the
    actions `before` (B, M, D), then `refine` Adam steps on all of them. Returns actions and states."""
    renderer, size = model.renderer, model.drawer.spec.size
    actions, states = draw_with_renderer(model.drawer, renderer, hints, map, starts)
    if before is not None:
        actions = np.concatenate([before, actions], axis=1)
    if refine:
        actions = np.asarray(optimize_actions(refinement_guide(model), hints, jnp.asarray(renderer.blank(size)), actions,
                                              refine)[0])
        states = render_batch(renderer, actions, size, map=map)
    return actions, states


def draw_inks(model: Model, inks: np.ndarray, refine: int = 0, batch_size: int = 256,
              map=map) -> tuple[np.ndarray, np.ndarray]:
    """Actions (B, N, D) in [0, 1] for inks (B, S, S) uint8 (or colour pictures (B, S, S, 3)), and
    their real re-renders (B, S, S, C) (blank for an anchors drawer's proposals: `draw_with_renderer`).

    The drawer runs with the real renderer in the loop (`draw_with_renderer`; the canvas is not
    needed). `refine` > 0 adds that many Adam steps on the actions through `refinement_guide`
    (canvasdraw.nets.optimize). `map` runs the per-image rendering."""
    actions, rendered = [], []
    for first in range(0, len(inks), batch_size):
        chunk = inks[first:first + batch_size]
        chunk = chunk[..., None] if chunk.ndim == 3 else chunk
        acts, states = _draw(model, padded_batch(chunk / np.float32(255), batch_size), refine, map)
        actions.append(acts[:len(chunk)])
        rendered.append(states[:len(chunk)])
    return np.concatenate(actions), np.concatenate(rendered)


def draw_in_passes(model: Model, inks: np.ndarray, refine: int = 0, passes: int = 1, batch_size: int = 256,
                   map=map, enough: float = ENOUGH) -> tuple[list[np.ndarray], np.ndarray]:
    """`draw_inks` and up to `passes` − 1 further passes (module docstring) for inks (B, S, S)
    uint8 or colour pictures (B, S, S, 3); a pass is skipped where the drawing leaves at most
    `enough` of the empty drawing's L2. Returns each picture's actions (n_i, D), n_i a multiple of
    the drawer's steps, and the real re-renders (B, S, S, C)."""
    first, rendered = draw_inks(model, inks, refine, batch_size, map)
    actions = list(first)
    targets = inks / np.float32(255)
    targets = targets[..., None] if targets.ndim == 3 else targets
    blank_l2 = np.mean((targets - model.renderer.blank(targets.shape[1])) ** 2, axis=(1, 2, 3))
    going = np.ones(len(inks), bool)   # every pass so far kept: these pictures hold equally many strokes
    for _ in range(passes - 1):
        l2 = np.mean((rendered - targets) ** 2, axis=(1, 2, 3))
        going &= l2 > enough * blank_l2
        need = np.flatnonzero(going)
        for part in range(0, len(need), batch_size):
            ids = need[part:part + batch_size]
            acts, states = _draw(model, padded_batch(targets[ids], batch_size), refine, map,
                                 padded_batch(rendered[ids], batch_size), padded_batch(np.stack([actions[i] for i in ids]),
                                                                             batch_size))
            for i, a, s in zip(ids, acts, states):
                going[i] = np.mean((s - targets[i]) ** 2) < l2[i]
                if going[i]:
                    actions[i], rendered[i] = a, s
    return actions, rendered
