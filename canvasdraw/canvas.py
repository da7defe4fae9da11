"""Canvas networks C(x_n, y_n) ≈ R(x_n, y_n) (paper §3.2, appendix), Flax NNX.

Two forms share one decoder (a dense action code reshaped to a coarse map, then residual
blocks and pixel-shuffle upsampling, leaky ReLU 0.2, no batch norm):

* `action` — reads only the action and predicts its *layer*; the next state is
  composite(x_n, layer). Exact in form for `max`/`over` renderers, whose layer does not depend
  on x_n, and cheaper: the state never enters the network.
* `state` — the paper's form: the state is encoded by strided convolutions and joined to the
  action map at the coarse resolution. Needed for `replace` renderers; for `max`/`over` it still
  predicts a layer that is composited.

Outputs are logits; `next_state` applies the sigmoid and the renderer's composite rule.
Shapes: states (B, S, S, C) in [0, 1], actions (B, D) in [0, 1], S a power of two in 16..128.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
from flax import nnx

from canvasdraw.renderer import composite


@dataclasses.dataclass(frozen=True)
class CanvasSpec:
    """Everything needed to rebuild a canvas: renderer facts plus architecture."""

    renderer: str
    renderer_version: int
    action_names: tuple[str, ...]
    channels: int
    composite: str
    size: int
    form: str = "action"            # "action" or "state"
    coarse: int = 8                 # side of the coarse map the decoder starts from
    widths: tuple[int, ...] = (64, 32, 16, 8)  # channels at coarse, 2x, 4x, ... resolution
    hidden: int = 256               # width of the dense action encoder

    @property
    def action_dim(self) -> int:
        return len(self.action_names)

    @property
    def out_channels(self) -> int:
        return self.channels if self.composite != "over" else self.channels + 1

    def check(self):
        ups = math.log2(self.size / self.coarse)
        if self.form not in ("action", "state"):
            raise ValueError(f"canvas form must be 'action' or 'state', got {self.form!r}")
        if not ups.is_integer() or ups < 1 or len(self.widths) != int(ups) + 1:
            raise ValueError(f"size {self.size} needs coarse·2^k with len(widths) = k + 1 "
                             f"(coarse {self.coarse}, widths {self.widths})")
        if self.form == "action" and self.composite == "replace":
            raise ValueError("a `replace` renderer needs the `state` canvas form")


def spec_for(renderer, size: int, **arch) -> CanvasSpec:
    """A CanvasSpec for a renderer instance at `size`; `arch` overrides the architecture."""
    spec = CanvasSpec(renderer.name, renderer.version, tuple(p.name for p in renderer.action_spec),
                      renderer.channels, renderer.composite, size, **arch)
    spec.check()
    return spec


def _act(x):
    return jax.nn.leaky_relu(x, 0.2)


def pixel_shuffle(x, factor: int = 2):
    """(B, H, W, C·f²) -> (B, H·f, W·f, C)."""
    b, h, w, c = x.shape
    x = x.reshape(b, h, w, factor, factor, c // factor**2)
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(b, h * factor, w * factor, c // factor**2)


class ResBlock(nnx.Module):
    def __init__(self, channels: int, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(channels, channels, (3, 3), rngs=rngs)
        self.conv2 = nnx.Conv(channels, channels, (3, 3), rngs=rngs)

    def __call__(self, x):
        return x + self.conv2(_act(self.conv1(_act(x))))


class Canvas(nnx.Module):
    """C(x_n, y_n): (states (B,S,S,C), actions (B,D)) -> layer or next-state logits (B,S,S,C')."""

    def __init__(self, spec: CanvasSpec, *, rngs: nnx.Rngs):
        spec.check()
        self.spec = spec
        w = spec.widths
        self.dense1 = nnx.Linear(spec.action_dim, spec.hidden, rngs=rngs)
        self.dense2 = nnx.Linear(spec.hidden, spec.coarse * spec.coarse * w[0], rngs=rngs)
        if spec.form == "state":
            # Strided encoder of the state down to the coarse map, joined by concatenation.
            # Channels C -> w[-2] -> ... -> w[0], halving the resolution each time.
            self.encoder = nnx.List([nnx.Conv(spec.channels if i == 0 else w[-1 - i], w[-2 - i], (3, 3),
                                              strides=2, rngs=rngs) for i in range(len(w) - 1)])
            self.join = nnx.Conv(2 * w[0], w[0], (1, 1), rngs=rngs)
        self.coarse_blocks = nnx.List([ResBlock(w[0], rngs=rngs) for _ in range(2)])
        self.ups = nnx.List([nnx.Conv(w[i], 4 * w[i + 1], (3, 3), rngs=rngs) for i in range(len(w) - 1)])
        self.blocks = nnx.List([ResBlock(w[i + 1], rngs=rngs) for i in range(len(w) - 1)])
        self.head = nnx.Conv(w[-1], spec.out_channels, (3, 3), rngs=rngs)

    def __call__(self, states, actions):
        s = self.spec
        x = _act(self.dense2(_act(self.dense1(actions * 2 - 1))))
        x = x.reshape(actions.shape[0], s.coarse, s.coarse, s.widths[0])
        if s.form == "state":
            h = states * 2 - 1
            for conv in self.encoder:
                h = _act(conv(h))
            x = self.join(jnp.concatenate([x, h], axis=-1))
        for block in self.coarse_blocks:
            x = block(x)
        for up, block in zip(self.ups, self.blocks):
            x = block(pixel_shuffle(up(_act(x))))
        return self.head(_act(x))


def next_state(spec: CanvasSpec, states, logits):
    """Canvas logits -> predicted next states (B, S, S, C) in [0, 1] via the composite rule."""
    out = jax.nn.sigmoid(logits)
    return out if spec.composite == "replace" else composite(spec.composite, states, out, xp=jnp)
