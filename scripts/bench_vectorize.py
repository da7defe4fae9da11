"""Speed of `canvasdraw vectorize` on MNIST-64 (CPU unless JAX sees an accelerator).

    python scripts/bench_vectorize.py --mnist ../shared/data/mnist [--model mnist_4lstm] [--images 2048]
        [--refine 0,25,100] [--refine-images 1024]

Writes the first --images MNIST test digits as 28×28 PNG files, then reports:
- drawing: images/s of the batched, jitted drawer + canvas call alone (warm);
- end to end: images/s of `vectorize` from the PNG files to the four output files per image
  (reading, preprocessing, drawing, real re-render, SVG/PNG/overlay/JSON writing, the SVG's L2; warm: the
  jitted drawer step compiled by an earlier full batch, worker processes started anew);
- latency: wall time of one `canvasdraw vectorize one.png` process, interpreter start included
  (median of 3);
- refine: for each K in --refine, the MNIST-64 L2 of the SVG (drawn by Cairo) and the drawing time per image
  of `vectorize --refine K` on the first --refine-images test digits.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw.data.sources import load_images
from canvasdraw.render import svg
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.run import Options, vectorize
from canvasdraw.vectorize.single import draw_inks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", required=True, help="folder with the MNIST IDX files")
    parser.add_argument("--model", default="mnist_4lstm")
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--refine", default="0,25,100", help="refine steps to compare (comma-separated)")
    parser.add_argument("--refine-images", type=int, default=1024)
    args = parser.parse_args()
    model = load_model(args.model)
    digits = load_images(f"mnist:{args.mnist}", 28, "test").hints[:args.images, ..., 0]
    test_inks = load_images(f"mnist:{args.mnist}", model.drawer.spec.size, "test").hints[..., 0]
    inks, targets = test_inks[:args.images], test_inks[:args.refine_images]

    draw_inks(model, inks[:args.batch_size], batch_size=args.batch_size)  # compile
    began = time.perf_counter()
    draw_inks(model, inks, batch_size=args.batch_size)
    drawing = len(inks) / (time.perf_counter() - began)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i, digit in enumerate(digits):
            Image.fromarray(digit).save(folder / f"{i:05d}.png")
        warm = Path(tmp) / "warm"  # a full batch: the timed run compiles nothing
        warm.mkdir()
        for i, digit in enumerate(digits[:args.batch_size]):
            Image.fromarray(digit).save(warm / f"{i:05d}.png")
        vectorize([str(warm)], Path(tmp) / "warm_out", model, Options(batch_size=args.batch_size), progress=False)
        began = time.perf_counter()
        rows, errors = vectorize([str(folder)], Path(tmp) / "out", model, Options(batch_size=args.batch_size), progress=False)
        end_to_end = len(rows) / (time.perf_counter() - began)
        assert not errors and len(rows) == len(digits)
        walls = []
        for k in range(3):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "canvasdraw", "vectorize", str(folder / "00000.png"),
                            "-o", str(Path(tmp) / f"one{k}"), "--model", args.model], check=True,
                           capture_output=True)
            walls.append(time.perf_counter() - began)
    print("| model | images | drawing images/s | end-to-end images/s | one image, process start included |")
    print("|---|---|---|---|---|")
    print(f"| {model.name} | {len(digits)} | {drawing:,.0f} | {end_to_end:,.0f} | {statistics.median(walls):.2f} s |")

    print(f"\n{len(targets)} test digits")
    print("| refine steps | L2 of the SVG | drawing ms/image |\n|---|---|---|")
    for steps in map(int, args.refine.split(",")):
        draw_inks(model, targets[:args.batch_size], steps, args.batch_size)  # compile
        began = time.perf_counter()
        actions, _ = draw_inks(model, targets, steps, args.batch_size)
        per_image = (time.perf_counter() - began) / len(targets)
        size = model.drawer.spec.size
        l2 = np.mean([np.mean((svg.drawn(model.renderer, model.renderer.to_svg(a, size), size)[..., 0] - t / 255) ** 2)
                      for a, t in zip(actions, targets)])
        print(f"| {steps} | {l2:.5f} | {per_image * 1000:.2f} |")


if __name__ == "__main__":
    main()
