"""Quadratic Bézier strokes (paper Fig. 5): two end points, one control point, a thickness.

`bezier`: opaque ink strokes, one channel, `ink` compositing (ink painted over: what SVG does).
`bezier_alpha`: the same stroke with an opacity. Grey values and soft edges (of a pen, a scan, a
resized drawing) come from translucent strokes laid over one another: each stroke is still one
SVG `<path>` with `stroke-opacity`, which every SVG renderer composites the same way.
`bezier_color`: the same stroke in colour (named in LAB) with alpha, `over` compositing in sRGB
(paper §4.3).
Coordinates are fractions of the canvas (0 = left/top, 1 = right/bottom); the stroke width is
(0.01 + 0.14·thickness)·S pixels, round caps, anti-aliased.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from canvasdraw.render import (
    LAB_SPEC,
    ActionParam,
    ColorRenderer,
    CoverageRaster,
    Renderer,
    lab_to_hex,
    polyline_coverage,
    svg,
)

MIN_WIDTH, MAX_WIDTH = 0.01, 0.15  # stroke width as a fraction of the canvas size

STROKE_SPEC = (
    ActionParam("x0", "start point x"),
    ActionParam("y0", "start point y"),
    ActionParam("cx", "control point x"),
    ActionParam("cy", "control point y"),
    ActionParam("x1", "end point x"),
    ActionParam("y1", "end point y"),
    ActionParam("thickness", f"stroke width, {MIN_WIDTH}..{MAX_WIDTH} of the canvas size"),
)


def _geometry(action, size: int):
    """Pixel-space end points, control point and width of one stroke action, as the SVG writes
    them (`svg.snap`)."""
    x0, y0, cx, cy, x1, y1 = (svg.snap(float(v) * size) for v in action[:6])
    width = svg.snap((MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * float(action[6])) * size)
    return (x0, y0), (cx, cy), (x1, y1), width


def twin_coverage(actions, size: int, origins=None, extent: int | None = None):
    """The strokes' coverage in jax.numpy, differentiable in the actions: actions (B, >=7) ->
    (B, E, E) in [0, 1], the E×E pixels (default E = S) from `origins` (B, 2) (x, y) on of the
    strokes drawn at S px. The curve is drawn as √S chords (8 at 64 px): a chord's gap to the curve
    shrinks with the square of their number, so the error in pixels stays level across sizes."""
    chords = max(8, round(size ** 0.5))
    ends = actions[:, :6].reshape(-1, 3, 2) * size                       # (B, 3, 2): p0, c, p1
    t = jnp.linspace(0.0, 1.0, chords + 1)[:, None]
    curve = (1 - t) ** 2 * ends[:, None, 0] + 2 * (1 - t) * t * ends[:, None, 1] + t ** 2 * ends[:, None, 2]
    half_width = (MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * actions[:, 6]) * size / 2
    return polyline_coverage(curve, half_width, extent or size, origins)


def _path(action, size: int) -> tuple[str, float]:
    (x0, y0), (cx, cy), (x1, y1), width = _geometry(action, size)
    d = " ".join(svg.num(v) for v in (x0, y0)) + " Q " + " ".join(svg.num(v) for v in (cx, cy, x1, y1))
    return f"M {d}", width


class BezierRenderer(Renderer):
    """Opaque quadratic Bézier strokes; state (S, S, 1) of ink in [0, 1] (shown white on black).

    v2: `ink` compositing (v1 took the pixelwise max, which SVG cannot draw)."""

    name = "bezier"
    version = 2
    action_spec = STROKE_SPEC
    channels = 1
    composite = "ink"

    def __init__(self):
        self._raster = CoverageRaster()

    def coverage(self, action: np.ndarray, size: int) -> np.ndarray:
        """The stroke's anti-aliased coverage, (S, S) float32 in [0, 1]."""
        p0, c, p1, width = _geometry(action, size)

        def paint(ctx):
            # Cairo has only cubic curves: the exact cubic form of a quadratic Bézier.
            ctx.move_to(*p0)
            ctx.curve_to(p0[0] + 2 / 3 * (c[0] - p0[0]), p0[1] + 2 / 3 * (c[1] - p0[1]),
                         p1[0] + 2 / 3 * (c[0] - p1[0]), p1[1] + 2 / 3 * (c[1] - p1[1]), *p1)
            ctx.set_line_cap(1)  # cairo.LINE_CAP_ROUND
            ctx.set_line_width(width)
            ctx.stroke()

        return self._raster.draw(size, paint)

    def layer(self, action, size):
        return self.coverage(action, size)[..., None]

    def twin_layer(self, actions, size):
        return self.twin_patch(actions, size, None, size)

    def twin_patch(self, actions, size, origins, extent):   # draws only the patch's pixels
        return twin_coverage(actions, size, origins, extent)[..., None]

    def svg_element(self, action, size):
        d, width = _path(action, size)
        return f'<path d="{d}" fill="none" stroke="#000000" stroke-width="{svg.num(width)}" stroke-linecap="round"/>'


class AlphaBezierRenderer(BezierRenderer):
    """Quadratic Bézier strokes with an opacity; state (S, S, 1) of ink in [0, 1].

    A stroke of opacity a covering a pixel by c (anti-aliasing) turns its ink s into
    s + a·c·(1 − s): black of opacity a painted over, exactly as SVG composites
    `<path stroke-opacity="a">` over the elements before it."""

    name = "bezier_alpha"
    version = 1
    action_spec = STROKE_SPEC + (ActionParam("opacity", "ink opacity of the stroke"),)

    def layer(self, action, size):
        return self.coverage(action, size)[..., None] * np.float32(svg.snap(action[7]))

    def twin_patch(self, actions, size, origins, extent):
        return twin_coverage(actions, size, origins, extent)[..., None] * actions[:, 7, None, None, None]

    def svg_element(self, action, size):
        d, width = _path(action, size)
        return (f'<path d="{d}" fill="none" stroke="#000000" stroke-opacity="{svg.num(action[7])}" '
                f'stroke-width="{svg.num(width)}" stroke-linecap="round"/>')


class ColorBezierRenderer(ColorRenderer, BezierRenderer):
    """Quadratic Bézier strokes in a LAB-named colour with alpha; state (S, S, 3) sRGB on black.
    v2: sRGB states (v1 blended LAB)."""

    name = "bezier_color"
    version = 2
    action_spec = STROKE_SPEC + LAB_SPEC + (ActionParam("alpha", "opacity"),)

    def layer(self, action, size):
        return self.color_layer(self.coverage(action, size), action[7:10], svg.snap(action[10]))

    def twin_patch(self, actions, size, origins, extent):
        return self.twin_color_layer(twin_coverage(actions, size, origins, extent), actions[:, 7:10], actions[:, 10])

    def svg_element(self, action, size):
        d, width = _path(action, size)
        return (f'<path d="{d}" fill="none" stroke="{lab_to_hex(action[7:10])}" stroke-opacity="{svg.num(action[10])}" '
                f'stroke-width="{svg.num(width)}" stroke-linecap="round"/>')
