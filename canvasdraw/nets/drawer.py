"""The drawer D(X, x_n) -> y_n+1 (paper §3.3, appendix), Flax NNX, and its N-step unroll
through a frozen canvas.

Each step the drawer sees the hint image X (B, S, S, Ct) and the current state x_n (B, S, S, C)
with two coordinate channels (CoordConv), encodes them with a patch embedding, strided
convolutions and a dense layer, passes the code through an LSTM (`lstm`) or a dense layer (`plain`, the paper's ablation)
and emits an action (B, D) from a dense head whose bias starts at 0.5 (actions start in the
centre). Actions are not squashed: `losses.action_penalty` keeps them in [0, 1] during training
and they are clipped before the real renderer draws them. ReLU, no batch norm (paper appendix).

Variant `grid` (`GridDrawer`), for program renderers (a soft one-hot instruction per cell of a
rows×cols grid; paper §5 names discrete actions as open): one step writes the whole program. Each
cell's pixels become one feature vector, residual 3×3 convolutions over the grid read the
neighbours, and a softmax over the instructions (with a temperature; optionally straight through
to the one-hot the renderer draws) gives the cell's action, so the frozen canvas passes gradients.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
from flax import nnx

from canvasdraw.errors import UserError
from canvasdraw.nets.canvas import ResBlock, check_grid


@dataclasses.dataclass(frozen=True)
class DrawerSpec:
    """Shapes and architecture of a drawer."""

    size: int                       # S: side of the hint image and of the state
    hint_channels: int              # Ct
    state_channels: int             # C (the canvas's)
    action_dim: int                 # D (the canvas's)
    steps: int                      # N actions per image
    variant: str = "lstm"           # "lstm", "plain", "grid" or "anchors" (canvasdraw.nets.anchors)
    patch: int = 4                  # the first layer embeds patch×patch pixel blocks (a strided conv)
    widths: tuple[int, ...] = (32, 64)  # channels after the patch embedding, then after each
                                        # 3×3 stride-2 convolution
    hidden: int = 256
    fixed: tuple[tuple[int, float], ...] = ()  # (action index, value) pairs the drawer cannot change,
                                               # e.g. ((6, 0.3),): one stroke thickness (paper Table 2)
    palette: tuple[tuple[float, ...], ...] = ()  # K colours (rows of the renderer's colour actions):
                                                 # the drawer chooses one instead of emitting a
                                                 # colour (straight through a softmax over K)
    palette_at: int = 0             # index of the first colour component in the action
    palette_mix: bool = False       # with a palette: train through the softmax mixture of its colours
                                    # (descent on a convex function of the choice, where a straight-
                                    # through choice's linear estimate can point past the right colour);
                                    # a drawing (eval mode) always takes the most likely colour
    grid: tuple[int, ...] = ()      # grid variant: (rows, cols) of the program (hidden = channels)
    depth: int = 4                  # grid and anchors variants: residual blocks over the grid
    temperature: float = 1.0        # grid variant: softmax temperature of the instruction choice
    straight_through: bool = False  # grid variant: draw the one-hot, pass the softmax's gradient

    @classmethod
    def from_dict(cls, fields: dict) -> "DrawerSpec":
        def frozen(v):
            return tuple(map(frozen, v)) if isinstance(v, list) else v

        unknown = set(fields) - {f.name for f in dataclasses.fields(cls)}
        if unknown:   # e.g. a run folder or model file written by another version of canvasdraw
            raise UserError(f"a drawer with settings this canvasdraw does not know: {', '.join(sorted(unknown))}")
        return cls(**{k: frozen(v) for k, v in fields.items()})

    def check(self):
        if self.variant == "grid":
            check_grid(self.grid, self.size, self.action_dim)
            if self.steps != 1:
                raise ValueError(f"the grid drawer writes its program in one step, got steps {self.steps}")
            return
        if self.variant == "anchors":
            if self.size % self.stride or self.steps != self.coarse**2:
                raise ValueError(f"the anchors drawer writes one box per cell of its {self.coarse}×{self.coarse} grid: "
                                 f"need steps {self.coarse ** 2} and size divisible by {self.stride}, got steps "
                                 f"{self.steps}, size {self.size}")
            if self.palette and self.palette_at != 4:
                raise ValueError(f"an anchors drawer's palette colour follows its 4 corners: palette_at 4, got "
                                 f"{self.palette_at}")
        elif self.variant not in ("lstm", "plain"):
            raise ValueError(f"drawer variant must be lstm, plain, grid or anchors, got {self.variant!r}")
        if self.palette_mix and not self.palette:
            raise ValueError("palette_mix trains on mixtures of palette colours: it needs a palette")
        if self.palette and self.palette_at + len(self.palette[0]) > self.action_dim:
            raise ValueError(f"palette colours of {len(self.palette[0])} components at {self.palette_at} do not "
                             f"fit an action of {self.action_dim}")
        if self.variant == "anchors":
            return
        if self.steps < 1 or self.size % self.stride:
            raise ValueError(f"need steps >= 1 and size divisible by {self.stride}")

    @property
    def stride(self) -> int:
        """Pixels of the hint per cell of the encoder's last feature map."""
        return self.patch * 2 ** (len(self.widths) - 1)

    @property
    def coarse(self) -> int:
        """Side of the encoder's last feature map."""
        return self.size // self.stride


