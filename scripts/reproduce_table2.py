"""Table 2 of the paper on our held-out line drawings: sliding-drawer variants at 512×512,
scored on the SVG of all their strokes, drawn by Cairo.

    python scripts/reproduce_table2.py --drawings DATA --runs runs/table2 [--pages 30]

DATA is made by scripts/prepare_drawings.py; RUNS/<variant> are drawer runs of
configs/drawer_sliding.py (10lstm, 4lstm, 10plain, 10fixed, the annealed 10lstm_p0, its rounds
on its own contexts 10lstm_own and 10lstm_own2, and coarse_10lstm: the hierarchical drawer's
coarse module, trained on windows:DATA@2; missing ones
are left out; the run book is in the config's docstring). For each
test page: the SVG's L2, strokes, seconds, and the seam ratio (L2 in 4-px strips on the window
edges / L2 elsewhere; canvasdraw.metrics.seams.seam_l2). Prints a Markdown table.
"""

import argparse
import functools
import time
from pathlib import Path

import numpy as np

from canvasdraw.data.pages import read_pages
from canvasdraw.metrics.seams import seam_l2
from canvasdraw.render import svg
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.sliding import hierarchical, slide
from canvasdraw.vectorize.window_strokes import strokes_svg

ROWS = [  # (row, run, how, paper); first-stage runs compare with each other, 10lstm_own2 is shipped
    ("10 strokes/window, LSTM (first stage)", "10lstm", {}, 0.0530),
    ("4 strokes/window, LSTM (first stage)", "4lstm", {}, 0.0569),
    ("10 strokes/window, no LSTM (first stage)", "10plain", {}, 0.0810),
    ("10 strokes/window, LSTM, fixed thickness (first stage)", "10fixed", {}, 0.137),
    ("10 strokes/window, LSTM, annealed", "10lstm_p0", {}, 0.0530),
    ("  + 1 round on its own contexts", "10lstm_own", {}, 0.0530),
    ("  + 2 rounds on its own contexts (shipped `sliding_10lstm`)", "10lstm_own2", {}, 0.0530),
    ("  the same, no overlap", "10lstm_own2", dict(overlap=False), 0.0737),
    ("  the same, flood-fill order", "10lstm_own2", dict(order="flood-fill"), None),
    ("  hierarchical: coarse module (128 px windows) first", "10lstm_own2", dict(hierarchical="coarse_10lstm"), None),
]


def score(model, pages, overlap=True, order="raster", coarse=None):
    """Mean L2 of the page's SVG (drawn by Cairo), strokes, seconds per page and seam ratio over
    the pages; with a `coarse` model the hierarchical drawer."""
    l2, strokes, seconds, seams = [], [], [], []
    for page in pages:
        ink = page.astype(np.float32) / 255
        began = time.perf_counter()
        if coarse is None:
            drawn, _ = slide(model.drawer, model.renderer, ink, overlap, order)
        else:
            drawn, _ = hierarchical(model.drawer, model.renderer, ink, overlap, order, coarse=coarse.drawer)
        seconds.append(time.perf_counter() - began)
        height, width = ink.shape
        shown = svg.drawn(model.renderer, strokes_svg(model.renderer, drawn, height, width), width, height)[..., 0]
        l2.append(np.mean((shown - ink) ** 2))
        strokes.append(drawn.actions.shape[0] * drawn.actions.shape[1])
        edge, inner = seam_l2(ink, shown, model.drawer.spec.size // (2 if overlap else 1))
        seams.append(edge / inner)
    return np.mean(l2), np.mean(strokes), np.median(seconds[1:] or seconds), np.mean(seams)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", required=True, type=Path)
    parser.add_argument("--runs", required=True, type=Path)
    parser.add_argument("--pages", type=int, default=None, help="first N test pages (default all)")
    args = parser.parse_args()
    pages = read_pages(args.drawings, "test")[:args.pages]
    blank = np.mean([np.mean((p.astype(np.float32) / 255) ** 2) for p in pages])
    print(f"{len(pages)} held-out pages of {pages[0].shape[1]}×{pages[0].shape[0]} px; blank canvas L2 {blank:.4f}\n")
    print("| drawer | L2 of the SVG | paper | strokes/image | s/image (2 cores) | seam ratio |\n|---|---|---|---|---|---|")
    load = functools.lru_cache(load_model)  # several rows score the same run
    for row, run, how, paper in ROWS:
        missing = [r for r in (run, how.get("hierarchical")) if r and not (args.runs / r / "run.json").exists()]
        if missing:
            print(f"| {row} | (no run {args.runs / missing[0]}) | | | | |")
            continue
        model = load(str(args.runs / run))
        coarse = load(str(args.runs / how["hierarchical"])) if "hierarchical" in how else None
        l2, strokes, seconds, seams = score(model, pages, how.get("overlap", True), how.get("order", "raster"), coarse)
        print(f"| {row} | {l2:.4f} | {paper or '—'} | {strokes:.0f} | {seconds:.2f} | {seams:.2f} |", flush=True)


if __name__ == "__main__":
    main()
