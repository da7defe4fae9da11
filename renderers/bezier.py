"""Quadratic Bézier strokes (paper Fig. 5): two end points, one control point, a thickness.

`bezier`: opaque ink strokes, one channel, `ink` compositing (ink painted over: what SVG does).
`bezier_alpha`: the same stroke with an opacity. Grey values and soft edges (of a pen, a scan, a
resized drawing) come from translucent strokes laid over one another: each stroke is still one
SVG `<path>` with `stroke-opacity`, which every SVG renderer composites the same way.
`bezier_color`: the same stroke in colour (named in LAB) with alpha, `over` compositing in sRGB
(paper §4.3).
`bezier_soft` (retired): a soft edge drawn as stacked translucent copies, `max` compositing; no
SVG renderer draws it as rasterised (docs/results.md), kept only to load the models trained on it.
Coordinates are fractions of the canvas (0 = left/top, 1 = right/bottom); the stroke width is
(0.01 + 0.14·thickness)·S pixels, round caps, anti-aliased.
"""

from __future__ import annotations

import numpy as np

from canvasdraw.render import LAB_SPEC, ActionParam, ColorRenderer, CoverageRaster, Renderer, lab_to_hex, svg

MIN_WIDTH, MAX_WIDTH = 0.01, 0.15  # stroke width as a fraction of the canvas size
MAX_SOFTNESS = 0.08  # widest edge ramp of `bezier_soft`, as a fraction of the canvas size
MAX_RAMP_LAYERS = 8  # nested strokes that draw the ramp (about one per pixel of ramp)

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
    """Pixel-space end points, control point and width of one stroke action."""
    x0, y0, cx, cy, x1, y1 = (float(v) * size for v in action[:6])
    width = (MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * float(action[6])) * size
    return (x0, y0), (cx, cy), (x1, y1), width


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

        layers = self.ramp_layers(action, size, width)

        def paint(ctx):
            # Cairo has only cubic curves: the exact cubic form of a quadratic Bézier.
            ctx.move_to(*p0)
            ctx.curve_to(p0[0] + 2 / 3 * (c[0] - p0[0]), p0[1] + 2 / 3 * (c[1] - p0[1]),
                         p1[0] + 2 / 3 * (c[0] - p1[0]), p1[1] + 2 / 3 * (c[1] - p1[1]), *p1)
            ctx.set_line_cap(1)  # cairo.LINE_CAP_ROUND
            for layer_width, opacity in layers:
                ctx.set_source_rgba(0, 0, 0, opacity)
                ctx.set_line_width(layer_width)
                ctx.stroke_preserve()
            ctx.new_path()  # the path is not part of the saved state: drop it

        return self._raster.draw(size, paint)

    def ramp_layers(self, action, size: int, width: float) -> list[tuple[float, float]]:
        """(line width px, opacity) of the nested strokes that draw one action, widest first.
        A hard stroke is one opaque layer."""
        return [(width, 1.0)]

    def layer(self, action, size):
        return self.coverage(action, size)[..., None]

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
        return self.coverage(action, size)[..., None] * np.float32(action[7])

    def svg_element(self, action, size):
        d, width = _path(action, size)
        return (f'<path d="{d}" fill="none" stroke="#000000" stroke-opacity="{svg.num(action[7])}" '
                f'stroke-width="{svg.num(width)}" stroke-linecap="round"/>')


class SoftBezierRenderer(BezierRenderer):
    """Retired: white quadratic Bézier strokes with a soft edge on black; state (S, S, 1).

    The edge ramps linearly from 1 to 0 over r = softness·MAX_SOFTNESS·S pixels centred on the
    stroke's nominal outline (r < 0.5 px: a hard stroke). The ramp is k ≤ 8 nested strokes of the
    same path, widest first, the m-th with opacity 1/(k−m+1), so that painted *over* one another m
    of them give exactly m/k; a stroke thinner than its ramp peaks below 1. Strokes merge by `max`,
    which the SVG's stacked copies cannot reproduce where strokes overlap (issue: the SVG is the
    product); `bezier_alpha` replaces it.
    """

    name = "bezier_soft"
    version = 1
    composite = "max"
    action_spec = STROKE_SPEC + (
        ActionParam("softness", f"width of the soft edge, 0..{MAX_SOFTNESS} of the canvas size"),)

    def ramp_layers(self, action, size, width):
        ramp = float(action[7]) * MAX_SOFTNESS * size
        count = min(MAX_RAMP_LAYERS, max(1, int(np.ceil(ramp - 0.5))))
        widths = [width + ramp - ramp * (2 * m + 1) / count for m in range(count)]
        return [(w, 1 / (count - m)) for m, w in enumerate(widths) if w > 0]

    def svg_element(self, action, size):
        d, width = _path(action, size)
        paths = "".join(f'<path d="{d}" stroke-width="{svg.num(w)}" stroke-opacity="{svg.num(o)}"/>'
                        for w, o in self.ramp_layers(action, size, width))
        return f'<g fill="none" stroke="#000000" stroke-linecap="round">{paths}</g>'


class ColorBezierRenderer(ColorRenderer, BezierRenderer):
    """Quadratic Bézier strokes in a LAB-named colour with alpha; state (S, S, 3) sRGB on black.
    v2: sRGB states (v1 blended LAB)."""

    name = "bezier_color"
    version = 2
    action_spec = STROKE_SPEC + LAB_SPEC + (ActionParam("alpha", "opacity"),)

    def layer(self, action, size):
        return self.color_layer(self.coverage(action, size), action[7:10], action[10])

    def svg_element(self, action, size):
        d, width = _path(action, size)
        return (f'<path d="{d}" fill="none" stroke="{lab_to_hex(action[7:10])}" stroke-opacity="{svg.num(action[10])}" '
                f'stroke-width="{svg.num(width)}" stroke-linecap="round"/>')
