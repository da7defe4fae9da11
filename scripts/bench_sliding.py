"""Speed and memory of the sliding drawer on large drawings (CPU unless JAX sees an accelerator).

    python scripts/bench_sliding.py --drawings DATA --model MODEL [--pages 10] [--big 4096]

Reports, for held-out 512×512 pages of DATA (scripts/prepare_drawings.py):
- warm: seconds per page of `sliding.slide` in this process (median over --pages; compiled);
- cold: wall time and peak memory (max RSS) of one `canvasdraw vectorize page.png` process,
  interpreter start, model load and compilation included (median of 3);
- big: the same for one --big × --big picture (the test pages tiled), window by window.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw.data.pages import read_pages
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.sliding import slide


def vectorize_process(picture: Path, model: str, out: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one vectorize process on one picture."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "canvasdraw", "vectorize", str(picture), "-o", str(out),
                              "--model", model, "--drawer", "sliding"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"vectorize failed on {picture}")
    return time.perf_counter() - began, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawings", required=True, type=Path)
    parser.add_argument("--model", required=True, help="shipped model, model file or drawer run folder")
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--big", type=int, default=4096)
    args = parser.parse_args()
    model = load_model(args.model)
    pages = read_pages(args.drawings, "test")[:args.pages]
    slide(model.drawer, model.renderer, pages[0] / np.float32(255))  # compile
    seconds = []
    for page in pages:
        began = time.perf_counter()
        slide(model.drawer, model.renderer, page / np.float32(255))
        seconds.append(time.perf_counter() - began)
    print(f"| measurement | value |\n|---|---|\n| warm, one 512² page (median of {len(pages)}) | "
          f"{statistics.median(seconds):.2f} s |")
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "page.png"
        Image.fromarray(255 - pages[0]).save(page_file)
        runs = [vectorize_process(page_file, args.model, Path(tmp) / f"out{k}") for k in range(3)]
        print(f"| cold, one 512² page: `canvasdraw vectorize` process (median of 3) | "
              f"{statistics.median(r[0] for r in runs):.2f} s, peak {max(r[1] for r in runs):.0f} MiB |")
        tiles = -(-args.big // pages[0].shape[0])
        big = np.block([[pages[(i * tiles + j) % len(pages)] for j in range(tiles)] for i in range(tiles)])
        big_file = Path(tmp) / "big.png"
        Image.fromarray(255 - big[:args.big, :args.big]).save(big_file)
        wall, peak = vectorize_process(big_file, args.model, Path(tmp) / "big_out")
        print(f"| cold, one {args.big}² picture: `canvasdraw vectorize` process | {wall:.1f} s, peak {peak:.0f} MiB |")
    print(f"(this process: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
