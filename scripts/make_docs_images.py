"""Renders the example action files in examples/ into docs/images/ (PNG + SVG each) and the
README picture docs/images/renderers.png (top: real raster; bottom: the SVG rasterised by
Cairo on white). Run from the repository root: python scripts/make_docs_images.py"""

from pathlib import Path


from canvasdraw import images, load_renderer, svg
from canvasdraw.drawing import read_actions_file, write_drawing
from canvasdraw.files import write_atomic

SIZE = 128
EXAMPLES = ["face", "color_strokes", "floorplan", "boxes"]


def main():
    out = Path("docs/images")
    rasters, vectors = [], []
    for name in EXAMPLES:
        rows, renderer_name = read_actions_file(Path("examples") / f"{name}.json")
        renderer = load_renderer(renderer_name)
        state = write_drawing(renderer, rows, SIZE, png=out / f"{name}.png", svg=out / f"{name}.svg")
        rgba = svg.rasterize((out / f"{name}.svg").read_text(), SIZE)
        rasters.append(renderer.to_rgb(state))
        vectors.append(rgba[..., :3] * rgba[..., 3:] + (1 - rgba[..., 3:]))
        print(f"{name}: {len(rows)} {renderer_name} actions")
    sheet = images.grid(rasters + vectors, columns=len(EXAMPLES), pad=6, fill=0.85)
    write_atomic(out / "renderers.png", images.png_bytes(sheet))


if __name__ == "__main__":
    main()
