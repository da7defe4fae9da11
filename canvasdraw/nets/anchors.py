"""The anchor drawer (variant `anchors`): one box action per cell of a coarse grid over the hint,
all in one step, for box renderers (floor-plan rooms, `rectangles`; 3D boxes, `prisms`).

A sequential drawer must decide which room each of its N steps draws, and with pixel L2 as its
only guide it paints a few large boxes over several rooms (docs/results.md, floor plans). Here
every cell of a G×G grid (an *anchor*) writes the box of the region it lies in: its four sides'
distances from the anchor's centre and a colour. Neighbouring anchors of one room then write
(about) the same box; `vectorize.rooms` merges them and drops anchors that see no room (their
colour is the background's). N = G² actions, fixed; most are not written.

How a picture shows a box (`DrawerSpec.views`, VIEWS): "plane", x right and y down over the
whole picture; "three", the `prisms` renderer's quadrants (front: x, y; side: z, y; top: x, z;
the fourth blank), where an anchor fixes the two axes its view shows and writes both ends of
the box on the third (an anchor of the blank quadrant, on all three).

Shapes: hints (B, S, S, Ct) in [0, 1] -> actions (B, G·G, D) in [0, 1], anchors in row-major
order (y, then x); D = 2A corner coordinates (the low corner, then the high one, over the A = 2
or 3 axes, as fractions of a view) + the 3 colour components of the renderer, free or, with a
`DrawerSpec.palette` (e.g. the room types and the background), exactly the most likely palette
colour (mixed by the softmax while training with `palette_mix`: a regressed colour drifts to the
mean of the types an anchor is unsure of, which is nearest a third type).

Layers: a patch embedding, stride-2 3×3 convolutions down to the G×G grid, `depth` pre-norm
residual blocks of dilated 3×3 convolutions (dilations 1, 2, 4, ...: an anchor must see its
room's walls and the label written in it), a summary of the whole plan added to every cell, for
three views what the other views show along the anchor's hidden axis (`ViewLift`), then a
LayerNorm'd linear head.
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


def anchor_seeds(targets, grid: int):
    """The target's colour at each anchor: targets (B, S, S, C) -> (B, G·G, C), row-major (the
    pixel just below and right of each cell's centre)."""
    cell = targets.shape[1] // grid
    at = jnp.arange(grid) * cell + cell // 2
    return targets[:, at][:, :, at].reshape(targets.shape[0], grid * grid, -1)


def anchor_frames(grid: int, views: str):
    """What each anchor's place says about its box: (coordinates (G·G, A), fixed (G·G, A) bool,
    cell (a cell's side in the box axes' units)). Axis a of anchor n's box is centred at
    coordinates[n, a] where fixed[n, a]; elsewhere the drawer writes its two ends."""
    centre = anchor_centres(grid)
    if views == "plane":
        return centre, jnp.ones(centre.shape, bool), 1 / grid
    u, v = centre[:, 0], centre[:, 1]                      # three views: a view is half the picture
    right, low = u >= 0.5, v >= 0.5
    along = jnp.stack([2 * u - right, 2 * v - low], -1)    # the anchor's place in its view
    x = jnp.where(right, 0.5, along[:, 0])
    y = jnp.where(low, 0.5, along[:, 1])
    z = jnp.where(right, along[:, 0], along[:, 1])
    fixed = jnp.stack([~right, ~low, right ^ low], -1)      # front: x, y; side: z, y; top: x, z; blank: none
    return jnp.stack([x, y, z], -1), fixed, 2 / grid


def anchor_views(grid: int, size: int):
    """For the anchors of three views, the pixels of an S px picture that score each one's box:
    (own (G·G, S, S, 1), others (G·G, S, S, 1)) as 0/1 floats: its own view's quadrant, and the
    two other views' (an anchor of the blank quadrant: that quadrant, and all three views)."""
    centre = anchor_centres(grid)
    quadrant = (centre[:, 0] >= 0.5) + 2 * (centre[:, 1] >= 0.5)        # 0 front, 1 side, 2 top, 3 blank
    half = jnp.arange(size) >= size // 2
    pixels = half[None, :] + 2 * half[:, None]                          # (S, S): the quadrant of each pixel
    own = pixels[None] == quadrant[:, None, None]
    others = (pixels[None] < 3) & ~own
    return own[..., None].astype(jnp.float32), others[..., None].astype(jnp.float32)


