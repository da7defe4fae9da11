"""Writes the large-drawing dataset of the sliding drawer: generated 512×512 line-drawing pages.

    python scripts/prepare_drawings.py --out data/drawings [--train 300] [--test 30] [--seed 0]

OUT/train/NNNNN.png and OUT/test/NNNNN.png, black ink on white (canvasdraw.data.pages: KanjiVG
characters plus random curves; test pages use only held-out characters). Deterministic in --seed.
Needs the optional kanjivg data: pip install 'canvasdraw[symbols]'. Train the sliding drawer on
them with `--config.data=windows:OUT` and score it with scripts/reproduce_table2.py.
"""

import argparse
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from canvasdraw.data.pages import kanji_paths, page_svg, render_page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--train", type=int, default=300)
    parser.add_argument("--test", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for offset, (split, count) in enumerate((("train", args.train), ("test", args.test))):
        characters = kanji_paths(split)
        rng = np.random.default_rng([args.seed, offset])
        (args.out / split).mkdir(parents=True, exist_ok=True)
        for i in tqdm(range(count), desc=f"{split} pages", unit="page"):
            Image.fromarray(render_page(page_svg(rng, characters))).save(args.out / split / f"{i:05d}.png")
    print(f"{args.train} train and {args.test} test pages in {args.out}")


if __name__ == "__main__":
    main()
