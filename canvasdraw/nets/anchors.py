"""The anchor drawer (variant `anchors`): one box action per cell of a coarse grid over the hint,
all in one step, for box renderers (floor-plan rooms; `rectangles`).

A sequential drawer must decide which room each of its N steps draws, and with pixel L2 as its
only guide it paints a few large boxes over several rooms (docs/results.md, floor plans). Here
every cell of a G×G grid (an *anchor*) writes the box of the region it lies in: its four sides'
distances from the anchor's centre and a colour. Neighbouring anchors of one room then write
(about) the same box; `vectorize.rooms` merges them and drops anchors that see no room (their
colour is the background's). N = G² actions, fixed; most are not written.

Shapes: hints (B, S, S, Ct) in [0, 1] -> actions (B, G·G, D) in [0, 1], anchors in row-major
order (y, then x); D = 4 corners (x0, y0, x1, y1 as fractions of the picture) + the colour
components of the renderer, free or, with a `DrawerSpec.palette` (the room types' colours and
the background's), exactly the most likely palette colour (mixed by the softmax while training
with `palette_mix`: a regressed colour drifts to the mean of the types an anchor is unsure of,
which is often nearest a third type; docs/results.md). Layers: a patch embedding, stride-2 3×3
convolutions down to the G×G grid, `depth` pre-norm residual blocks of dilated 3×3 convolutions
(dilations 1, 2, 4, ...: an anchor must see its room's walls and the label written in it), a
summary of the whole plan added to every cell, then a LayerNorm'd linear head.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from canvasdraw.nets.drawer import DrawerSpec, drawer_inputs, palette_colour, space_to_depth

GROWTH = 0.1   # a side's distance from its anchor: half a cell + GROWTH · softplus(output − 1)


class DilatedBlock(nnx.Module):
    """x + conv(relu(conv(relu(norm(x))))) with 3×3 kernels of one dilation."""

    def __init__(self, channels: int, dilation: int, *, rngs: nnx.Rngs):
        self.norm = nnx.LayerNorm(channels, rngs=rngs)
        self.conv1 = nnx.Conv(channels, channels, (3, 3), kernel_dilation=dilation, rngs=rngs)
        self.conv2 = nnx.Conv(channels, channels, (3, 3), kernel_dilation=dilation, rngs=rngs)

    def __call__(self, x):
        return x + self.conv2(jax.nn.relu(self.conv1(jax.nn.relu(self.norm(x)))))


def anchor_centres(grid: int):
    """(G·G, 2) centres (x, y) of the anchors as fractions of the picture, row-major."""
    axis = (jnp.arange(grid) + 0.5) / grid
    x, y = jnp.meshgrid(axis, axis)
    return jnp.stack([x.ravel(), y.ravel()], -1)


class AnchorDrawer(nnx.Module):
    """(carry (), hints (B,S,S,Ct), states) -> ((), actions (B, G·G, D)); states are not read (a
    plan's rooms do not depend on what is drawn)."""

    def __init__(self, spec: DrawerSpec, *, rngs: nnx.Rngs):
        spec.check()
        self.spec = spec
        w = spec.widths
        self.embed = nnx.Linear(spec.patch**2 * (spec.hint_channels + 2), w[0], rngs=rngs)
        self.convs = nnx.List([nnx.Conv(w[i], w[i + 1], (3, 3), strides=2, rngs=rngs) for i in range(len(w) - 1)])
        self.blocks = nnx.List([DilatedBlock(w[-1], 2 ** (i % 4), rngs=rngs) for i in range(spec.depth)])
        self.summary = nnx.Linear(w[-1], w[-1], rngs=rngs)
        self.norm = nnx.LayerNorm(w[-1], rngs=rngs)
        # Corners, then the colour: its 3 components, or logits over the palette's K colours.
        self.head = nnx.Linear(w[-1], 4 + (len(spec.palette) if spec.palette else spec.action_dim - 4), rngs=rngs)
        self.deterministic = True   # NNX's mode flag: `.train()` clears it (then a palette may be mixed)

    def initial_carry(self, batch: int):
        return ()

    def __call__(self, carry, hints, states=None):
        return carry, self.draw(hints)[0]

    def draw(self, hints):
        """hints (B, S, S, Ct) -> (actions (B, G·G, D), the palette choice's logits (B, G·G, K), or
        None without a palette)."""
        b, grid = hints.shape[0], self.spec.coarse
        inputs = drawer_inputs(hints, jnp.zeros(hints.shape[:3] + (0,), hints.dtype))
        x = jax.nn.relu(self.embed(space_to_depth(inputs, self.spec.patch)))
        for conv in self.convs:
            x = jax.nn.relu(conv(x))
        for block in self.blocks:
            x = block(x)
        x = x + jax.nn.relu(self.summary(jnp.mean(x, axis=(1, 2), keepdims=True)))
        out = self.head(self.norm(x)).reshape(b, grid * grid, -1)
        sides = 0.5 / grid + GROWTH * jax.nn.softplus(out[..., :4] - 1.0)       # left, top, right, bottom
        centre = anchor_centres(grid)
        corners = jnp.concatenate([centre - sides[..., :2], centre + sides[..., 2:]], -1)
        logits = None
        if self.spec.palette:
            logits = out[..., 4:]
            colour = palette_colour(logits, self.spec.palette, self.spec.palette_mix and not self.deterministic)
        else:
            colour = jax.nn.sigmoid(out[..., 4:])
        return jnp.concatenate([jnp.clip(corners, 0, 1), colour], -1), logits
