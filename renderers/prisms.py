"""Axis-aligned 3D boxes seen in three orthogonal views (paper §4.4), `over` compositing.

Action: two opposite corners (x0, y0, z0), (x1, y1, z1) in the unit cube and a normalised LAB
colour. The state (S, S, 3) is split into four S/2 x S/2 quadrants (h = S/2):

    +-----------------+-----------------+
    | front           | side            |   front (top-left):  point (x, y, z) -> pixel (h·x, h·y)
    | x right, y down | z right, y down |   side (top-right):  point (x, y, z) -> pixel (h + h·z, h·y)
    +-----------------+-----------------+   top (bottom-left): point (x, y, z) -> pixel (h·x, h + h·z)
    | top             | (always blank)  |
    | x right, z down |                 |
    +-----------------+-----------------+

Each box is an opaque rectangle in each view. Boxes are layered in drawing order (a later box
covers an earlier one in every view); there is no depth test. Views that occlude by depth, as a
draughtsman draws them (front view: nearest the viewer at small z; side: at large x; top: at
small y, y pointing down), are boxes drawn in depth order: canvasdraw.data.prisms.depth_order.
"""

from __future__ import annotations

from canvasdraw.render import LAB_SPEC, ActionParam, ColorRenderer, CoverageRaster, Renderer, lab_to_hex, svg


def _view_boxes(action, size: int) -> list[tuple[float, float, float, float]]:
    """Pixel-space (left, top, width, height) of the box in the front, side and top views, as the
    SVG writes them."""
    h = size / 2
    x0, y0, z0, x1, y1, z1 = (float(v) for v in action[:6])
    (xa, xb), (ya, yb), (za, zb) = sorted((x0, x1)), sorted((y0, y1)), sorted((z0, z1))
    boxes = [
        (h * xa, h * ya, h * (xb - xa), h * (yb - ya)),          # front
        (h + h * za, h * ya, h * (zb - za), h * (yb - ya)),      # side
        (h * xa, h + h * za, h * (xb - xa), h * (zb - za)),      # top
    ]
    return [tuple(svg.snap(v) for v in box) for box in boxes]


class PrismsRenderer(ColorRenderer, Renderer):
    """Opaque axis-aligned boxes in three orthogonal views; state (S, S, 3) sRGB on black.
    v2: sRGB states (v1 blended LAB)."""

    name = "prisms"
    version = 2
    action_spec = tuple(ActionParam(f"{axis}{i}", f"{'first' if i == 0 else 'opposite'} corner {axis}")
                        for i in (0, 1) for axis in "xyz") + LAB_SPEC
    box_axes = (("x0", "x1"), ("y0", "y1"), ("z0", "z1"))

    def __init__(self):
        self._raster = CoverageRaster()

    def layer(self, action, size):
        boxes = _view_boxes(action, size)

        def paint(ctx):
            for box in boxes:
                ctx.rectangle(*box)
            ctx.fill()

        return self.color_layer(self._raster.draw(size, paint), action[6:9])

    def svg_element(self, action, size):
        rects = "".join(f'<rect x="{svg.num(x)}" y="{svg.num(y)}" width="{svg.num(w)}" height="{svg.num(h)}"/>'
                        for x, y, w, h in _view_boxes(action, size))
        return f'<g fill="{lab_to_hex(action[6:9])}">{rects}</g>'
