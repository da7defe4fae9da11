"""Prints the SVG-vs-raster ink IoU of every installed renderer at several sizes, measured by the
public conformance kit (8 prior-sampled actions, seed 0). Usage: python scripts/check_svg_agreement.py"""

from canvasdraw.render.registry import entry_points, load_renderer
from canvasdraw.render.testing import check_renderer

SIZES = (16, 37, 64, 256)

print("| renderer | " + " | ".join(f"{s} px" for s in SIZES) + " |")
print("|---" * (len(SIZES) + 1) + "|")
for name in sorted(entry_points()):
    ious = check_renderer(load_renderer(name), sizes=SIZES)
    print(f"| {name} | " + " | ".join(f"{ious[s]:.3f}" for s in SIZES) + " |")
