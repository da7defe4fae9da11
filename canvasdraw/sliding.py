"""Sliding and hierarchical drawers (paper §3.4, §4.2): a drawer trained on S×S windows draws
pictures of any size with hundreds of strokes.

Sliding: windows of side S at stride S/2 (`overlap`; stride S without) cover the picture, which
is padded with blank paper at the right and bottom to whole windows; windows with less than
MIN_INK of inked pixels are skipped. Each window draws the drawer's N strokes with the real
renderer in the loop on its crop of one shared state, so it sees what its neighbours drew.
Windows are visited in an order — `raster` (row by row) or `flood-fill` (breadth-first from the
inkiest window over neighbouring windows, then from the inkiest one left) — and a window is drawn
after every earlier window that overlaps it. Windows that do not overlap cannot see each other,
so the visit runs as *waves* of non-overlapping windows, one batched drawer call per wave and
step, with exactly the result of visiting them one by one.

Hierarchical: the sliding drawer first runs on the picture at half resolution (so each window
covers 2S×2S pixels), its strokes are drawn at full resolution, and the sliding pass at full
resolution continues from there. One drawer serves both levels: it is trained once, on windows
that start from partly drawn states (canvasdraw.drawings).

A window's actions are in its own coordinates (fractions of its side). The real renderer draws
them on the window's crop, so a stroke is clipped to its window; the SVG places each window's
elements with a translate and the same clip. With `max` compositing the final state does not
depend on the order the windows' strokes are re-drawn in.
"""

from __future__ import annotations

import collections
import dataclasses

import numpy as np
from PIL import Image

from canvasdraw import svg
from canvasdraw.drawer import Drawer, draw_with_renderer

MIN_INK = 0.02  # a window with fewer inked (> 0.5) pixels than this fraction is skipped
ORDERS = ("raster", "flood-fill")


@dataclasses.dataclass
class Strokes:
    """A picture's strokes, window by window in drawing order."""

    corners: np.ndarray  # (K, 2) int: each window's top-left (y, x) in the picture's pixels
    sides: np.ndarray    # (K,) int: each window's side in the picture's pixels
    actions: np.ndarray  # (K, N, D) in [0, 1], in window coordinates

    def __len__(self) -> int:
        return len(self.corners)

    @staticmethod
    def concat(parts: list["Strokes"]) -> "Strokes":
        return Strokes(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("corners", "sides", "actions")))


