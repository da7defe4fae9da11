"""Filled axis-aligned rectangles in colour, `over` compositing (paper §4.3, floorplans).

Action: two opposite corners (x0, y0), (x1, y1) as fractions of the canvas, in any order, and a
normalised LAB colour. Rectangles are opaque; edges at fractional pixels are anti-aliased.
"""

from __future__ import annotations

from canvasdraw.render import LAB_SPEC, ActionParam, ColorRenderer, CoverageRaster, Renderer, lab_to_hex, svg


def _box(action, size: int) -> tuple[float, float, float, float]:
    """Pixel-space (left, top, width, height) of a rectangle action, as the SVG writes them."""
    x0, y0, x1, y1 = (float(v) * size for v in action[:4])
    return tuple(svg.snap(v) for v in (min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))


class RectanglesRenderer(ColorRenderer, Renderer):
    """Opaque filled rectangles; state (S, S, 3) sRGB on black. v2: sRGB states (v1 blended LAB)."""

    name = "rectangles"
    version = 2
    action_spec = (
        ActionParam("x0", "first corner x"),
        ActionParam("y0", "first corner y"),
        ActionParam("x1", "opposite corner x"),
        ActionParam("y1", "opposite corner y"),
    ) + LAB_SPEC
    box_axes = (("x0", "x1"), ("y0", "y1"))

    def __init__(self):
        self._raster = CoverageRaster()

    def layer(self, action, size):
        box = _box(action, size)
        coverage = self._raster.draw(size, lambda ctx: (ctx.rectangle(*box), ctx.fill()))
        return self.color_layer(coverage, action[4:7])

    def svg_element(self, action, size):
        x, y, w, h = (svg.num(v) for v in _box(action, size))
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{lab_to_hex(action[4:7])}"/>'
