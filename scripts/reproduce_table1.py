"""Table 1 of the paper on MNIST-64: drawers through the canvas of configs/drawer_mnist.py (the
shipped `bezier_alpha` canvas), scored on their actions written as SVG and drawn by Cairo over
the MNIST test set, plus the per-image optimisation baseline (no drawer).

    python scripts/reproduce_table1.py --mnist ../shared/data/mnist [--runs runs/table1]
        [--variants 4lstm,4plain,20lstm] [--steps N] [--refit-steps 0] [--after-refit 3000]
        [--baseline-images 1000] [--baseline-steps 300]

Each drawer trains in RUNS/<variant> (resumed if interrupted; training time = the sum of
train/elapsed_s over its processes), then its canvas is re-fitted on its own actions
(canvasdraw.train.refit, --refit-steps canvas updates; 0 = skip) and it trains --after-refit more
updates through it; it is scored on all 10,000 test images. The baseline
optimises 4 random-start actions per image through the canvas with Adam (canvasdraw.nets.optimize)
on the first --baseline-images test images and reports its time per image.
"""

import argparse
import json
import time
from pathlib import Path

import jax.numpy as jnp
import numpy as np

from canvasdraw.data.sources import load_images
from canvasdraw.nets.optimize import optimize_actions
from canvasdraw.render import svg
from canvasdraw.render.registry import load_renderer
from canvasdraw.store.canvases import load_canvas
from canvasdraw.train.config_files import load_config
from canvasdraw.train.drawer import train_and_evaluate
from canvasdraw.train.refit import PRIOR_FILE, refit_run

PAPER = {"4lstm": 0.0175, "4plain": 0.0198, "20lstm": 0.0080}
CONFIG = Path(__file__).resolve().parent.parent / "configs" / "drawer_mnist.py"


def training_minutes(workdir: Path) -> float:
    """Sum over the run's processes of their last logged train/elapsed_s, in minutes."""
    rows = [json.loads(line) for line in (workdir / "metrics.jsonl").read_text().splitlines()]
    total, last = 0.0, 0.0
    for row in rows:
        if "train/elapsed_s" in row:
            if row["train/elapsed_s"] < last:  # a resumed process started its clock again
                total += last
            last = row["train/elapsed_s"]
    return (total + last) / 60


def baseline(canvas_name: str, mnist: str, images: int, steps: int, strokes: int = 4,
             batch: int = 250) -> tuple[float, float, float]:
    """(L2 of the SVG, canvas L2, seconds per image) of per-image optimisation from random actions."""
    canvas = load_canvas(canvas_name)
    renderer = load_renderer(canvas.spec.renderer)
    test = load_images(f"mnist:{mnist}", 64, "test")
    rng = np.random.default_rng(0)
    start = jnp.zeros((64, 64, 1))
    real, guess, seconds = [], [], 0.0
    for first in range(0, images, batch):
        targets = test.batch(np.arange(first, min(first + batch, images)))["target"]
        init = jnp.asarray(rng.random((len(targets), strokes, renderer.action_dim)), jnp.float32)
        began = time.perf_counter()
        actions, _, after = optimize_actions(canvas, targets, start, init, steps=steps)
        actions = np.asarray(actions)
        seconds += time.perf_counter() - began
        real += [np.mean((svg.drawn(renderer, renderer.to_svg(a, 64), 64) - t) ** 2) for a, t in zip(actions, targets)]
        guess.append(np.asarray(after))
    return float(np.mean(real)), float(np.mean(np.concatenate(guess))), seconds / images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", required=True, help="folder with the MNIST IDX files")
    parser.add_argument("--runs", default="runs/table1", type=Path)
    parser.add_argument("--variants", default="4lstm,4plain,20lstm")
    parser.add_argument("--steps", type=int, help="override the drawer configs' number of updates")
    parser.add_argument("--refit-steps", type=int, default=0, help="canvas re-fit updates (default 0 = none)")
    parser.add_argument("--after-refit", type=int, default=3000, help="drawer updates after the re-fit")
    parser.add_argument("--baseline-images", type=int, default=1000)
    parser.add_argument("--baseline-steps", type=int, default=300)
    args = parser.parse_args()

    rows = []
    for variant in filter(None, args.variants.split(",")):
        config = load_config(f"{CONFIG}:{variant}", [f"data=mnist:{args.mnist}"]
                             + ([f"steps={args.steps}"] if args.steps else []))
        workdir = args.runs / variant
        # Each stage resumes a finished or interrupted run; the last ends by scoring the test split.
        if args.refit_steps:
            config.final_eval_images = 512  # a quick score; the full one comes last
            train_and_evaluate(config, str(workdir), allow_changes=True)
            if not (workdir / PRIOR_FILE).exists():
                print(refit_run(workdir, config.data, args.refit_steps))
            config.steps += args.after_refit
            config.final_eval_images = None
        result = train_and_evaluate(config, str(workdir), allow_changes=True)
        rows.append((variant, result["svg_l2"], result["canvas_l2"], PAPER.get(variant),
                     f"{training_minutes(workdir):.0f} min training"))
    if args.baseline_images:
        real, guess, per_image = baseline(load_config(str(CONFIG)).canvas, args.mnist, args.baseline_images,
                                          args.baseline_steps)
        rows.append((f"per-image optimisation ({args.baseline_steps} Adam steps, first "
                     f"{args.baseline_images} images)", real, guess, None, f"{per_image * 1000:.1f} ms/image"))
    print("| method | L2 of the SVG (cairosvg) | canvas L2 | paper | cost |\n|---|---|---|---|---|")
    for name, real, guess, paper, cost in rows:
        print(f"| {name} | {real:.4f} | {guess:.4f} | {paper if paper else '—'} | {cost} |")


if __name__ == "__main__":
    main()
