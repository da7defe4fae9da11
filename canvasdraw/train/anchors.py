"""Training the anchor drawer (canvasdraw.nets.anchors) through a frozen box canvas.

No paired actions: each anchor's box is drawn by the frozen canvas and scored against the target
image alone. Its *seed* is the target's colour at the anchor; its box should cover the target's
region of that colour around the anchor and nothing else, and its colour be the target's there
(`losses.anchor_box_losses`). Walls and door gaps are background in the target, so a box stops
at them; an anchor on a wall or outside the plan seeds the background and learns its colour.

Each update draws K random anchors of every plan through the canvas (all G² would cost G²/K
times as much). With a palette and `anchors.balance` β > 0 they are drawn without replacement
with weights n_c^−β, n_c the batch's anchors whose seed is palette colour c (`balanced_picks`):
rare types (a plan's one storage room, 1–4 anchors) are then drawn as often as common ones, not
~0.3 % of the time. Their losses' gradients with respect to the actions are scaled to unit length per
anchor (geometry and colour apart) before they reach the network: a box that covers a wall has
a gradient ~50× larger than one still growing inside its room, and left as they are the few on
walls outvote the many in rooms until every box has shrunk to its smallest (measured: all boxes
at the minimum within 20 updates; docs/results.md). With the scaling each anchor counts once, as
it would if it were optimised alone.

The hint is read at the drawer's size S (e.g. 128: walls and labels stay legible), the canvas
draws at its own size S_c (S a multiple of it) and targets are averaged down to S_c.
"""

from __future__ import annotations

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from canvasdraw.data.sources import ImageSet
from canvasdraw.nets.frozen import FrozenCanvas
from canvasdraw.nets.losses import anchor_box_losses, anchor_choice_losses
from canvasdraw.render.color import lab_to_rgb
from canvasdraw.store.runs import RunFolder
from canvasdraw.train.loop import fit, replicate, resume_on_mesh, shard_batch

CHOICE_NOISE = 0.02   # squared sRGB distance that `likelihood` forgives (the closest two room colours: 0.12)


def pooled(images, size: int):
    """(B, S, S, C) averaged over f×f blocks to (B, size, size, C), f = S / size."""
    b, s, _, c = images.shape
    f = s // size
    return images.reshape(b, size, f, size, f, c).mean(axis=(2, 4))


def anchor_seeds(targets, grid: int):
    """The target's colour at each anchor: targets (B, S, S, C) -> (B, G·G, C), row-major (the
    pixel just below and right of each cell's centre)."""
    cell = targets.shape[1] // grid
    at = jnp.arange(grid) * cell + cell // 2
    return targets[:, at][:, :, at].reshape(targets.shape[0], grid * grid, -1)


def seed_classes(seeds, palette):
    """Seeds (B, G·G, 3) in sRGB (the pictures' colours) -> the index (B, G·G) of the nearest
    palette colour (K rows of normalised LAB, as the renderer's actions write them)."""
    colours = jnp.asarray(lab_to_rgb(np.asarray(palette, np.float32)), seeds.dtype)
    return jnp.argmin(jnp.sum((seeds[..., None, :] - colours) ** 2, -1), -1)


def balanced_picks(key, classes, per_plan: int, balance: float, kinds: int):
    """K = `per_plan` distinct anchors (B, K) of each plan, drawn without replacement (Gumbel top-k)
    with weights n_c^−balance, n_c the count in the batch of anchors of the same class as the
    anchor's; classes (B, G·G) ints in [0, kinds). balance 0: uniform."""
    counts = jnp.sum(jax.nn.one_hot(classes, kinds), axis=(0, 1))
    score = -balance * jnp.log(counts[classes]) + jax.random.gumbel(key, classes.shape)
    return jax.lax.top_k(score, per_plan)[1]


def unit_per_anchor(grads, geometry: int = 4):
    """Action gradients (M, D) with each anchor's geometry (first `geometry` components) and colour
    scaled to about unit length (divided by their length plus a tenth of the batch's mean length,
    so that near-zero gradients stay small)."""
    def unit(g):
        length = jnp.linalg.norm(g, axis=-1, keepdims=True)
        return g / (length + 0.1 * jnp.mean(length))

    return jnp.concatenate([unit(grads[:, :geometry]), unit(grads[:, geometry:])], -1)