def grid(height: int, width: int, window: int, stride: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Row-major window corners (K, 2) covering a height×width picture, and the padded
    (height, width) they cover exactly."""
    ys, xs = (np.arange(-(-max(n - window, 0) // stride) + 1) * stride for n in (height, width))
    corners = np.stack(np.meshgrid(ys, xs, indexing="ij"), -1).reshape(-1, 2)
    return corners, (int(ys[-1]) + window, int(xs[-1]) + window)


def visit_order(corners: np.ndarray, stride: int, ink: np.ndarray, order: str) -> list[int]:
    """Indices of the windows with ink >= MIN_INK in `order` (module docstring)."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    kept = [k for k in range(len(corners)) if ink[k] >= MIN_INK]
    if order == "raster":
        return kept
    where = {tuple(corners[k] // stride): k for k in kept}
    left, visit = set(kept), []
    while left:
        queue = collections.deque([max(left, key=lambda k: (ink[k], -k))])
        left.discard(queue[0])
        while queue:
            k = queue.popleft()
            visit.append(k)
            i, j = corners[k] // stride
            for near in (where.get((i + di, j + dj)) for di in (-1, 0, 1) for dj in (-1, 0, 1)):
                if near in left:
                    left.discard(near)
                    queue.append(near)
    return visit


def waves(corners: np.ndarray, window: int, stride: int, visit: list[int]) -> list[np.ndarray]:
    """Groups the visit into waves of non-overlapping windows: each window goes one wave after
    the last wave holding an earlier-visited window that overlaps it."""
    reach = -(-window // stride)  # grid cells closer than this in both axes overlap
    wave_of, groups = {}, collections.defaultdict(list)
    for k in visit:
        i, j = corners[k] // stride
        wave = 1 + max((wave_of.get((i + di, j + dj), -1) for di in range(1 - reach, reach)
                        for dj in range(1 - reach, reach)), default=-1)
        wave_of[i, j] = wave
        groups[wave].append(k)
    return [np.array(groups[w]) for w in sorted(groups)]


def _blank(renderer, height: int, width: int) -> np.ndarray:
    return renderer.blank(max(height, width))[:height, :width].copy()


def slide(drawer: Drawer, renderer, ink: np.ndarray, overlap: bool = True, order: str = "raster",
          start: np.ndarray | None = None, map=map) -> tuple[Strokes, np.ndarray]:
    """Draws ink (H, W) in [0, 1] window by window (module docstring), from `start` (H, W, C;
    default blank). Returns the strokes and the real final state (H, W, C)."""
    size = drawer.spec.size
    stride = size // 2 if overlap else size
    height, width = ink.shape
    corners, (padded_h, padded_w) = grid(height, width, size, stride)
    hint = np.zeros((padded_h, padded_w), np.float32)
    hint[:height, :width] = ink
    state = _blank(renderer, padded_h, padded_w)
    if start is not None:
        state[:height, :width] = start

    def crops(picture, ks):
        return np.stack([picture[y:y + size, x:x + size] for y, x in corners[ks]])

    fractions = np.array([np.mean(hint[y:y + size, x:x + size] > 0.5) for y, x in corners])
    groups = waves(corners, size, stride, visit_order(corners, stride, fractions, order))
    width_of_batch = 1 << (max(len(g) for g in groups) - 1).bit_length() if groups else 1  # one compiled shape
    drawn, actions = [], []
    for wave in groups:
        hints = np.zeros((width_of_batch, size, size, 1), np.float32)
        hints[:len(wave), ..., 0] = crops(hint, wave)
        starts = np.broadcast_to(renderer.blank(size), (width_of_batch,) + renderer.blank(size).shape).copy()
        starts[:len(wave)] = crops(state, wave)
        wave_actions, wave_states = draw_with_renderer(drawer, renderer, hints, map, starts)
        for (y, x), window_state in zip(corners[wave], wave_states):
            state[y:y + size, x:x + size] = window_state
        drawn.append(wave)
        actions.append(wave_actions[:len(wave)])
    visited = np.concatenate(drawn) if drawn else np.zeros(0, int)
    actions = np.concatenate(actions) if actions else np.zeros((0, drawer.spec.steps, drawer.spec.action_dim),
                                                                 np.float32)
    return Strokes(corners[visited], np.full(len(visited), size), actions), state[:height, :width]


def hierarchical(drawer: Drawer, renderer, ink: np.ndarray, overlap: bool = True, order: str = "raster",
                 map=map) -> tuple[Strokes, np.ndarray]:
    """The coarse pass at half resolution, then the sliding pass (module docstring)."""
    height, width = ink.shape
    half = np.asarray(Image.fromarray(ink.astype(np.float32), "F").resize(
        (-(-width // 2), -(-height // 2)), Image.BILINEAR))
    coarse, _ = slide(drawer, renderer, half, overlap, order, map=map)
    coarse = Strokes(coarse.corners * 2, coarse.sides * 2, coarse.actions)
    fine, state = slide(drawer, renderer, ink, overlap, order, render_strokes(renderer, coarse, height, width), map)
    return Strokes.concat([coarse, fine]), state


def render_strokes(renderer, strokes: Strokes, height: int, width: int) -> np.ndarray:
    """The real renderer's drawing (H, W, C) of the strokes, each window's on its own crop."""
    reach = (strokes.corners + strokes.sides[:, None]).max(axis=0) if len(strokes) else (0, 0)
    state = _blank(renderer, max(height, int(reach[0])), max(width, int(reach[1])))
    for (y, x), side, actions in zip(strokes.corners, strokes.sides, strokes.actions):
        state[y:y + side, x:x + side] = renderer.render(actions, int(side), state[y:y + side, x:x + side])
    return state[:height, :width]


def strokes_svg(renderer, strokes: Strokes, height: int, width: int) -> str:
    """One SVG of all windows' strokes in the picture's pixels (viewBox 0 0 W H), each window's
    elements translated to its corner and clipped to it."""
    clips = "".join(f'<clipPath id="window{s}"><rect width="{s}" height="{s}"/></clipPath>'
                    for s in sorted(set(strokes.sides.tolist())))
    groups = "".join(f'  <g transform="translate({x} {y})" clip-path="url(#window{side})">'
                     f'{svg.inner(renderer.to_svg(actions, int(side))).strip()}</g>\n'
                     for (y, x), side, actions in zip(strokes.corners, strokes.sides, strokes.actions))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">\n  <defs>{clips}</defs>\n{groups}</svg>\n')
