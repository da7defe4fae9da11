"""Colour drawers in one run (issue: prisms and colour): coloured MNIST (paper Fig. 11a) beside the
grey `mnist_4lstm` drawer, and colour recreation of held-out colour line art beside vtracer.

    python scripts/bench_color.py --model color_mnist --data ../shared/data/mnist --figure docs/images/color_mnist.png \
        --pen-model color_pen --pen-figure docs/images/color_pen.png

Every number is measured on the SVG of the strokes `vectorize` writes (the visible ones), drawn
by Cairo at 64 px over black:
  lab_l2      mean per-pixel squared error vs the coloured target in normalised LAB (L*/100,
              (a*+128)/255, (b*+128)/255), the empty drawing's beside it
  class_acc   the drawing's class: each pixel with alpha >= 0.5 votes (weight alpha) for the
              class colour nearest its own (sRGB); accuracy vs the digit's label
  grey_l2     the drawing's shape: the SVG's alpha vs the grey digit, beside the grey peer's
              SVG L2 on the same digits (its `vectorize` L2) and the empty drawing's
Colour recreation (`--pen-model`): held-out `pen_color` drawings (64 px, 1-4 shapes in their own
colours on black), LAB L2 of our SVG and of vtracer's colour trace (`pip install
'canvasdraw[bench]'`; default settings, its SVG drawn by cairosvg over black), primitives (our
strokes, vtracer's paths) per drawing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw import pictures
from canvasdraw.data import mnist
from canvasdraw.data.pen import pen_set
from canvasdraw.render import svg
from canvasdraw.render.color import rgb_to_lab
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.economy import visible
from canvasdraw.vectorize.single import draw_inks


def written(model, inks: np.ndarray) -> tuple[list[np.ndarray], float]:
    """The strokes `vectorize` writes for each digit (B, S, S) uint8, and the seconds per digit."""
    renderer, size = model.renderer, model.drawer.spec.size
    draw_inks(model, inks[:256])   # compiled before the clock starts
    began = time.perf_counter()
    actions, _ = draw_inks(model, inks)
    kept = [a[visible(renderer, a, size)] for a in actions]
    return kept, (time.perf_counter() - began) / len(inks)


def class_of(rgba: np.ndarray) -> int:
    """The class whose colour the drawing (S, S, 4) shows most (module docstring); -1 if it draws nothing."""
    inked = rgba[..., 3] >= 0.5
    if not inked.any():
        return -1
    colors = mnist.CLASS_RGB.astype(np.float32) / 255
    nearest = np.argmin(np.linalg.norm(rgba[inked][:, None, :3] - colors, axis=-1), axis=-1)
    return int(np.argmax(np.bincount(nearest, weights=rgba[inked][:, 3], minlength=10)))


def lab_l2(drawn: np.ndarray, target: np.ndarray) -> float:
    """Mean per-pixel squared error of two sRGB pictures (S, S, 3) in normalised LAB."""
    return float(np.mean((rgb_to_lab(drawn) - rgb_to_lab(target)) ** 2))


def pen_recreation(model_name: str, count: int, figure: str | None) -> dict:
    """Our colour model and vtracer on `count` held-out colour drawings (module docstring)."""
    import tempfile

    import vtracer

    model = load_model(model_name)
    size = model.drawer.spec.size
    images = pen_set(count, "test", size, colour=True)[0]
    targets = images.astype(np.float32) / 255
    ours, ours_time = written(model, images)
    ours_drawn = [svg.drawn(model.renderer, model.renderer.to_svg(a, size), size) for a in ours]   # over black
    traced, paths = [], []
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        for k, image in enumerate(images):
            Image.fromarray(image).save(f"{folder}/{k}.png")
            vtracer.convert_image_to_svg_py(f"{folder}/{k}.png", f"{folder}/{k}.svg")
        theirs_time = (time.perf_counter() - began) / count
        for k in range(count):
            text = Path(f"{folder}/{k}.svg").read_text()
            traced.append(svg.drawn(model.renderer, text, size))
            paths.append(text.count("<path"))
    result = {"drawings": count, "lab_l2": float(np.mean([lab_l2(d, t) for d, t in zip(ours_drawn, targets)])),
              "vtracer_lab_l2": float(np.mean([lab_l2(d, t) for d, t in zip(traced, targets)])),
              "blank_lab_l2": float(np.mean([lab_l2(np.zeros_like(t), t) for t in targets])),
              "strokes": float(np.mean([len(a) for a in ours])), "vtracer_paths": float(np.mean(paths)),
              "ms_per_drawing": 1000 * ours_time, "vtracer_ms_per_drawing": 1000 * theirs_time}
    if figure:
        tiles = list(targets[:10]) + ours_drawn[:10] + traced[:10]
        Image.fromarray(np.round(pictures.contact_sheet(tiles, columns=10) * 255).astype(np.uint8)).save(figure)
    return result


def coloured_mnist(model_name: str, peer_name: str, data: str, count: int, figure: str | None) -> dict:
    """Coloured MNIST scores of our model beside the grey peer (module docstring)."""
    model, peer = load_model(model_name), load_model(peer_name)
    size = model.drawer.spec.size
    inks = mnist.digits(Path(data), size, "test")[:count]
    classes = mnist.labels(Path(data), "test")[:count]
    targets = mnist.coloured(inks, classes).astype(np.float32) / 255
    grey = inks.astype(np.float32) / 255
    ours, ours_time = written(model, inks)
    theirs, theirs_time = written(peer, inks)
    lab_errors, blank_lab, grey_l2, peer_l2, votes, drawings = [], [], [], [], [], []
    for actions, peer_actions, target, digit in zip(ours, theirs, targets, grey):
        rgba = svg.rasterize(model.renderer.to_svg(actions, size), size)
        drawn = rgba[..., :3] * rgba[..., 3:]   # over black
        lab_errors.append(lab_l2(drawn, target))
        blank_lab.append(lab_l2(np.zeros_like(target), target))
        grey_l2.append(np.mean((rgba[..., 3] - digit) ** 2))
        peer_l2.append(np.mean((svg.rasterize(peer.renderer.to_svg(peer_actions, size), size)[..., 3] - digit) ** 2))
        votes.append(class_of(rgba))
        if len(drawings) < 20:
            drawings.append(drawn)
    if figure:
        tiles = [np.repeat(g[..., None], 3, -1) for g in grey[:10]] + drawings[:10]
        tiles += [np.repeat(g[..., None], 3, -1) for g in grey[10:20]] + drawings[10:20]
        Image.fromarray(np.round(pictures.contact_sheet(tiles, columns=10) * 255).astype(np.uint8)).save(figure)
    return {"digits": len(inks), "lab_l2": float(np.mean(lab_errors)), "blank_lab_l2": float(np.mean(blank_lab)),
            "class_acc": float(np.mean(np.array(votes) == classes)), "grey_l2": float(np.mean(grey_l2)),
            "peer_grey_l2": float(np.mean(peer_l2)), "blank_grey_l2": float(np.mean(grey ** 2)),
            "strokes": float(np.mean([len(a) for a in ours])), "ms_per_digit": 1000 * ours_time,
            "peer_ms_per_digit": 1000 * theirs_time}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="color_mnist", help="the coloured MNIST model ('' to skip)")
    parser.add_argument("--peer", default="mnist_4lstm", help="the grey drawer beside us")
    parser.add_argument("--data", default="../shared/data/mnist")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--figure", help="PNG: grey digits over our coloured drawings")
    parser.add_argument("--pen-model", help="a colour model to score on held-out colour line art beside vtracer")
    parser.add_argument("--pen-count", type=int, default=300)
    parser.add_argument("--pen-figure", help="PNG: drawings, ours, vtracer")
    parser.add_argument("--json")
    args = parser.parse_args()
    result = {}
    if args.model:
        result["mnist"] = r = coloured_mnist(args.model, args.peer, args.data, args.count, args.figure)
        print(f"| digits | LAB L2 (blank) | class accuracy | grey L2: ours / {args.peer} / blank | strokes | ms/digit (peer) |")
        print("|---|---|---|---|---|---|")
        print(f"| {r['digits']} | {r['lab_l2']:.4f} ({r['blank_lab_l2']:.4f}) | {r['class_acc']:.2%} | "
              f"{r['grey_l2']:.4f} / {r['peer_grey_l2']:.4f} / {r['blank_grey_l2']:.4f} | "
              f"{r['strokes']:.2f} | {r['ms_per_digit']:.2f} ({r['peer_ms_per_digit']:.2f}) |")
    if args.pen_model:
        result["pen"] = pen = pen_recreation(args.pen_model, args.pen_count, args.pen_figure)
        print("\n| colour drawings | LAB L2: ours / vtracer / blank | primitives: ours / vtracer | ms: ours / vtracer |")
        print("|---|---|---|---|")
        print(f"| {pen['drawings']} | {pen['lab_l2']:.4f} / {pen['vtracer_lab_l2']:.4f} / {pen['blank_lab_l2']:.4f} | "
              f"{pen['strokes']:.1f} / {pen['vtracer_paths']:.1f} | {pen['ms_per_drawing']:.1f} / "
              f"{pen['vtracer_ms_per_drawing']:.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
