"""How well a drawer draws held-out images; the headline number is the SVG's.

`svg_l2` is the mean per-pixel squared error between the target and the drawer's (clipped)
actions written as SVG (`renderer.to_svg`, what `vectorize` writes) and rasterised by Cairo
(cairosvg), an SVG renderer independent of our own raster. `real_l2` is our real renderer's
re-render of the same actions and `canvas_l2` the canvas's own guess, reported beside it (the
gaps are the renderer's SVG mismatch and the canvas's imitation error).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from flax import nnx

from canvasdraw import pictures
from canvasdraw.data.sources import ImageSet
from canvasdraw.nets.drawer import Drawer, unroll
from canvasdraw.nets.frozen import FrozenCanvas
from canvasdraw.render import svg
from canvasdraw.render.contract import render_batch


@nnx.jit
def drawer_actions(drawer: Drawer, canvas: FrozenCanvas, hints, start):
    """Actions (B, N, D) clipped to [0, 1] and the canvas's drawing (B, S, S, C)."""
    actions, states = unroll(drawer, canvas, hints, start)
    return jnp.clip(actions, 0, 1), states[:, -1]


def drawer_l2(drawer: Drawer, canvas: FrozenCanvas, renderer, data: ImageSet, limit: int | None = None,
              batch_size: int = 256) -> dict:
    """Held-out svg_l2 (the SVG, drawn by Cairo, vs target), real_l2 (our raster) and canvas_l2
    over the first `limit` images. Targets and drawings are compared as `svg.picture_of` shows
    them; a window's start state (sliding drawers) is under both."""
    count = len(data) if limit is None else min(limit, len(data))
    size = drawer.spec.size
    blank = renderer.blank(size)
    by_svg, real, guess = [], [], []
    for first in range(0, count, batch_size):
        batch = data.batch(np.arange(first, min(first + batch_size, count)))
        actions, drawn = drawer_actions(drawer, canvas, batch["hint"], batch.get("start", blank))
        actions = np.asarray(actions)
        starts = batch.get("start", [None] * len(actions))
        rendered = render_batch(renderer, actions, size, batch.get("start"))
        targets = [svg.picture_of(renderer, t) for t in batch["target"]]
        by_svg += [np.mean((svg.drawn(renderer, renderer.to_svg(a, size), size, start=s) - t) ** 2)
                   for a, s, t in zip(actions, starts, targets)]
        real += [np.mean((svg.picture_of(renderer, r) - t) ** 2) for r, t in zip(rendered, targets)]
        guess += [np.mean((svg.picture_of(renderer, d) - t) ** 2) for d, t in zip(np.asarray(drawn), targets)]
    return {"svg_l2": float(np.mean(by_svg)), "real_l2": float(np.mean(real)), "canvas_l2": float(np.mean(guess)),
            "images": count}


def drawer_sheet(drawer: Drawer, canvas: FrozenCanvas, renderer, data: ImageSet, count: int = 8) -> np.ndarray:
    """Rows: target | real re-render | canvas drawing, for the first `count` held-out images."""
    batch = data.batch(np.arange(min(count, len(data))))
    actions, drawn = drawer_actions(drawer, canvas, batch["hint"], batch.get("start", renderer.blank(drawer.spec.size)))
    rendered = render_batch(renderer, np.asarray(actions), drawer.spec.size, batch.get("start"))
    rows = [renderer.to_rgb(x) for x in batch["target"]] + [renderer.to_rgb(x) for x in rendered]
    rows += [renderer.to_rgb(x) for x in np.asarray(drawn)]
    return pictures.contact_sheet(rows, columns=len(batch["target"]))
