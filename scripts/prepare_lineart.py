"""Writes the broad line-art training set of the `lineart_20lstm` drawer (configs/drawer_lineart.py)
as `arrays:OUT` (OUT/train.npz, OUT/test.npz: uint8 `hints` (M, 64, 64), 255 = ink): generated
pen drawings (canvasdraw.data.pen, widths 1.5–12 px), KanjiVG characters of every stroke count and
MNIST digits, shuffled together. Each source keeps its own held-out rule, so the test split holds
only held-out items. Made here because the GPU machine has no Cairo to draw them.

    python scripts/prepare_lineart.py --mnist ../shared/data/mnist --out data/lineart
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from canvasdraw.data.sources import load_images

SIZE = 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mnist", required=True, help="folder with the MNIST IDX files")
    parser.add_argument("--pen", type=int, default=40_000, help="generated pen drawings for training")
    parser.add_argument("--digits", type=int, default=20_000, help="MNIST training digits used")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        parts = [load_images(f"pen:{args.pen}", SIZE, split).hints,
                 load_images("kanjivg", SIZE, split).hints,
                 load_images(f"mnist:{args.mnist}", SIZE, split).hints[:args.digits if split == "train" else 1000]]
        hints = np.concatenate(parts)[..., 0]
        hints = hints[rng.permutation(len(hints))]
        np.savez_compressed(args.out / f"{split}.npz", hints=hints)
        print(split, [len(p) for p in parts], f"{(args.out / f'{split}.npz').stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