def coordinates(size: int):
    """(S, S, 2) pixel-centre x and y in [-1, 1]."""
    axis = (jnp.arange(size) + 0.5) / size * 2 - 1
    x, y = jnp.meshgrid(axis, axis)
    return jnp.stack([x, y], axis=-1)


def drawer_inputs(hints, states):
    """What a drawer sees: hints (B,S,S,Ct) and states (B,S,S,C) in [-1, 1] beside the two
    coordinate channels (CoordConv) -> (B, S, S, Ct + C + 2)."""
    b, s = hints.shape[0], hints.shape[1]
    coords = jnp.broadcast_to(coordinates(s), (b, s, s, 2))
    return jnp.concatenate([hints * 2 - 1, states * 2 - 1, coords], axis=-1)


def straight_through(soft):
    """The one-hot of each distribution's most likely choice (..., K) forward, the softmax's
    gradient backward: what is drawn is exactly a choice the renderer can draw."""
    hard = jax.nn.one_hot(jnp.argmax(soft, axis=-1), soft.shape[-1], dtype=soft.dtype)
    return soft + jax.lax.stop_gradient(hard - soft)


def palette_colour(logits, palette, mix: bool):
    """The colour a palette choice draws: logits (..., K) over `palette` (K rows of colour
    components) -> (..., components). `mix` (training with `DrawerSpec.palette_mix`): the softmax
    mixture of the colours; otherwise exactly the most likely colour (straight through the softmax),
    which is what the renderer and the SVG get."""
    choice = jax.nn.softmax(logits)
    return (choice if mix else straight_through(choice)) @ jnp.asarray(palette, logits.dtype)


