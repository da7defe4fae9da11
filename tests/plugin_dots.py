"""A third-party renderer, written only against canvasdraw's public plug-in interface."""

import numpy as np

from canvasdraw.render import ActionParam, CoverageRaster, Renderer


class DotsRenderer(Renderer):
    """White discs on black: centre (x, y) and radius r·S/4."""

    name = "dots"
    version = 1
    action_spec = (ActionParam("x", "centre x"), ActionParam("y", "centre y"),
                   ActionParam("r", "radius, fraction of S/4"))
    channels = 1
    composite = "ink"

    def __init__(self):
        self._raster = CoverageRaster()

    def _disc(self, action, size):
        return float(action[0]) * size, float(action[1]) * size, 0.5 + float(action[2]) * size / 4

    def layer(self, action, size):
        x, y, radius = self._disc(action, size)
        mask = self._raster.draw(size, lambda ctx: (ctx.arc(x, y, radius, 0, 2 * np.pi), ctx.fill()))
        return mask[..., None]

    def to_svg(self, actions, size):  # the whole document, written by hand (svg_element also works)
        circles = "".join(f'<circle cx="{x:.3f}" cy="{y:.3f}" r="{r:.3f}" fill="#000000"/>'
                          for x, y, r in (self._disc(a, size) for a in np.asarray(actions)))
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
                f'viewBox="0 0 {size} {size}">{circles}</svg>')
