"""Figures like the paper's Fig. 6 for a trained drawer: per held-out image, one row of
target | real re-render | strokes in red on white | the real state after each action.

    python scripts/make_drawer_figures.py --workdir runs/table1/4lstm --data mnist:../shared/data/mnist \
        -o docs/images/mnist_4lstm.png [--images 6] [--first 0]
"""

import argparse

import jax.numpy as jnp
import numpy as np

from canvasdraw import pictures
from canvasdraw.data.rollouts import render_states
from canvasdraw.data.sources import load_images
from canvasdraw.files import write_atomic
from canvasdraw.metrics.drawer import drawer_actions
from canvasdraw.store.models import restore_drawer


def figure_rows(drawer, canvas, renderer, hints: np.ndarray) -> list[np.ndarray]:
    size = drawer.spec.size
    actions, _ = drawer_actions(drawer, canvas, jnp.asarray(hints), jnp.asarray(renderer.blank(size)))
    tiles = []
    for hint, acts in zip(hints, np.asarray(actions)):
        steps = render_states(renderer, acts, size)[1:]
        tiles += [renderer.to_rgb(hint), renderer.to_rgb(steps[-1]), pictures.red_strokes(renderer, acts, size)]
        tiles += [renderer.to_rgb(s) for s in steps]
    return tiles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--images", type=int, default=6)
    parser.add_argument("--first", type=int, default=0, help="index of the first held-out image")
    args = parser.parse_args()
    drawer, canvas, renderer = restore_drawer(args.workdir)
    data = load_images(args.data, drawer.spec.size, "test")
    hints = data.batch(np.arange(args.first, args.first + args.images))["hint"]
    tiles = figure_rows(drawer, canvas, renderer, hints)
    write_atomic(args.output, pictures.png_bytes(pictures.contact_sheet(tiles, columns=3 + drawer.spec.steps, fill=0.75)))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