def space_to_depth(x, factor: int):
    """(B, H, W, C) -> (B, H/f, W/f, f·f·C): each f×f block becomes one feature vector, so a
    kernel = stride = f convolution is one matmul (fast on CPUs)."""
    b, h, w, c = x.shape
    x = x.reshape(b, h // factor, factor, w // factor, factor, c)
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(b, h // factor, w // factor, factor * factor * c)


class Drawer(nnx.Module):
    """One drawing step: (carry, hints (B,S,S,Ct), states (B,S,S,C)) -> (carry, actions (B,D))."""

    def __init__(self, spec: DrawerSpec, *, rngs: nnx.Rngs):
        spec.check()
        self.spec = spec
        inputs = spec.hint_channels + spec.state_channels + 2
        self.embed = nnx.Linear(spec.patch**2 * inputs, spec.widths[0], rngs=rngs)
        self.convs = nnx.List([nnx.Conv(spec.widths[i], spec.widths[i + 1], (3, 3), strides=2, rngs=rngs)
                               for i in range(len(spec.widths) - 1)])
        self.dense = nnx.Linear(spec.coarse**2 * spec.widths[-1], spec.hidden, rngs=rngs)
        if spec.variant == "lstm":
            self.memory = nnx.OptimizedLSTMCell(spec.hidden, spec.hidden, rngs=rngs)
        else:
            self.memory = nnx.Linear(spec.hidden, spec.hidden, rngs=rngs)
        colors = len(spec.palette[0]) if spec.palette else 0
        self.head = nnx.Linear(spec.hidden, spec.action_dim - colors, bias_init=nnx.initializers.constant(0.5),
                               rngs=rngs)
        if spec.palette:
            self.choice = nnx.Linear(spec.hidden, len(spec.palette), rngs=rngs)
        self.deterministic = True   # NNX's mode flag: `.train()` clears it (then a palette may be mixed)

    def initial_carry(self, batch: int):
        """The memory before the first step: LSTM (cell, hidden) zeros, or nothing (`plain`)."""
        if self.spec.variant == "lstm":
            zeros = jnp.zeros((batch, self.spec.hidden))
            return zeros, zeros
        return ()

    def __call__(self, carry, hints, states):
        b = hints.shape[0]
        x = jax.nn.relu(self.embed(space_to_depth(drawer_inputs(hints, states), self.spec.patch)))
        for conv in self.convs:
            x = jax.nn.relu(conv(x))
        x = jax.nn.relu(self.dense(x.reshape(b, -1)))
        if self.spec.variant == "lstm":
            carry, x = self.memory(carry, x)
        else:
            x = jax.nn.relu(self.memory(x))
        actions = self.head(x)
        if self.spec.palette:
            color = palette_colour(self.choice(x), self.spec.palette, self.spec.palette_mix and not self.deterministic)
            at = self.spec.palette_at
            actions = jnp.concatenate([actions[:, :at], color, actions[:, at:]], axis=-1)
        for index, value in self.spec.fixed:
            actions = actions.at[:, index].set(value)
        return carry, actions


class GridDrawer(nnx.Module):
    """The grid variant: (carry (), hints (B,S,S,Ct), states (B,S,S,C)) -> ((), programs (B, D)),
    D = rows·cols·K, each cell a distribution over the K instructions."""

    def __init__(self, spec: DrawerSpec, *, rngs: nnx.Rngs):
        spec.check()
        self.spec = spec
        rows, cols = spec.grid
        self.cell, self.choices = spec.size // rows, spec.action_dim // (rows * cols)
        inputs = spec.hint_channels + spec.state_channels + 2
        self.embed = nnx.Linear(self.cell**2 * inputs, spec.hidden, rngs=rngs)
        self.blocks = nnx.List([ResBlock(spec.hidden, rngs=rngs) for _ in range(spec.depth)])
        self.head = nnx.Linear(spec.hidden, self.choices, rngs=rngs)

    def initial_carry(self, batch: int):
        return ()

    def __call__(self, carry, hints, states):
        b = hints.shape[0]
        x = jax.nn.relu(self.embed(space_to_depth(drawer_inputs(hints, states), self.cell)))
        for block in self.blocks:
            x = block(x)
        soft = jax.nn.softmax(self.head(x) / self.spec.temperature)
        if self.spec.straight_through:
            soft = straight_through(soft)
        return carry, soft.reshape(b, -1)


def unroll(drawer: Drawer, canvas, hints, start):
    """Unrolls N = drawer.spec.steps steps through the frozen `canvas`, traced as straight-line code.

    hints (B, S, S, Ct); start (S, S, C) or (B, S, S, C) the state before the first step. Returns
    actions (B, N, D), unclipped, and the canvas's states x_1..x_N (B, N, S, S, C); the last is the
    drawing.
    """
    batch = hints.shape[0]
    memory, state = drawer.initial_carry(batch), jnp.broadcast_to(start, (batch,) + start.shape[-3:])
    # A Python loop, not lax.scan: XLA:CPU runs convolutions inside a while loop ~10x slower
    # (jax-ml/jax#12868), and lax.scan(unroll=True) still leaves one loop around the unrolled body,
    # whose backward pass was 30x slower for the one-step grid drawer (8.5 s vs 0.27 s at batch 32).
    actions, states = [], []
    for _ in range(drawer.spec.steps):
        memory, action = drawer(memory, hints, state)
        state = canvas(state, action)
        actions.append(action)
        states.append(state)
    return jnp.stack(actions, axis=1), jnp.stack(states, axis=1)