def picked(actions, picks):
    """The actions (B, G·G, D) of anchors `picks` (B, K) -> (B·K, D)."""
    return jnp.take_along_axis(actions, picks[..., None], 1).reshape(-1, actions.shape[-1])


def anchor_scorer(canvas: FrozenCanvas, targets, picks, grid: int, margin: float, choices=None):
    """actions (B·K, D) of the picked anchors -> their (geometry, colour) losses (B·K,) through
    the canvas; targets (B, S_c, S_c, C) at the canvas size, picks (B, K). With `choices` (K', C)
    colours in the targets' space, the colour loss is instead (B·K, K'): each box's colour loss
    were it drawn in each of them (`anchor_choice_losses`)."""
    seeds = picked(anchor_seeds(targets, grid), picks)
    scene = jnp.repeat(targets, picks.shape[1], axis=0)

    def score(actions):
        layers = canvas.layers(actions)
        geometry, tint = anchor_box_losses(layers, seeds, scene, actions[:, :4], margin)
        return geometry, tint if choices is None else anchor_choice_losses(layers, scene, actions[:, :4], choices,
                                                                           margin)
    return score


@functools.partial(nnx.jit, static_argnames=("margin", "likelihood"))
def anchors_update(drawer, optimizer, canvas: FrozenCanvas, batch, picks, colour, margin: float,
                   likelihood: bool = False):
    """One Adam step on a batch ({"hint", "target"} at the drawer's size) and the anchors `picks`
    (B, K); returns (loss, geometry loss, colour loss), means over the picked anchors.

    `likelihood` (a palette drawer): the colour choice learns by the likelihood of the box's
    pixels under its choice, −log Σ_k p_k exp(−L_k / CHOICE_NOISE) (L_k: the box's colour loss
    were it drawn in palette colour k, `anchor_choice_losses`), whose gradient p − q (q ∝
    p·exp(−L/CHOICE_NOISE), the choice's posterior) reaches the logits directly: it raises the
    colour that fits however unlikely the choice thought it. Otherwise the colour loss of the
    colour drawn (the softmax mixture while training with `palette_mix`) is taken through the
    canvas; a mixture of other colours can then match a colour no anchor learns to choose, and the
    expected loss Σ p_k L_k cannot raise a colour of probability ~0 (docs/results.md: storage rooms).
    """
    choices = jnp.asarray(lab_to_rgb(np.asarray(drawer.spec.palette, np.float32))) if likelihood else None
    score = anchor_scorer(canvas, pooled(batch["target"], canvas.spec.size), picks, drawer.spec.coarse, margin,
                          choices)
    graphdef, params, rest = nnx.split(drawer, nnx.Param, ...)

    def forward(p):
        actions, logits = nnx.merge(graphdef, p, rest).draw(batch["hint"])
        return picked(actions, picks), picked(logits, picks) if likelihood else jnp.zeros(())

    (actions, logits), pull = jax.vjp(forward, params)

    def total(actions):
        geometry, tint = score(actions)
        learnt = jnp.sum(geometry) if likelihood else jnp.sum(geometry) + colour * jnp.sum(tint)
        return learnt, (geometry, tint)

    grads, (geometry, tint) = jax.grad(total, has_aux=True)(jax.lax.stop_gradient(actions))
    grads = unit_per_anchor(grads)
    choice_grads = jnp.zeros(())
    if likelihood:    # tint holds (M, K') losses: one per palette colour
        chance = jax.nn.softmax(logits)
        posterior = jax.nn.softmax(logits - tint / CHOICE_NOISE)
        choice_grads = colour * (chance - posterior)       # ∂(−log Σ p exp(−L/σ))/∂logits, at most √2 an anchor
        tint = jnp.sum(chance * tint, -1)                   # logged: the expected colour loss
        grads = grads.at[:, 4:].set(0.0)                    # the drawn mixture teaches nothing
    optimizer.update(drawer, pull((grads / len(actions), choice_grads / len(actions)))[0])
    return jnp.mean(geometry) + colour * jnp.mean(tint), jnp.mean(geometry), jnp.mean(tint)


