"""Writes sliding-drawer training windows that start from the drawer's *own* drawing.

    python scripts/prepare_contexts.py --drawings DATA --model sliding_10lstm --out DATA/contexts [--per-page 64]

`windows:DATA` starts each window from its target on random halves: a perfect neighbour. At
vectorize time a window starts from what the drawer drew in the windows before it. This slides
the model over every page of DATA (scripts/prepare_drawings.py) in raster order and keeps
--per-page random visited windows with the state they started from (canvasdraw.vectorize.sliding.
own_contexts), as OUT/train.npz and OUT/test.npz for the `arrays:OUT` source; fine-tune on them
with configs/drawer_sliding.py's run book.
"""

import argparse
from pathlib import Path

import numpy as np
from tqdm import tqdm

from canvasdraw.data.pages import read_pages
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.sliding import own_contexts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", required=True, type=Path)
    parser.add_argument("--model", required=True, help="shipped model name, run folder or model file")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--per-page", type=int, default=64)
    args = parser.parse_args()
    model = load_model(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed, split in enumerate(("train", "test")):
        pages = read_pages(args.drawings, split)
        hints, starts = own_contexts(model.drawer, model.renderer, tqdm(pages, desc=f"{split} pages", unit="page"),
                                     args.per_page, seed)
        np.savez_compressed(args.out / f"{split}.npz", hints=hints, starts=starts)
        print(f"{split}: {len(hints)} windows of {hints.shape[1]} px from {len(pages)} pages")


if __name__ == "__main__":
    main()
