"""Strokes that draw nothing, or nothing good, are not written.

A drawer has a fixed number of steps; a picture may need fewer strokes. A stroke is dropped when
removing it from the finished drawing changes fewer than MIN_CHANGED pixels by more than CHANGED
ink (it is too faint, too short, or hidden under others). For `ink` renderers the drawing is
1 − Π(1 − a_j) over the strokes' coverages a_j (each stroke's ink drawn alone, SVG's alpha
*over*), so removing stroke i changes a pixel by a_i·Π_{j≠i}(1 − a_j): every stroke is tested from
one render of each stroke alone. Strokes are tested in drawing order and a dropped one leaves the
product, so of two identical strokes one stays. A drawing of its own target also drops the strokes
without which it is at least as close to the target (`helpful_strokes`; held-out KanjiVG symbols
drawn in 4 passes: 26.0 -> 19.3 strokes, L2 of the SVG 0.00521 -> 0.00501).

For `over` renderers (opaque colour: rectangles, boxes) `visible_actions` drops, one at a time in
drawing order, every action whose removal changes less than MIN_VISIBLE of the picture by more
than VISIBLE_CHANGE in some channel (a step that drew nothing, or a shape drawn again over itself).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from canvasdraw.vectorize.window_strokes import Strokes

CHANGED = 0.1       # ink: a pixel changes when it moves more than this
MIN_CHANGED = 2     # pixels (at the drawing's own size)
OPAQUE = 1 - 1e-6   # coverage is clipped below 1 so that a stroke's factor can be divided out
MIN_VISIBLE = 0.002     # `over` renderers: of the picture's pixels (~33 at 128 px, 8 at 64 px)
VISIBLE_CHANGE = 0.3    # a pixel changes when a channel moves more than this; a shape drawn
                        # twice changes its anti-aliased edge by at most a quarter of its colour


def _factors(coverages, corners: np.ndarray | None, shape: tuple[int, int] | None):
    """Each stroke's factor 1 − a (its coverage's shape) float64, the windows' corners (N, 2)
    (default all (0, 0)), the picture's (H, W) (default the first coverage's) and Π(1 − a) over
    all strokes on the picture padded to reach every coverage (module docstring)."""
    count = len(coverages)
    corners = np.zeros((count, 2), int) if corners is None else np.asarray(corners)
    height, width = shape or (coverages[0].shape if count else (0, 0))
    reach = (corners + np.array([c.shape for c in coverages]).reshape(-1, 2)).max(axis=0) if count else (0, 0)
    clear = np.ones((max(height, reach[0]), max(width, reach[1])), np.float64)
    factors = [1 - np.clip(c, 0, OPAQUE).astype(np.float64) for c in coverages]
    for (y, x), factor in zip(corners, factors):
        clear[y:y + factor.shape[0], x:x + factor.shape[1]] *= factor
    return factors, corners, (height, width), clear


def visible_strokes(coverages, corners: np.ndarray | None = None, shape: tuple[int, int] | None = None) -> np.ndarray:
    """Which strokes to keep, (N,) bool, in drawing order.

    coverages (N, s, s) float in [0, 1], or N such arrays of any (h, w): each stroke's ink drawn
    alone on its window (or on any part of it that holds all its ink); corners (N, 2) int: each
    one's top-left (y, x) in the picture (default all (0, 0)); shape: the picture's (H, W)
    (default the first coverage's). Windows may overlap and run past the picture's edge."""
    factors, corners, (height, width), clear = _factors(coverages, corners, shape)
    kept = np.ones(len(coverages), bool)
    for i, ((y, x), factor) in enumerate(zip(corners, factors)):
        window = clear[y:y + factor.shape[0], x:x + factor.shape[1]]
        change = (window / factor) * (1 - factor)  # a_i · Π_{j≠i}(1 − a_j)
        if np.count_nonzero(change[:max(0, height - y), :max(0, width - x)] > CHANGED) < MIN_CHANGED:
            kept[i] = False
            window /= factor
    return kept


def helpful_strokes(coverages, target: np.ndarray, corners: np.ndarray | None = None, tolerance: float = 0.0) -> np.ndarray:
    """Which strokes of a drawing of its own target to keep, (N,) bool, in drawing order: a stroke
    is dropped when the drawing without it (1 − Π(1 − a_j) over the others, as in `visible_strokes`)
    is at least as close to `target` (H, W) in [0, 1] — a faint stroke off the ink, or one that
    the others already draw. coverages and corners as in `visible_strokes`."""
    factors, corners, (height, width), clear = _factors(coverages, corners, target.shape)
    kept = np.ones(len(coverages), bool)
    for i, ((y, x), factor) in enumerate(zip(corners, factors)):
        window = clear[y:y + factor.shape[0], x:x + factor.shape[1]]
        inside = (slice(0, max(0, height - y)), slice(0, max(0, width - x)))   # the SVG shows the picture only
        aimed = target[y:y + factor.shape[0], x:x + factor.shape[1]]
        without = (window / factor)[inside]
        if np.sum((1 - without - aimed) ** 2) <= np.sum((1 - window[inside] - aimed) ** 2) + tolerance:
            kept[i] = False
            window /= factor
    return kept


def visible_actions(renderer, actions: np.ndarray, size: int) -> list[int]:
    """Indices of the actions (N, D) of an `over` renderer kept (module docstring), in drawing order."""
    kept = list(range(len(actions)))
    full = renderer.render(actions, size)
    for i in range(len(actions)):
        rest = [k for k in kept if k != i]
        without = renderer.render(actions[rest], size) if rest else renderer.blank(size)
        if np.mean(np.abs(without - full).max(axis=-1) > VISIBLE_CHANGE) < MIN_VISIBLE:
            kept = rest
    return kept


def visible(renderer, actions: np.ndarray, size: int, target: np.ndarray | None = None) -> list[int] | np.ndarray:
    """What a drawing of `actions` (N, D) at `size` px writes (indices or a mask, drawing order):
    `visible_strokes` for `ink` renderers — of those, only the `helpful_strokes` when the drawing
    is of its own `target` (S, S) ink in [0, 1] —, `visible_actions` for `over` renderers, all otherwise."""
    if renderer.composite == "ink":
        coverages = coverages_of(renderer, actions, size)
        kept = visible_strokes(coverages)
        if target is not None:
            kept[kept] = helpful_strokes(coverages[kept], target)
        return kept
    if renderer.composite == "over":
        return visible_actions(renderer, actions, size)
    return np.ones(len(actions), bool)


def coverages_of(renderer, actions: np.ndarray, size: int) -> np.ndarray:
    """(N, S, S) each action's ink drawn alone by an `ink` renderer at S px."""
    return np.stack([renderer.render(action[None], size)[..., 0] for action in actions]) if len(actions) else \
        np.zeros((0, size, size), np.float32)


def written_strokes(renderer, strokes: Strokes, shape: tuple[int, int], target: np.ndarray | None = None,
                    tolerance: float = 0.0) -> Strokes:
    """The windows' strokes with `kept` set: of those kept so far (all when `kept` is None), those
    that draw something on the (H, W) picture — and only the `helpful_strokes` (with `tolerance`)
    when the drawing is of its own `target` (H, W) in [0, 1]. Each stroke's coverage is cut to
    the box of its ink (a 512² mosaic's 800 strokes: 0.86 s -> 0.15 s)."""
    count = strokes.actions.shape[:2]
    kept = np.ones(count, bool) if strokes.kept is None else strokes.kept.copy()
    crops, corners = [], []
    for corner, window_side, actions, live in zip(strokes.corners, strokes.sides, strokes.actions, kept):
        for coverage in coverages_of(renderer, actions[live], int(window_side)):
            ys, xs = np.nonzero(coverage.any(axis=1))[0], np.nonzero(coverage.any(axis=0))[0]
            top, left = (ys[0], xs[0]) if len(ys) else (0, 0)
            crops.append(coverage[top:ys[-1] + 1, left:xs[-1] + 1] if len(ys) else coverage[:0, :0])
            corners.append(corner + (top, left))
    corners = np.array(corners, int).reshape(-1, 2)
    written = visible_strokes(crops, corners, shape)
    if target is not None:
        written[written] = helpful_strokes([c for c, w in zip(crops, written) if w], target, corners[written],
                                           tolerance)
    flat = kept.reshape(-1)   # a view: kept is a fresh copy
    flat[flat] = written
    return dataclasses.replace(strokes, kept=kept)
