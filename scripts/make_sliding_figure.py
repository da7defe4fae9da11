"""Before/after figure of the sliding drawer on held-out 512×512 drawings.

    python scripts/make_sliding_figure.py --drawings DATA --model MODEL [--pages 0,1] [--side 384] -o OUT.png

One row per page: the input | the SVG of the strokes as Cairo draws it | the strokes in red over the
faded input (each shrunk to --side px).
"""

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw import pictures
from canvasdraw.data.pages import read_pages
from canvasdraw.render import svg
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.sliding import slide
from canvasdraw.vectorize.window_strokes import strokes_svg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", required=True, type=Path)
    parser.add_argument("--model", required=True)
    parser.add_argument("--pages", default="0,1")
    parser.add_argument("--side", type=int, default=384)
    parser.add_argument("-o", "--output", required=True, type=Path)
    args = parser.parse_args()
    model = load_model(args.model)
    pages = read_pages(args.drawings, "test")
    rows = []
    for index in map(int, args.pages.split(",")):
        ink = pages[index] / np.float32(255)
        strokes, _ = slide(model.drawer, model.renderer, ink)
        height, width = ink.shape  # the SVG as Cairo draws it, the picture a user opens
        shown = svg.drawn(model.renderer, strokes_svg(model.renderer, strokes, height, width), width, height)[..., 0]
        overlay = Image.open(io.BytesIO(pictures.overlay_png(ink, shown, 1))).convert("RGB")
        tiles = [Image.fromarray(np.uint8(255 - 255 * x)).convert("RGB") for x in (ink, shown)] + [overlay]
        rows.append(np.concatenate([np.asarray(t.resize((args.side, args.side), Image.LANCZOS)) for t in tiles], 1))
        print(f"page {index}: {len(strokes)} windows, {strokes.actions.shape[0] * strokes.actions.shape[1]} strokes, "
              f"L2 of the SVG {np.mean((shown - ink) ** 2):.4f}")
    Image.fromarray(np.concatenate(rows, 0)).quantize(32).save(args.output, optimize=True)  # small file
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
