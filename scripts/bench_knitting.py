"""Knitting images -> programs on held-out programs: our drawer (trained on images only) beside a
supervised img2prog network of the same architecture trained on the same images *with* their
programs (the upper bound), in one run (issue: knitting).

    python scripts/bench_knitting.py --model knitting --count 500 --supervised-steps 3000 \
        --json runs/bench_knitting.json --figure docs/images/knitting.png

Sets (canvasdraw.data.knitting, test seeds): `structured` (pattern-like), `random`, and
`augmented` (structured, with NIK's crop/warp/intensity perturbations, which no model trained on).
Per set and method: instruction accuracy over all cells and over foreground cells (NIK's
definitions, canvasdraw.metrics.programs). Beside them: `background` (every cell K, the most
frequent instruction), ours' L2 of the SVG `vectorize` writes (drawn by Cairo) with the empty
drawing's L2, how many of our programs needed post-processing to be knittable, and how many
Knitout files ran on the virtual machine (`--vm` of them).
"""

from __future__ import annotations

import argparse
import json
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from canvasdraw import pictures
from canvasdraw.data.knitting import legalize, program_set
from canvasdraw.metrics.programs import program_accuracy
from canvasdraw.nets.drawer import GridDrawer
from canvasdraw.render import load_renderer, svg
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.knitout import knitout_of, run_knitout

BATCH = 32


@nnx.jit
def _programs(drawer, hints, blank):
    _, soft = drawer(drawer.initial_carry(hints.shape[0]), hints, jnp.broadcast_to(blank, hints.shape))
    rows, cols = drawer.spec.grid
    return soft.reshape(hints.shape[0], rows, cols, -1).argmax(-1)


def predict(drawer, images: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """(M, S, S) uint8 images -> (M, rows, cols) predicted instruction indices."""
    out = [np.asarray(_programs(drawer, jnp.asarray(images[i:i + BATCH, ..., None] / np.float32(255)), blank))
           for i in range(0, len(images), BATCH)]
    return np.concatenate(out)


@nnx.jit
def _supervised_update(drawer, optimizer, hints, programs, blank):
    def loss_fn(drawer):
        _, soft = drawer(drawer.initial_carry(hints.shape[0]), hints, jnp.broadcast_to(blank, hints.shape))
        soft = soft.reshape(programs.shape + (-1,))
        return -jnp.mean(jnp.log(jnp.take_along_axis(soft, programs[..., None], -1) + 1e-7))

    loss, grads = nnx.value_and_grad(loss_fn)(drawer)
    optimizer.update(drawer, grads)
    return loss


def train_supervised(spec, images, programs, steps: int, blank) -> tuple[GridDrawer, float]:
    """The upper bound: our drawer's architecture trained with cross-entropy on (image, program)."""
    drawer = GridDrawer(spec, rngs=nnx.Rngs(0))
    schedule = optax.warmup_cosine_decay_schedule(0, 1e-3, min(200, steps // 10), steps, 1e-5)
    optimizer = nnx.Optimizer(drawer, optax.adam(schedule), wrt=nnx.Param)
    rng, start = np.random.default_rng(0), time.time()
    for step in range(steps):
        idx = rng.integers(0, len(images), BATCH)
        loss = _supervised_update(drawer, optimizer, jnp.asarray(images[idx, ..., None] / np.float32(255)),
                                  jnp.asarray(programs[idx]), blank)
        if step % 500 == 0:
            print(f"supervised step {step}: cross-entropy {float(loss):.4f}", flush=True)
    return drawer, time.time() - start


def svg_l2(renderer, programs, images) -> tuple[float, float]:
    """Mean L2 of the programs' SVGs drawn by Cairo vs the images, and of the empty drawing."""
    size = images.shape[1]
    targets = images / np.float32(255)
    drawn = [svg.drawn(renderer, renderer.to_svg(renderer.action_of(p)[None], size), size)[..., 0] for p in programs]
    return float(np.mean((np.stack(drawn) - targets) ** 2)), float(np.mean(targets**2))


def figure(renderer, chart, images, truth, ours, path, count=6):
    """Rows: image | true program as chart | our program as chart | our re-render; ink on white."""
    size = images.shape[1]
    rows = [[image / np.float32(255) for image in images[:count]],
            [chart.layer(chart.action_of(p), size)[..., 0] for p in truth[:count]],
            [chart.layer(chart.action_of(p), size)[..., 0] for p in ours[:count]],
            [renderer.layer(renderer.action_of(p), size)[..., 0] for p in ours[:count]]]
    tiles = [np.repeat(1 - ink[..., None], 3, -1) for row in rows for ink in row]
    with open(path, "wb") as f:
        f.write(pictures.png_bytes(pictures.contact_sheet(tiles, columns=count)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="knitting")
    parser.add_argument("--count", type=int, default=500, help="held-out programs per set")
    parser.add_argument("--train", type=int, default=8000, help="training programs of the supervised bound")
    parser.add_argument("--supervised-steps", type=int, default=3000)
    parser.add_argument("--vm", type=int, default=20, help="programs whose Knitout runs on the virtual machine")
    parser.add_argument("--json")
    parser.add_argument("--figure")
    args = parser.parse_args()

    model = load_model(args.model)
    renderer, spec = model.renderer, model.drawer.spec
    blank = jnp.asarray(model.renderer.blank(spec.size))
    print(f"{model.name}: renderer {renderer.name}, data {model.facts.get('data')}; {jax.device_count()} device(s)")
    sets = {"structured": program_set(renderer, args.count, "test", "structured"),
            "random": program_set(renderer, args.count, "test", "random"),
            "augmented": program_set(renderer, args.count, "test", "structured", augmented=True)}
    train_images, train_programs = program_set(renderer, args.train, "train", "mixed")
    supervised, seconds = train_supervised(spec, train_images, train_programs, args.supervised_steps, blank)
    result = {"model": model.name, "renderer": renderer.name, "count": args.count,
              "supervised": {"train_programs": args.train, "steps": args.supervised_steps, "seconds": seconds}}
    background = renderer.instructions.index("K")
    for name, (images, truth) in sets.items():
        start = time.time()
        ours = predict(model.drawer, images, blank)
        ours_seconds = (time.time() - start) / len(images)
        row = {"ours": program_accuracy(truth, ours), "ours_s_per_image": ours_seconds,
               "supervised": program_accuracy(truth, predict(supervised, images, blank)),
               "background": program_accuracy(truth, np.full_like(truth, background))}
        row["ours_svg_l2"], row["blank_l2"] = svg_l2(renderer, ours, images)
        names = np.asarray(renderer.instructions, dtype=object)
        changed = [legalize(names[p])[1] for p in ours]
        row["postprocessed_share"] = float(np.mean(np.array(changed) > 0))
        row["postprocessed_cells"] = float(np.mean(changed))
        if name == "structured":
            ran = 0
            for program in ours[:args.vm]:
                run_knitout(knitout_of(program, renderer.instructions).text)  # raises on an illegal file
                ran += 1
            row["vm_ran"] = ran
            if args.figure:
                figure(renderer, load_renderer("knitting_chart"), images, truth, ours, args.figure)
        result[name] = row
        print(f"{name:>10}: ours {row['ours']['full']:.4f} / fg {row['ours']['foreground']:.4f}   "
              f"supervised {row['supervised']['full']:.4f} / fg {row['supervised']['foreground']:.4f}   "
              f"all-K {row['background']['full']:.4f}   SVG L2 {row['ours_svg_l2']:.4f} (blank {row['blank_l2']:.4f})"
              f"   post-processed {row['postprocessed_share']:.1%}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
