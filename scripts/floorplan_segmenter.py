"""The supervised upper bound for floor plans: a pixel segmenter trained *with* the ground-truth
room-type images (which the drawer never gets as pairs of actions), about the drawer's size.

    python scripts/floorplan_segmenter.py --plans 8000 --steps 3000 --seconds 1500 -o runs/segmenter.msgpack
    # CPU 2 cores: ~0.8 s an update; the budget stops it at ~2,000 updates (docs/results.md)

An encoder-decoder (three stride-2 convolutions, residual blocks at 1/8, pixel-shuffle upsampling
with skip connections) maps the plan, at the drawer's size (`--size`, 64 px for the shipped
`floorplans`), to 7 logits per pixel: nothing, then ROOM_TYPES.
scripts/bench_floorplans.py scores its segmentation (mIoU) and its boxes (connected regions of one
type -> bounding boxes).
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx, serialization

from canvasdraw.data.floorplans import plan_set
from canvasdraw.data.floorplans.layout import ROOM_TYPES
from canvasdraw.metrics.floorplans import class_map
from canvasdraw.nets.canvas import pixel_shuffle
from canvasdraw.nets.drawer import coordinates, space_to_depth

SIZE = 64   # px: the shipped floorplans drawer's hint size, so both read the same pixels
WIDTHS = (64, 128, 256)


class Segmenter(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        w = WIDTHS
        self.down = nnx.List([nnx.Linear(4 * 3, w[0], rngs=rngs), nnx.Linear(4 * w[0], w[1], rngs=rngs),
                              nnx.Linear(4 * w[1], w[2], rngs=rngs)])
        self.blocks = nnx.List([nnx.Conv(w[2], w[2], (3, 3), rngs=rngs) for _ in range(6)])
        self.up = nnx.List([nnx.Conv(w[2], 4 * w[1], (3, 3), rngs=rngs),
                            nnx.Conv(2 * w[1], 4 * w[0], (3, 3), rngs=rngs),
                            nnx.Conv(2 * w[0], 4 * 32, (3, 3), rngs=rngs)])
        self.head = nnx.Conv(32 + 3, len(ROOM_TYPES) + 1, (3, 3), rngs=rngs)

    def __call__(self, hints):
        """hints (B, S, S, 1) in [0, 1], S divisible by 8 -> logits (B, S, S, 7)."""
        b, s = hints.shape[:2]
        x = jnp.concatenate([hints * 2 - 1, jnp.broadcast_to(coordinates(s), (b, s, s, 2))], -1)
        skips = [x]
        for layer in self.down:     # 2x2 space-to-depth + dense = a stride-2 2x2 convolution
            x = jax.nn.relu(layer(space_to_depth(x, 2)))
            skips.append(x)
        for i in range(0, len(self.blocks), 2):
            x = x + self.blocks[i + 1](jax.nn.relu(self.blocks[i](x)))
        for up, skip in zip(self.up, skips[-2::-1]):
            x = jnp.concatenate([pixel_shuffle(jax.nn.relu(up(x))), skip], -1)
        return self.head(x)


@nnx.jit
def _update(model, optimizer, hints, labels):
    def loss_fn(model):
        return optax.softmax_cross_entropy_with_integer_labels(model(hints), labels).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


@nnx.jit
def segment(model, hints):
    """hints (B, S, S, 1) float in [0, 1] -> class map (B, S, S) int."""
    return jnp.argmax(model(hints), -1)


def train(plans: int, steps: int, batch: int = 32, seed: int = 0, seconds: float | None = None,
          size: int = SIZE) -> Segmenter:
    """Trains on `size` px plans for `steps` updates, or fewer if `seconds` of training have passed
    (then says so)."""
    hints, targets, _ = plan_set(plans, "train", size)
    labels = class_map(targets)
    model = Segmenter(nnx.Rngs(seed))
    optimizer = nnx.Optimizer(model, optax.adam(optax.cosine_decay_schedule(1e-3, steps, 0.01)), wrt=nnx.Param)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    for step in range(1, steps + 1):
        idx = rng.integers(0, plans, batch)
        loss = _update(model, optimizer, jnp.asarray(hints[idx] / np.float32(255)), jnp.asarray(labels[idx]))
        if step % 200 == 0 or step == steps:
            elapsed = time.perf_counter() - started
            print(f"segmenter step {step}/{steps} loss {float(loss):.4f} {elapsed:.0f} s", flush=True)
            if seconds is not None and elapsed > seconds:
                print(f"segmenter stopped at step {step} of {steps}: the {seconds:.0f} s budget is spent", flush=True)
                break
    return model


def save(model: Segmenter, path: str) -> None:
    params = jax.tree.map(lambda p: np.asarray(p, np.float16), nnx.to_pure_dict(nnx.state(model, nnx.Param)))
    with open(path, "wb") as f:
        f.write(serialization.msgpack_serialize(params))


def load(path: str) -> Segmenter:
    model = Segmenter(nnx.Rngs(0))
    with open(path, "rb") as f:
        params = jax.tree.map(lambda p: np.asarray(p, np.float32), serialization.msgpack_restore(f.read()))
    state = nnx.state(model, nnx.Param)
    nnx.replace_by_pure_dict(state, params)
    nnx.update(model, state)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=20000)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=SIZE, help="plan side in px (the drawer's)")
    parser.add_argument("--seconds", type=float, default=None, help="stop training (and save) after this long")
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    save(train(args.plans, args.steps, args.batch, seconds=args.seconds, size=args.size), args.out)


if __name__ == "__main__":
    main()
