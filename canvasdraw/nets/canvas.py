"""Canvas networks C(x_n, y_n) ≈ R(x_n, y_n) (paper §3.2, appendix), Flax NNX.

Two forms, both ending in logits of the action's *layer* (or of the next state, for `replace`
renderers) that `next_state` turns into x_n+1 through the renderer's composite rule:

* `action` (`PatchCanvas`) — reads only the action. For `ink`/`over` renderers the layer does
  not depend on x_n, so this form is exact in form. The image is cut into P×P cells; one MLP,
  shared by all cells, maps (action code + the cell's learned position code) to the cell's
  pixels. All matmuls, no full-resolution convolutions: ~5× the samples/s of the conv form on
  a CPU (docs/results.md).
* `state` (`ConvCanvas`) — the paper's form: the state is encoded by strided convolutions and
  joined to an action map at a coarse resolution, then residual blocks and pixel-shuffle
  upsampling. Needed for `replace` renderers.
* `grid` (`GridCanvas`) — for program renderers (`canvasdraw.render.programs`), whose action is
  a soft one-hot instruction per cell of a rows×cols grid: residual 3×3 convolutions over the
  grid (a cell's look depends on its neighbours: moved and crossed stitches lean into them),
  then each cell's pixels from its features (Neural Inverse Knitting's prog2img).

Both use leaky ReLU 0.2, residual layers and no batch norm (paper appendix).
Shapes: states (B, S, S, C) in [0, 1], actions (B, D) in [0, 1], S a power of two in 16..128.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
from flax import nnx

from canvasdraw.render.contract import composite


@dataclasses.dataclass(frozen=True)
class CanvasSpec:
    """Everything needed to rebuild a canvas: renderer facts plus architecture."""

    renderer: str
    renderer_version: int
    action_names: tuple[str, ...]
    channels: int
    composite: str
    size: int
    form: str = "action"            # "action" (PatchCanvas) or "state" (ConvCanvas)
    hidden: int = 512               # width of the action MLP (both forms)
    patch: int = 16                 # action form: side of the cells one MLP call paints
    depth: int = 2                  # action form: residual MLP layers after the input layer
    coarse: int = 8                 # state form: side of the map the decoder starts from
    widths: tuple[int, ...] = (64, 32, 16, 8)  # state form: channels at coarse, 2x, 4x, ...
    grid: tuple[int, ...] = ()      # grid form: (rows, cols) of the program; hidden = channels,
                                    # depth = residual blocks

    @classmethod
    def from_dict(cls, fields: dict) -> "CanvasSpec":
        """Inverse of dataclasses.asdict after a JSON round trip (lists back to tuples)."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})

    @property
    def action_dim(self) -> int:
        return len(self.action_names)

    @property
    def out_channels(self) -> int:
        return self.channels if self.composite != "over" else self.channels + 1

    def check(self):
        if self.form == "grid":
            check_grid(self.grid, self.size, self.action_dim)
            return
        if self.size not in (16, 32, 64, 128):
            raise ValueError(f"canvas size must be 16, 32, 64 or 128, got {self.size}")
        if self.form == "action":
            if self.composite == "replace":
                raise ValueError("a `replace` renderer needs the `state` canvas form")
            if self.size % self.patch:
                raise ValueError(f"patch {self.patch} does not divide size {self.size}")
        elif self.form == "state":
            ups = math.log2(self.size / self.coarse)
            if not ups.is_integer() or ups < 1 or len(self.widths) != int(ups) + 1:
                raise ValueError(f"size {self.size} needs coarse·2^k with len(widths) = k + 1 "
                                 f"(coarse {self.coarse}, widths {self.widths})")
        else:
            raise ValueError(f"canvas form must be 'action', 'state' or 'grid', got {self.form!r}")


def check_grid(grid: tuple[int, ...], size: int, action_dim: int) -> None:
    """A program grid (rows, cols) for canvases and drawers of the grid form: square, its rows
    dividing the image size and its cells the action values (ValueError otherwise)."""
    if len(grid) != 2 or grid[0] != grid[1] or size % grid[0] or action_dim % (grid[0] * grid[1]):
        raise ValueError(f"the grid form needs a square grid (rows, cols) whose rows divide size {size} and "
                         f"whose cells divide the {action_dim} action values, got {grid}")


def spec_for(renderer, size: int, **arch) -> CanvasSpec:
    """A CanvasSpec for a renderer instance at `size`; `arch` overrides the architecture (the grid
    form reads its grid off a program renderer)."""
    if arch.get("form") == "grid":
        arch["grid"] = (renderer.rows, renderer.cols)
    spec = CanvasSpec(renderer.name, renderer.version, tuple(p.name for p in renderer.action_spec),
                      renderer.channels, renderer.composite, size, **arch)
    spec.check()
    return spec


def make_canvas(spec: CanvasSpec, rngs: nnx.Rngs) -> nnx.Module:
    """The canvas module of `spec.form`; called as model(states, actions) -> logits."""
    spec.check()
    return {"action": PatchCanvas, "state": ConvCanvas, "grid": GridCanvas}[spec.form](spec, rngs=rngs)


