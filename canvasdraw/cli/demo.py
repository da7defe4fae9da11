"""`canvasdraw demo`: the whole method from nothing, on a CPU, in a few minutes.

1. trains a small 32 px canvas for `bezier_alpha` on random rollouts (OUT/canvas);
2. trains a 3-step LSTM drawer through it on synthetic stroke images (`strokes:N`, OUT/drawer);
3. writes a few held-out images as PNG files (OUT/inputs) and vectorizes them with the real
   renderer in the loop, with a gallery (OUT/vectorized/index.html).
Every stage resumes from OUT if interrupted; `quick` shrinks everything for tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from canvasdraw import pictures
from canvasdraw.data.sources import load_images
from canvasdraw.files import write_atomic
from canvasdraw.store.models import load_model
from canvasdraw.train import canvas as canvas_training
from canvasdraw.train import drawer as drawer_training
from canvasdraw.vectorize.report import write_report
from canvasdraw.vectorize.run import vectorize
from canvasdraw_configs.canvas import canvas_config
from canvasdraw_configs.drawer import drawer_config

SIZE = 32
IMAGES = 8


def configs(out: Path, quick: bool):
    """The demo's canvas and drawer configs: the configs/ families' defaults (installed as
    canvasdraw_configs), shrunk to run in minutes (module docstring)."""
    canvas = canvas_config("bezier_alpha")
    canvas.size, canvas.steps, canvas.eval_every, canvas.eval_episodes = SIZE, 8000, 2000, 64
    canvas.canvas.update(hidden=256, patch=8, depth=1)
    drawer = drawer_config("strokes:4000", str(out / "canvas"), "3lstm")
    drawer.size, drawer.steps, drawer.eval_every, drawer.eval_images, drawer.final_eval_images = SIZE, 4000, 1000, 128, 256
    drawer.drawer.update(widths=(16, 32), hidden=128)
    if quick:
        canvas.steps, canvas.eval_every, canvas.eval_episodes, canvas.workers = 20, 20, 8, 0
        canvas.canvas.update(hidden=32)
        drawer.data, drawer.steps, drawer.eval_every, drawer.eval_images, drawer.final_eval_images = \
            "strokes:64", 10, 10, 16, 16
    return canvas, drawer


def run_demo(out: str | Path, quick: bool = False) -> Path:
    """Runs the demo into `out`; returns the gallery's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    canvas_cfg, drawer_cfg = configs(out, quick)
    print(f"1/3 canvas: imitating the bezier_alpha renderer at {SIZE} px ({canvas_cfg.steps} updates)")
    canvas_training.train_and_evaluate(canvas_cfg, str(out / "canvas"))
    print(f"2/3 drawer: {drawer_cfg.steps_per_image} strokes per image through the frozen canvas "
          f"({drawer_cfg.steps} updates)")
    result = drawer_training.train_and_evaluate(drawer_cfg, str(out / "drawer"))
    print(f"    held-out L2 of the SVG: {result['svg_l2']:.4f} (our raster: {result['real_l2']:.4f}, "
          f"canvas: {result['canvas_l2']:.4f})")
    print(f"3/3 vectorize {IMAGES} held-out images")
    inputs = out / "inputs"
    inputs.mkdir(exist_ok=True)
    held_out = load_images(drawer_cfg.data, SIZE, "test").hints[:IMAGES, ..., 0]
    for i, ink in enumerate(held_out):
        write_atomic(inputs / f"stroke{i}.png", pictures.png_bytes(1 - ink / np.float32(255)))
    model = load_model(str(out / "drawer"))
    rows, errors = vectorize([str(inputs)], out / "vectorized", model)
    return write_report(out / "vectorized", rows, model.name, errors)
