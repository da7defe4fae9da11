"""How well a drawer draws held-out images; the headline number is the real renderer's.

`real_l2` is the mean per-pixel squared error between the target and the **real renderer's**
re-render of the drawer's (clipped) actions; `canvas_l2` is the canvas's own guess, reported
beside it (the gap is the canvas's imitation error).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from flax import nnx

from canvasdraw import pictures
from canvasdraw.data.sources import ImageSet
from canvasdraw.nets.drawer import Drawer, unroll
from canvasdraw.nets.frozen import FrozenCanvas
from canvasdraw.render.contract import render_batch


@nnx.jit
def drawer_actions(drawer: Drawer, canvas: FrozenCanvas, hints, start):
    """Actions (B, N, D) clipped to [0, 1] and the canvas's drawing (B, S, S, C)."""
    actions, states = unroll(drawer, canvas, hints, start)
    return jnp.clip(actions, 0, 1), states[:, -1]


def drawer_l2(drawer: Drawer, canvas: FrozenCanvas, renderer, data: ImageSet, limit: int | None = None,
              batch_size: int = 256) -> dict:
    """Held-out real_l2 (real re-render vs target) and canvas_l2 over the first `limit` images."""
    count = len(data) if limit is None else min(limit, len(data))
    blank = renderer.blank(drawer.spec.size)
    real, guess = [], []
    for first in range(0, count, batch_size):
        batch = data.batch(np.arange(first, min(first + batch_size, count)))
        actions, drawn = drawer_actions(drawer, canvas, batch["hint"], batch.get("start", blank))
        rendered = render_batch(renderer, np.asarray(actions), drawer.spec.size, batch.get("start"))
        real.append(np.mean((rendered - batch["target"]) ** 2, axis=(1, 2, 3)))
        guess.append(np.mean((np.asarray(drawn) - batch["target"]) ** 2, axis=(1, 2, 3)))
    return {"real_l2": float(np.mean(np.concatenate(real))), "canvas_l2": float(np.mean(np.concatenate(guess))),
            "images": count}


def drawer_sheet(drawer: Drawer, canvas: FrozenCanvas, renderer, data: ImageSet, count: int = 8) -> np.ndarray:
    """Rows: target | real re-render | canvas drawing, for the first `count` held-out images."""
    batch = data.batch(np.arange(min(count, len(data))))
    actions, drawn = drawer_actions(drawer, canvas, batch["hint"], batch.get("start", renderer.blank(drawer.spec.size)))
    rendered = render_batch(renderer, np.asarray(actions), drawer.spec.size, batch.get("start"))
    rows = [renderer.to_rgb(x) for x in batch["target"]] + [renderer.to_rgb(x) for x in rendered]
    rows += [renderer.to_rgb(x) for x in np.asarray(drawn)]
    return pictures.contact_sheet(rows, columns=len(batch["target"]))