@functools.partial(nnx.jit, static_argnames=("margin",))
def anchors_eval(drawer, canvas: FrozenCanvas, batch, colour, margin: float):
    """Held-out (loss, geometry, colour) means over every anchor of a batch."""
    targets = pooled(batch["target"], canvas.spec.size)
    _, actions = drawer((), batch["hint"])
    b, n = actions.shape[:2]
    picks = jnp.broadcast_to(jnp.arange(n), (b, n))
    geometry, tint = anchor_scorer(canvas, targets, picks, drawer.spec.coarse, margin)(actions.reshape(b * n, -1))
    return jnp.mean(geometry) + colour * jnp.mean(tint), jnp.mean(geometry), jnp.mean(tint)


def held_out(drawer, canvas: FrozenCanvas, test: ImageSet, count: int, colour: float, margin: float,
             chunk: int = 8) -> dict:
    """{"loss", "geometry", "colour", "images"}: means over every anchor of the first `count`
    held-out plans (`chunk` plans at a time: each draws G² boxes through the canvas)."""
    count = min(count, len(test))
    rows = [anchors_eval(drawer, canvas, test.batch(np.arange(a, min(a + chunk, count))), colour, margin)
            for a in range(0, count, chunk)]
    weights = [min(chunk, count - a) for a in range(0, count, chunk)]
    loss, geometry, tint = (float(np.average([float(r[i]) for r in rows], weights=weights)) for i in range(3))
    return {"loss": loss, "geometry": geometry, "colour": tint, "images": count}


def train_anchors(config, run: RunFolder, drawer, canvas: FrozenCanvas, stream, test: ImageSet) -> dict:
    """Trains an anchors drawer in `run` on batches of `stream` (resuming from its checkpoint);
    returns `held_out` on the whole held-out split."""
    optimizer, step, mesh = resume_on_mesh(run, drawer, config)
    canvas = replicate(mesh, canvas)
    margin, colour = float(config.anchors.margin), float(config.anchors.colour)
    choice = config.anchors.get("choice", "drawn")
    if choice not in ("drawn", "likelihood"):
        raise ValueError(f"anchors.choice must be drawn or likelihood, got {choice!r}")
    likelihood = choice == "likelihood"
    count, per_plan = drawer.spec.steps, min(config.anchors.per_plan, drawer.spec.steps)
    balance = float(config.anchors.get("balance", 0.0))
    if (balance or likelihood) and not drawer.spec.palette:
        raise ValueError("anchors.balance and anchors.choice=likelihood read a palette: the drawer has none")
    grid, palette = drawer.spec.coarse, drawer.spec.palette
    classes_of = jax.jit(lambda target: seed_classes(anchor_seeds(pooled(target, canvas.spec.size), grid), palette))
    updates = itertools.count(step)

    def train_on(batch):
        # Which anchors are drawn is a pure function of (seed, update): a resumed run picks the same ones.
        key = jax.random.fold_in(jax.random.key(config.seed), next(updates))
        if balance:
            picks = balanced_picks(key, classes_of(batch["target"]), per_plan, balance, len(palette))
        else:
            picks = jax.random.randint(key, (config.batch_size, per_plan), 0, count)
        loss, geometry, tint = anchors_update(drawer, optimizer, canvas, shard_batch(mesh, batch), picks, colour,
                                              margin, likelihood)
        return {"loss": loss, "geometry": geometry, "colour": tint}

    def evaluate_now(at):   # scored as it draws (eval mode: a palette's colours chosen, not mixed)
        drawer.eval()
        run.log(at, {f"eval/{k}": v for k, v in held_out(drawer, canvas, test, config.eval_images, colour,
                                                          margin).items()})
        drawer.train()

    drawer.train()
    fit(run, drawer, optimizer, stream, train_on, evaluate_now, config, step, f"drawer anchors N={count}")
    drawer.eval()
    result = held_out(drawer, canvas, test, config.final_eval_images or len(test), colour, margin)
    run.log(max(config.steps, step), {f"final/{k}": v for k, v in result.items()})
    run.close()
    return result
