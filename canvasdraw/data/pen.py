"""Pen line art the project generates: uniform-width strokes with round caps and joins, drawn with
Cairo (not with any of our renderers, so a drawer cannot learn a renderer's quirks from them).

Each drawing has 1–4 shapes drawn with one pen (fewer for wide pens, so it stays line art):
circles, ellipses, arcs, open polylines, closed polygons and smooth curves (cubic Bézier chains),
all inside the box with a margin of the pen's half width. The pen is WIDTHS px wide at 64 px (uniform in that range per drawing; scaled with
the size), so the width spans what the `bezier` renderer draws in one stroke at 64 px (0.6–9.6
px) and beyond it (up to 12 px): pictures whose pen is wider are drawn by `vectorize` at a
smaller working scale (canvasdraw.vectorize.choice).

Deterministic from the seed: drawing i of the train split uses seed i, of the test split seed
TEST_SEED + i. Returns (H, W) uint8 ink (255 = ink) as every image source does.
"""

from __future__ import annotations

import math

import cairocffi as cairo
import numpy as np

WIDTHS = (1.5, 12.0)       # pen width in px at 64 px
TEST_SEED = 1_000_000
SHAPES = ("circle", "ellipse", "arc", "polyline", "polygon", "curve")


def _shape(ctx: cairo.Context, kind: str, rng: np.random.Generator, lo: float, hi: float) -> None:
    """Adds one shape's path to ctx, inside [lo, hi]² (units of the box side)."""
    span = hi - lo
    point = lambda: lo + rng.random(2) * span  # noqa: E731 — a random point in the box
    if kind in ("circle", "ellipse", "arc"):
        radius = rng.uniform(0.15, 0.5) * span
        rx, ry = (radius, radius) if kind == "circle" else (radius, radius * rng.uniform(0.35, 1.0))
        cx, cy = rng.uniform(lo + rx, hi - rx), rng.uniform(lo + ry, hi - ry)
        start = rng.uniform(0, 2 * math.pi)
        sweep = 2 * math.pi if kind != "arc" else rng.uniform(0.4, 1.6) * math.pi
        ctx.save()
        ctx.translate(cx, cy)
        ctx.rotate(rng.uniform(0, math.pi))
        ctx.scale(rx, ry)
        ctx.new_sub_path()
        ctx.arc(0, 0, 1, start, start + sweep)
        ctx.restore()
        return
    count = {"polyline": rng.integers(2, 5), "polygon": rng.integers(3, 6), "curve": rng.integers(2, 4)}[kind]
    points = [point() for _ in range(int(count))]
    ctx.move_to(*points[0])
    if kind == "curve":
        for i in range(1, len(points)):
            c1, c2 = point(), point()
            ctx.curve_to(*c1, *c2, *points[i])
        return
    for p in points[1:]:
        ctx.line_to(*p)
    if kind == "polygon":
        ctx.close_path()


def pen_drawing(seed: int, size: int = 64, colour: bool = False) -> tuple[np.ndarray, float]:
    """One drawing: ((S, S) uint8 ink, the pen width in px at this size); `colour`: each shape in
    its own bright colour over black, (S, S, 3) uint8 sRGB (the same shapes and pen)."""
    rng = np.random.default_rng(seed)
    width = rng.uniform(*WIDTHS) * size / 64
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24 if colour else cairo.FORMAT_A8, size, size)
    ctx = cairo.Context(surface)
    ctx.scale(size, size)
    ctx.set_line_width(width / size)
    ctx.set_line_cap(cairo.LINE_CAP_ROUND)
    ctx.set_line_join(cairo.LINE_JOIN_ROUND)
    margin = width / size / 2 + 0.02
    most = int(np.clip(20 * size / 64 / width, 1, 4))  # a 12 px pen draws one shape, a 5 px pen up to 4
    colours = np.random.default_rng((seed, 1))
    for _ in range(int(rng.integers(1, most + 1))):
        kind = SHAPES[rng.integers(len(SHAPES))]
        if colour:  # from a second stream, so the shapes are those of the grey drawing
            ctx.set_source_rgb(*_bright(colours))
        _shape(ctx, kind, rng, margin, 1 - margin)
        ctx.stroke()  # each shape on its own: a shape's self-crossings stay inked, as a pen's do
    surface.flush()
    stride = surface.get_stride()
    data = np.frombuffer(surface.get_data(), np.uint8)
    if colour:  # RGB24: one native-endian (little) 32-bit word per pixel, bytes B, G, R, unused
        return data.reshape(size, stride // 4, 4)[:, :size, 2::-1].copy(), width
    return data.reshape(size, stride)[:, :size].copy(), width


def _bright(rng: np.random.Generator) -> tuple[float, float, float]:
    """A random 8-bit sRGB colour whose brightest channel is at least 0.5, as floats."""
    rgb = rng.integers(0, 256, 3)
    rgb[rng.integers(3)] = rng.integers(128, 256)
    return tuple(rgb / 255)


def pen_set(count: int, split: str, size: int = 64, colour: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(images (N, S, S) uint8 ink (or (N, S, S, 3) sRGB, `colour`), pen widths (N,) px) of the
    split's first `count` drawings."""
    first = 0 if split == "train" else TEST_SEED
    drawings = [pen_drawing(first + i, size, colour) for i in range(count)]
    return np.stack([d[0] for d in drawings]), np.array([d[1] for d in drawings], np.float32)
