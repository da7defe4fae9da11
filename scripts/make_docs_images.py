"""Renders the example action files in examples/ into docs/images/ (PNG + SVG each) and the
README pictures: docs/images/renderers.png (top: real raster; bottom: the SVG rasterised by
Cairo on white) and docs/images/vectorize.png (the example inputs in examples/images/ through
the shipped mnist_4lstm model: input | real re-render | strokes over the input).
Run from the repository root: python scripts/make_docs_images.py"""

import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw import load_renderer, pictures
from canvasdraw.files import write_atomic
from canvasdraw.render import svg
from canvasdraw.render.action_files import read_actions_file, write_drawing
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.run import vectorize

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
    sheet = pictures.contact_sheet(rasters + vectors, columns=len(EXAMPLES), pad=6, fill=0.85)
    write_atomic(out / "renderers.png", pictures.png_bytes(sheet))
    write_atomic(out / "vectorize.png", pictures.png_bytes(vectorize_sheet(sorted(Path("examples/images").iterdir()))))


def vectorize_sheet(inputs: list[Path], model: str = "mnist_4lstm", side: int = 128) -> np.ndarray:
    """One row per input: the input (padded square) | the real re-render | the overlay."""
    def tile(path):
        with Image.open(path) as image:
            picture = image.convert("RGB")
            square = Image.new("RGB", (max(picture.size),) * 2, picture.getpixel((0, 0)))
            square.paste(picture, ((square.width - picture.width) // 2, (square.height - picture.height) // 2))
            return np.asarray(square.resize((side, side), Image.LANCZOS), np.float32) / 255

    with tempfile.TemporaryDirectory() as tmp:
        rows, _ = vectorize([str(p) for p in inputs], tmp, load_model(model), progress=False)
        tiles = []
        for path, row in zip(inputs, rows):
            tiles += [tile(path), tile(Path(tmp) / f"{row['stem']}.png"), tile(Path(tmp) / f"{row['stem']}_overlay.png")]
            print(f"{path}: L2 {row['l2']:.4f}")
    return pictures.contact_sheet(tiles, columns=3, pad=6, fill=0.85)


if __name__ == "__main__":
    main()