def next_state(spec: CanvasSpec, states, logits):
    """Canvas logits -> predicted next states (B, S, S, C) in [0, 1] via the composite rule."""
    out = jax.nn.sigmoid(logits)
    return out if spec.composite == "replace" else composite(spec.composite, states, out)


def leaky_relu(x):
    """Leaky ReLU with slope 0.2 (paper appendix)."""
    return jax.nn.leaky_relu(x, 0.2)


def pixel_shuffle(x, factor: int = 2):
    """(B, H, W, C·f²) -> (B, H·f, W·f, C)."""
    b, h, w, c = x.shape
    x = x.reshape(b, h, w, factor, factor, c // factor**2)
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(b, h * factor, w * factor, c // factor**2)


class ActionEncoder(nnx.Module):
    """actions (B, D) in [0, 1] -> codes (B, out)."""

    def __init__(self, action_dim: int, hidden: int, out: int, *, rngs: nnx.Rngs):
        self.dense1 = nnx.Linear(action_dim, hidden, rngs=rngs)
        self.dense2 = nnx.Linear(hidden, out, rngs=rngs)

    def __call__(self, actions):
        return self.dense2(leaky_relu(self.dense1(actions * 2 - 1)))


class PatchCanvas(nnx.Module):
    """Action form: (states, actions (B, D)) -> layer logits (B, S, S, C'); states are unused."""

    def __init__(self, spec: CanvasSpec, *, rngs: nnx.Rngs):
        self.spec = spec
        cells = (spec.size // spec.patch) ** 2
        self.action = ActionEncoder(spec.action_dim, spec.hidden, spec.hidden, rngs=rngs)
        self.position = nnx.Param(jax.random.normal(rngs.params(), (cells, spec.hidden)) * 0.1)
        self.layers = nnx.List([nnx.Linear(spec.hidden, spec.hidden, rngs=rngs) for _ in range(spec.depth)])
        self.head = nnx.Linear(spec.hidden, spec.patch**2 * spec.out_channels, rngs=rngs)

    def __call__(self, states, actions):
        s, b = self.spec, actions.shape[0]
        h = leaky_relu(self.action(actions)[:, None, :] + self.position[...])      # (B, cells, H)
        for layer in self.layers:
            h = h + leaky_relu(layer(h))
        g = s.size // s.patch
        return pixel_shuffle(self.head(h).reshape(b, g, g, -1), s.patch)


class ResBlock(nnx.Module):
    def __init__(self, channels: int, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(channels, channels, (3, 3), rngs=rngs)
        self.conv2 = nnx.Conv(channels, channels, (3, 3), rngs=rngs)

    def __call__(self, x):
        return x + self.conv2(leaky_relu(self.conv1(leaky_relu(x))))


class ConvCanvas(nnx.Module):
    """State form: (states (B,S,S,C), actions (B,D)) -> layer or next-state logits (B,S,S,C')."""

    def __init__(self, spec: CanvasSpec, *, rngs: nnx.Rngs):
        self.spec = spec
        w = spec.widths
        self.action = ActionEncoder(spec.action_dim, spec.hidden, spec.coarse**2 * w[0], rngs=rngs)
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
        x = leaky_relu(self.action(actions)).reshape(actions.shape[0], s.coarse, s.coarse, s.widths[0])
        h = states * 2 - 1
        for conv in self.encoder:
            h = leaky_relu(conv(h))
        x = self.join(jnp.concatenate([x, h], axis=-1))
        for block in self.coarse_blocks:
            x = block(x)
        for up, block in zip(self.ups, self.blocks):
            x = block(pixel_shuffle(up(leaky_relu(x))))
        return self.head(leaky_relu(x))


class GridCanvas(nnx.Module):
    """Grid form: (states, programs (B, rows·cols·K) soft one-hot) -> layer logits (B, S, S, C');
    states are unused."""

    def __init__(self, spec: CanvasSpec, *, rngs: nnx.Rngs):
        self.spec = spec
        rows, cols = spec.grid
        self.choices, self.cell = spec.action_dim // (rows * cols), spec.size // rows
        self.embed = nnx.Linear(self.choices, spec.hidden, rngs=rngs)
        self.blocks = nnx.List([ResBlock(spec.hidden, rngs=rngs) for _ in range(spec.depth)])
        self.pixels = nnx.Linear(spec.hidden, 2 * spec.hidden, rngs=rngs)
        self.head = nnx.Linear(2 * spec.hidden, self.cell**2 * spec.out_channels, rngs=rngs)

    def __call__(self, states, actions):
        rows, cols = self.spec.grid
        x = self.embed(actions.reshape(actions.shape[0], rows, cols, self.choices) * 2 - 1)
        for block in self.blocks:
            x = block(x)
        return pixel_shuffle(self.head(leaky_relu(self.pixels(leaky_relu(x)))), self.cell)
