"""Solids from an anchors drawer of three views (canvasdraw.nets.anchors, views "three": one box
proposed per cell of a grid over the picture, many for each solid), merged as soon as they are
drawn, so that `--refine` moves the solids, not the G² proposals (canvasdraw.vectorize.single).

The anchors are grouped by the colour the picture shows at them (each solid of a scene has its
own colour), and a group spans, on each axis, what the proposals of the two views that show that
axis span; an axis that no view of the group shows takes the drawer's estimate of it (its hidden
axis). Voting by IoU, as floor-plan rooms are merged (canvasdraw.vectorize.rooms), found almost
no solids: a proposal covers little more than its own cell of a 4 px grid, where a solid's sides
are 2-18 px (docs/results.md).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components

from canvasdraw.data.prisms import depth_order
from canvasdraw.nets.anchors import anchor_frames, anchor_seeds
from canvasdraw.nets.drawer import DrawerSpec
from canvasdraw.render.color import cielab_of, rgb_to_lab

# Chosen on training scenes (docs/results.md).
SAME_COLOUR = 12.5     # ΔE (CIELAB) within which the picture's colours at two anchors are of one
                       # solid (chained); and of no solid within this of black (the background)
SOLID_VOTES = 2        # anchors that must show a colour for a solid to be written
MAX_SOLIDS = 8         # solids a picture may hold; the drawing is this many boxes, unused ones empty


def merged_solids(actions: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Proposals (G·G, 9) of `prisms` actions (corners, normalised LAB) and the picture's colour
    at each anchor (G·G, 3) sRGB in [0, 1] -> MAX_SOLIDS actions: the solids (module docstring),
    largest group first when there are more, each in the median colour the picture shows at its
    anchors, in `depth_order` (so the views occlude as drawn), then empty boxes (nothing drawn)."""
    grid = round(len(actions) ** 0.5)
    _, shows, _ = (np.asarray(v) for v in anchor_frames(grid, "three"))      # (G·G, 3): the axes each view shows
    colours = cielab_of(rgb_to_lab(seeds))
    lit = np.flatnonzero((np.linalg.norm(colours, axis=-1) > SAME_COLOUR) & shows.any(axis=1))
    count, group = connected_components(
        np.linalg.norm(colours[lit, None] - colours[None, lit], axis=-1) < SAME_COLOUR, directed=False)
    members = sorted((lit[group == k] for k in range(count)), key=len, reverse=True)
    corners = np.concatenate([np.minimum(actions[:, :3], actions[:, 3:6]), np.maximum(actions[:, :3], actions[:, 3:6])], 1)
    solids = []
    for m in members[:MAX_SOLIDS]:
        if len(m) < SOLID_VOTES:
            break
        box = np.median(corners[m], axis=0)                                  # a hidden axis: the drawer's estimate
        for axis in range(3):
            seen = m[shows[m, axis]]
            if len(seen):
                box[axis], box[3 + axis] = corners[seen, axis].min(), corners[seen, 3 + axis].max()
        solids.append(np.concatenate([box, np.median(rgb_to_lab(seeds[m]), axis=0)]))
    solids = np.array(solids, np.float32).reshape(-1, actions.shape[1])
    order = depth_order(solids[:, :6]) if len(solids) else []
    drawing = np.zeros((MAX_SOLIDS, actions.shape[1]), np.float32)
    drawing[:len(solids)] = solids[order if order is not None else slice(None)]
    return drawing


def cell_proposals(spec: DrawerSpec) -> np.ndarray:
    """Proposals that know nothing, (G·G, 9) for an anchors drawer of three views: each anchor's
    own cell on the axes its view shows, the whole cube on its hidden axis, grey. Merged like a
    drawer's (`merged_solids`), they are the colour regions' boxes rounded to cells: the baseline
    that tells what the drawer's extents add (scripts/bench_prisms.py)."""
    centre, shows, cell = (np.asarray(v) for v in anchor_frames(spec.coarse, "three"))
    return np.concatenate([np.where(shows, centre - cell / 2, 0.0), np.where(shows, centre + cell / 2, 1.0),
                           np.full((len(centre), 3), 0.5)], 1).astype(np.float32)


def merged_proposals(spec: DrawerSpec, actions: np.ndarray, hints: np.ndarray) -> np.ndarray:
    """A drawer's actions (B, N, D) as `vectorize` draws and refines them, for its hints (B, S, S,
    Ct) in [0, 1]: an anchors drawer of three views, its merged solids (B, MAX_SOLIDS, D); any
    other drawer's, as they are (rooms are merged when written, with their types)."""
    if spec.variant != "anchors" or spec.views != "three":
        return actions
    seeds = np.asarray(anchor_seeds(np.asarray(hints, np.float32), spec.coarse))
    return np.stack([merged_solids(a, s) for a, s in zip(actions, seeds)]) if len(actions) else actions[:, :MAX_SOLIDS]