class ViewLift(nnx.Module):
    """What an anchor of three views cannot see in its own view: its box's extent along the axis
    that view hides (front: z, side: x, top: y). Features (B, G, G, C) of the grid, h = G/2 cells a
    view, are lifted into a volume of the cube's h³ cells, V[y, x, z] = front[y, x] + side[y, z] +
    top[z, x] (the three cells a point projects to), and each anchor reads the row of V along
    its hidden axis (h·C features -> C), added to its own; the blank quadrant reads nothing."""

    def __init__(self, channels: int, cells: int, *, rngs: nnx.Rngs):
        self.voxel = nnx.Linear(channels, channels, rngs=rngs)
        self.reads = nnx.List([nnx.Linear(cells * channels, channels, rngs=rngs) for _ in range(3)])

    def __call__(self, x):
        b, grid, _, c = x.shape
        h = grid // 2
        front, side, top = x[:, :h, :h], x[:, :h, h:], x[:, h:, :h]     # (y, x), (y, z), (z, x)
        volume = jax.nn.relu(self.voxel(front[:, :, :, None] + side[:, :, None] + jnp.swapaxes(top, 1, 2)[:, None]))
        rows = (volume,                                   # (y, x | z): front anchors read along z
                jnp.transpose(volume, (0, 1, 3, 2, 4)),   # (y, z | x): side anchors, along x
                jnp.transpose(volume, (0, 3, 2, 1, 4)))   # (z, x | y): top anchors, along y
        seen = [jax.nn.relu(read(row.reshape(b, h, h, h * c))) for read, row in zip(self.reads, rows)]
        upper = jnp.concatenate([seen[0], seen[1]], axis=2)
        lower = jnp.concatenate([seen[2], jnp.zeros_like(seen[2])], axis=2)
        return x + jnp.concatenate([upper, lower], axis=1)


class AnchorDrawer(nnx.Module):
    """(carry (), hints (B,S,S,Ct), states) -> ((), actions (B, G·G, D)); states are not read (a
    plan's rooms do not depend on what is drawn)."""

    def __init__(self, spec: DrawerSpec, *, rngs: nnx.Rngs):
        spec.check()
        self.spec = spec
        self.axes = (spec.action_dim - 3) // 2
        self.deterministic = True   # NNX's mode flag: `.train()` clears it (then a palette may be mixed)
        w = spec.widths
        self.embed = nnx.Linear(spec.patch**2 * (spec.hint_channels + 2), w[0], rngs=rngs)
        self.convs = nnx.List([nnx.Conv(w[i], w[i + 1], (3, 3), strides=2, rngs=rngs) for i in range(len(w) - 1)])
        self.blocks = nnx.List([DilatedBlock(w[-1], 2 ** (i % 4), rngs=rngs) for i in range(spec.depth)])
        self.summary = nnx.Linear(w[-1], w[-1], rngs=rngs)
        if spec.views == "three":
            self.lift = ViewLift(w[-1], spec.coarse // 2, rngs=rngs)
        self.norm = nnx.LayerNorm(w[-1], rngs=rngs)
        # Corners, then the colour: its 3 components, or logits over the palette's K colours.
        self.head = nnx.Linear(w[-1], 2 * self.axes + (len(spec.palette) if spec.palette else 3), rngs=rngs)

    def initial_carry(self, batch: int):
        return ()

    def __call__(self, carry, hints, states=None):
        b, grid, a = hints.shape[0], self.spec.coarse, self.axes
        inputs = drawer_inputs(hints, jnp.zeros(hints.shape[:3] + (0,), hints.dtype))
        x = jax.nn.relu(self.embed(space_to_depth(inputs, self.spec.patch)))
        for conv in self.convs:
            x = jax.nn.relu(conv(x))
        for block in self.blocks:
            x = block(x)
        x = x + jax.nn.relu(self.summary(jnp.mean(x, axis=(1, 2), keepdims=True)))
        if self.spec.views == "three":
            x = self.lift(x)
        out = self.head(self.norm(x)).reshape(b, grid * grid, -1)
        coordinates, fixed, cell = anchor_frames(grid, self.spec.views)
        sides = cell / 2 + GROWTH * jax.nn.softplus(out[..., :2 * a] - 1.0)     # towards low, then high
        corners = jnp.concatenate([coordinates - sides[..., :a], coordinates + sides[..., a:]], -1)
        # A free axis spans the whole cube at first (its ends at 0.05 and 0.95) and shrinks to the
        # box: started as a sliver at a guessed depth, a box never finds one it does not touch.
        span = jax.nn.sigmoid(out[..., :2 * a] + jnp.repeat(jnp.array([-3.0, 3.0]), a))
        corners = jnp.where(jnp.tile(fixed, 2), corners, span)
        colour = out[..., 2 * a:]
        if self.spec.palette:
            colour = palette_colour(colour, self.spec.palette, self.spec.palette_mix and not self.deterministic)
        else:
            colour = jax.nn.sigmoid(colour)
        return carry, jnp.concatenate([jnp.clip(corners, 0, 1), colour], -1)
