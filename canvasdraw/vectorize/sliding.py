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

Hierarchical: a coarse module first slides over the picture at half resolution (so each window
covers 2S×2S pixels), its strokes are drawn at full resolution, and the sliding drawer continues
at full resolution from there. The two modules are trained in turn, not jointly: the full-size
drawer on windows of the drawings, then the coarse one, starting from its weights, on windows of
the drawings shrunk 2× (`windows:DIR@2`); both on windows that start partly drawn
(canvasdraw.data.pages). Without a coarse module the full-size drawer serves both levels.

A window's actions are in its own coordinates; canvasdraw.vectorize.window_strokes draws and writes them.
"""

from __future__ import annotations

import collections

import numpy as np
from PIL import Image

from canvasdraw.data.ink import MIN_INK
from canvasdraw.nets.drawer import Drawer
from canvasdraw.vectorize.real_renderer import draw_with_renderer
from canvasdraw.vectorize.window_strokes import Strokes, blank_picture, render_strokes

ORDERS = ("raster", "flood-fill")


def window_grid(height: int, width: int, window: int, stride: int) -> tuple[np.ndarray, tuple[int, int]]:
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


def slide(drawer: Drawer, renderer, ink: np.ndarray, overlap: bool = True, order: str = "raster",
          start: np.ndarray | None = None, map=map, record: list | None = None,
          progress=None) -> tuple[Strokes, np.ndarray]:
    """Draws ink (H, W) in [0, 1] window by window (module docstring), from `start` (H, W, C;
    default blank). Returns the strokes and the real final state (H, W, C). With a `record` list,
    appends each visited window's (hint (S, S), state before it drew (S, S, C)) to it;
    `progress(done, total)` is called after each wave with the windows drawn so far."""
    size = drawer.spec.size
    stride = size // 2 if overlap else size
    height, width = ink.shape
    corners, (padded_h, padded_w) = window_grid(height, width, size, stride)
    hint = np.zeros((padded_h, padded_w), np.float32)
    hint[:height, :width] = ink
    state = blank_picture(renderer, padded_h, padded_w)
    if start is not None:
        state[:height, :width] = start

    def crops(picture, ks):
        return np.stack([picture[y:y + size, x:x + size] for y, x in corners[ks]])

    fractions = np.array([np.mean(hint[y:y + size, x:x + size] > 0.5) for y, x in corners])
    groups = waves(corners, size, stride, visit_order(corners, stride, fractions, order))
    width_of_batch = 1 << (max(len(g) for g in groups) - 1).bit_length() if groups else 1  # one compiled shape
    blank = renderer.blank(size)
    actions, total = [], sum(len(g) for g in groups)
    for wave in groups:
        hints = np.zeros((width_of_batch, size, size, 1), np.float32)
        hints[:len(wave), ..., 0] = crops(hint, wave)
        starts = np.broadcast_to(blank, (width_of_batch,) + blank.shape).copy()
        starts[:len(wave)] = crops(state, wave)
        if record is not None:
            record.extend(zip(hints[:len(wave), ..., 0], starts[:len(wave)]))
        wave_actions, wave_states = draw_with_renderer(drawer, renderer, hints, map, starts)
        for (y, x), window_state in zip(corners[wave], wave_states):
            state[y:y + size, x:x + size] = window_state
        actions.append(wave_actions[:len(wave)])
        if progress is not None:
            progress(sum(len(a) for a in actions), total)
    visited = np.concatenate(groups) if groups else np.zeros(0, int)
    actions = np.concatenate(actions) if actions else np.zeros((0, drawer.spec.steps, drawer.spec.action_dim),
                                                                 np.float32)
    return Strokes(corners[visited], np.full(len(visited), size), actions), state[:height, :width]


def own_contexts(drawer: Drawer, renderer, pages: list[np.ndarray], per_page: int, seed: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Training windows that start from what the drawer itself drew before them: slides over each
    page (H, W) uint8, 255 = ink, in raster order and keeps `per_page` random visited windows.
    Returns hints (M, S, S) and starts (M, S, S, C), both uint8, 255 = 1."""
    rng, hints, starts = np.random.default_rng(seed), [], []
    for page in pages:
        record = []
        slide(drawer, renderer, page.astype(np.float32) / 255, record=record)
        for k in np.sort(rng.permutation(len(record))[:per_page]):
            hints.append(record[k][0])
            starts.append(record[k][1])
    return tuple(np.round(np.clip(np.stack(x), 0, 1) * 255).astype(np.uint8) for x in (hints, starts))


def hierarchical(drawer: Drawer, renderer, ink: np.ndarray, overlap: bool = True, order: str = "raster",
                 map=map, coarse: Drawer | None = None, progress=None) -> tuple[Strokes, np.ndarray]:
    """The coarse pass at half resolution by `coarse` (default: `drawer` itself), then the
    sliding pass by `drawer` (module docstring); `progress` is called by each pass in turn."""
    height, width = ink.shape
    half = np.asarray(Image.fromarray(ink.astype(np.float32), "F").resize(
        (-(-width // 2), -(-height // 2)), Image.BILINEAR))
    first, _ = slide(coarse or drawer, renderer, half, overlap, order, map=map, progress=progress)
    first = Strokes(first.corners * 2, first.sides * 2, first.actions)
    coarse_count = len(first)

    def fine_progress(done, total):  # one count over both passes
        progress(coarse_count + done, coarse_count + total)

    fine, state = slide(drawer, renderer, ink, overlap, order, render_strokes(renderer, first, height, width), map,
                        progress=fine_progress if progress else None)
    return Strokes.concat([first, fine]), state
