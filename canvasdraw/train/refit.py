"""Re-fitting a drawer's canvas on the drawer's own actions (the paper's "iteratively updating
canvas network", §6).

A canvas trained on random rollouts is least accurate where the drawer acts — the drawer learns
to exploit its errors, and the real re-render comes out worse than the canvas promised. Re-fitting
renders the drawer's actions on training images with the real renderer and fine-tunes the canvas
on those transitions, mixed half and half with fresh prior rollouts (so it keeps imitating the
renderer everywhere). The drawer then trains on through the re-fitted canvas.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from tqdm import tqdm

from canvasdraw.data.rollouts import RolloutSpec, render_states, render_transitions, transitions
from canvasdraw.data.sources import ImageSet, load_images
from canvasdraw.metrics.drawer import drawer_actions, drawer_l2
from canvasdraw.nets.frozen import FrozenCanvas, freeze
from canvasdraw.store.canvases import export_canvas
from canvasdraw.store.models import CANVAS_FILE, restore_drawer
from canvasdraw.train.canvas import canvas_update

PRIOR_FILE = "canvas.prior.msgpack"  # a re-fitted run's first canvas, kept for comparison


def drawer_transitions(drawer, canvas: FrozenCanvas, renderer, hints) -> dict[str, np.ndarray]:
    """The drawer's actions on hints (B, S, S, Ct), drawn by the real renderer, as B·N
    transitions {"state", "action", "next_state"} (real states, clipped actions)."""
    size = drawer.spec.size
    actions = np.asarray(drawer_actions(drawer, canvas, jnp.asarray(hints), jnp.asarray(renderer.blank(size)))[0])
    states = np.stack([render_states(renderer, sequence, size) for sequence in actions])
    return transitions({"states": states, "actions": actions})


def refit_canvas(drawer, canvas: FrozenCanvas, renderer, images: ImageSet, steps: int, batch_size: int = 64,
                 learning_rate: float = 1e-4, seed: int = 1) -> tuple[FrozenCanvas, list[float]]:
    """Fine-tunes `canvas` for `steps` Adam updates; each batch is batch_size/2 transitions of the
    drawer (drawn at random from its N steps on enough random training images) and batch_size/2
    prior-rollout transitions (seed `seed`, never the held-out seed). Returns the new frozen
    canvas and the per-update BCE losses."""
    model = canvas.module()
    optimizer = nnx.Optimizer(model, optax.adam(learning_rate), wrt=nnx.Param)
    prior = RolloutSpec(renderer, drawer.spec.size, seed)
    rng = np.random.default_rng(seed)
    half = batch_size // 2
    losses = []
    for step in tqdm(range(steps), desc="refit canvas", unit="step"):
        hints = images.batch(rng.choice(len(images), -(-half // drawer.spec.steps), replace=False))["hint"]
        own = drawer_transitions(drawer, canvas, renderer, hints)
        keep = rng.choice(len(own["action"]), half, replace=False)
        own = {key: rows[keep] for key, rows in own.items()}
        other = render_transitions(prior, step * half, (step + 1) * half)
        batch = {key: jnp.asarray(np.concatenate([own[key], other[key]])) for key in own}
        loss, _ = canvas_update(model, optimizer, batch)
        losses.append(float(loss))
    return freeze(model), losses


def refit_run(workdir, data: str, steps: int, eval_images: int = 512, learning_rate: float = 1e-4) -> dict:
    """Re-fits the canvas of the drawer run in `workdir` on the drawer's actions on `data`'s
    training split and saves it as the run's canvas (the first canvas stays in PRIOR_FILE);
    `train-drawer` then goes on through it. Returns held-out L2s before and after."""
    drawer, canvas, renderer = restore_drawer(workdir)
    train, test = (load_images(data, drawer.spec.size, split) for split in ("train", "test"))
    before = drawer_l2(drawer, canvas, renderer, test, eval_images)
    refitted, losses = refit_canvas(drawer, canvas, renderer, train, steps, learning_rate=learning_rate)
    after = drawer_l2(drawer, refitted, renderer, test, eval_images)
    folder = Path(workdir)
    if not (folder / PRIOR_FILE).exists():
        shutil.copyfile(folder / CANVAS_FILE, folder / PRIOR_FILE)
    export_canvas(refitted.module(), folder / CANVAS_FILE)
    return {**{f"before_{k}": v for k, v in before.items() if k != "images"},
            **{f"after_{k}": v for k, v in after.items() if k != "images"},
            "first_bce": float(np.mean(losses[:20])), "last_bce": float(np.mean(losses[-20:])),
            "images": after["images"]}
