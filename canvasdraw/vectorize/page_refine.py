"""Refinement of a whole picture's window strokes at once, through the renderer's twin.

The sliding drawer draws each window once and never comes back to it; `refine_windows` then moves
every stroke of every window by Adam steps so that the whole picture comes closer to its ink, as
`vectorize --refine` does for one window (canvasdraw.nets.optimize). For `ink` renderers the
picture is 1 − Π(1 − a_j) over all strokes' coverages a_j, whatever the order (SVG's alpha *over*
of black), so the strokes' log(1 − a) are summed into the picture: one batched, jitted call per
step. Each stroke is drawn by the twin only on a patch around it (`Renderer.twin_patch`): its
real drawing's bounding box widened by MARGIN px on each side, rounded up to a size in PATCHES
and kept inside its window (the real renderer and the SVG clip strokes to their windows). A
window stroke is ~15 px long on the shipped sliding model's pages, so most are drawn on a
quarter of their window's pixels.

The drawer covers a page with many short, overlapping strokes. After the first THIN_AT of the
steps, when the strokes have gathered on the lines, those that save less than SPARING of squared
error are dropped (`economy.helpful_strokes`) and the rest move on, closing the gaps: on 8
held-out pages, 20 + 50 steps this way gave 387 paths at L2 0.00131, against 722 paths at 0.00169
for 40 steps without (docs/results.md).
"""

from __future__ import annotations

import dataclasses
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from canvasdraw.nets.losses import action_penalty
from canvasdraw.nets.optimize import adam_steps
from canvasdraw.vectorize.economy import coverages_of, written_strokes
from canvasdraw.vectorize.window_strokes import Strokes

OPAQUE = 1 - 1e-4    # coverage is clipped below 1: log(1 − a) and its gradient stay finite
MARGIN = 4           # px around a stroke's drawing that its patch keeps: room to move
PATCHES = (32,)      # patch sides (px) below the window's own: each adds a compiled group
STROKES = 256        # stroke counts of the smallest patches are padded to a multiple of this, of larger
                     # patches to one of as many pixels (16 strokes of 128 px): pages of similar stroke
                     # counts share a compiled program (powers of two: 1.5× slower steps), and a few
                     # wide strokes no longer pay for 256 large patches (10 steps on a 512² mosaic of
                     # pen drawings: 1.8 s -> 0.5 s)
THIN_AT = 0.3        # of the steps (from THIN_FROM steps on): then the strokes that add little are dropped
THIN_FROM = 40
SPARING = 3.0        # summed squared error (pixels of the working scale) a stroke must save to stay
LEARNING_RATE = 0.015   # Adam's step, in window fractions (~1 px at 64 px). Measured on a held-out page,
                        # 25 steps: 0.03 -> L2 0.0035 (strokes overshoot together), 0.015 -> 0.0024


def can_refine(renderer) -> bool:
    """Whether `refine_windows` can move this renderer's window strokes: an `ink` renderer with a twin."""
    return renderer.composite == "ink" and renderer.has_twin


@partial(jax.jit, static_argnames=("renderer", "shapes"))
def _refined(renderer, groups, target, shapes: tuple[tuple[int, int], ...], steps: int, learning_rate: float):
    """Adam on the actions of stroke groups, one per (window side s, patch side p) in `shapes`:
    (actions (M, D), origins (M, 2) int (x, y) of the patches in their windows, real (M,) bool
    (False: padding, draws nothing), at (M, 2) int: the patches' top-left (y, x) in the padded
    picture), so that the picture drawn by the twin matches target (H, W)."""
    # Each patch is added to the picture as one block (a windowed scatter: its gradient is a
    # gather of blocks, ~6× cheaper on CPU than a scatter at every pixel's own index).
    blocks = jax.lax.ScatterDimensionNumbers(update_window_dims=(1, 2), inserted_window_dims=(),
                                             scatter_dims_to_operand_dims=(0, 1))

    def drawing(all_actions):
        clear = jnp.zeros(target.shape)
        for (side, patch), actions, (origins, real, at) in zip(shapes, all_actions, [g[1:] for g in groups]):
            coverage = renderer.twin_patch(jnp.clip(actions, 0, 1), side, origins, patch)[..., 0]
            clear = jax.lax.scatter_add(clear, at, jnp.log1p(-jnp.clip(coverage, 0, OPAQUE)) * real[:, None, None],
                                        blocks)
        return 1 - jnp.exp(clear)

    def loss(all_actions):
        return jnp.mean((drawing(all_actions) - target) ** 2) + sum(action_penalty(a) for a in all_actions)

    moved = adam_steps(loss, tuple(g[0] for g in groups), steps, learning_rate)
    return tuple(jnp.clip(a, 0, 1) for a in moved)


def _patches(renderer, strokes: Strokes, live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each stroke's patch side (N·K,) and its top-left (x, y) in its window (N·K, 2), strokes
    flattened window by window (module docstring); only the `live` (N·K,) strokes are drawn to
    find theirs."""
    count, per_window = strokes.actions.shape[:2]
    sides, flat = np.repeat(strokes.sides, per_window), strokes.actions.reshape(count * per_window, -1)
    patch, origin = np.minimum(sides, PATCHES[0]), np.zeros((len(sides), 2), int)   # strokes that draw nothing
    for i in np.flatnonzero(live):
        side, action = sides[i], flat[i]
        ys, xs = np.nonzero(coverages_of(renderer, action[None], int(side))[0] > 0)
        if not len(ys):
            continue
        need = max(np.ptp(ys), np.ptp(xs)) + 1 + 2 * MARGIN
        patch[i] = min([p for p in PATCHES if p >= need] + [side])
        centre = np.array([xs.min() + xs.max() + 1, ys.min() + ys.max() + 1]) // 2
        origin[i] = np.clip(centre - patch[i] // 2, 0, side - patch[i])
    return patch, origin


def refine_windows(renderer, strokes: Strokes, ink: np.ndarray, steps: int,
                   learning_rate: float = LEARNING_RATE) -> Strokes:
    """The strokes after `steps` Adam steps through the twin towards ink (H, W) in [0, 1], those
    that add little dropped (`kept`) on the way from THIN_FROM steps on (module docstring)."""
    if steps < THIN_FROM:
        return _moved(renderer, strokes, ink, steps, learning_rate)
    first = round(steps * THIN_AT)
    strokes = written_strokes(renderer, _moved(renderer, strokes, ink, first, learning_rate), ink.shape, ink, SPARING)
    return _moved(renderer, strokes, ink, steps - first, learning_rate)


def padded_count(count: int, patch: int) -> int:
    """How many strokes a group of `count` strokes on `patch` px patches is padded to (STROKES)."""
    multiple = max(1, STROKES * PATCHES[0] ** 2 // patch ** 2)
    return -(-count // multiple) * multiple


def _moved(renderer, strokes: Strokes, ink: np.ndarray, steps: int, learning_rate: float) -> Strokes:
    """The strokes after `steps` Adam steps through the twin (module docstring) towards ink (H, W)
    in [0, 1]; only the strokes `kept` move and draw. The picture is padded to whole windows with
    blank paper (strokes are pulled off the padding, which the SVG does not show)."""
    live = np.ones(strokes.actions.shape[:2], bool) if strokes.kept is None else strokes.kept
    if not steps or not live.any():
        return strokes
    live = live.reshape(-1)
    reach = (strokes.corners + strokes.sides[:, None]).max(axis=0)
    target = np.zeros((max(ink.shape[0], reach[0]), max(ink.shape[1], reach[1])), np.float32)
    target[:ink.shape[0], :ink.shape[1]] = ink
    per_window, dim = strokes.actions.shape[1:]
    flat = strokes.actions.reshape(-1, dim)
    sides, corners = np.repeat(strokes.sides, per_window), np.repeat(strokes.corners, per_window, axis=0)
    patch, origin = _patches(renderer, strokes, live)
    shapes = tuple(sorted(set(zip(sides[live].tolist(), patch[live].tolist()))))
    members = [np.flatnonzero((sides == side) & (patch == size) & live) for side, size in shapes]
    groups = []
    for (_, size), member in zip(shapes, members):
        padded = padded_count(len(member), size)
        at = np.zeros((padded, 2), int)   # the patches' top-left (y, x) in the picture
        at[:len(member)] = corners[member] + origin[member, ::-1]
        groups.append(tuple(jnp.asarray(x) for x in (
            np.concatenate([flat[member], np.zeros((padded - len(member), dim), np.float32)]),
            np.concatenate([origin[member], np.zeros((padded - len(member), 2), int)]),
            np.arange(padded) < len(member), at)))
    moved = _refined(renderer, tuple(groups), jnp.asarray(target), shapes, steps, learning_rate)
    flat = flat.copy()
    for member, group in zip(members, moved):
        flat[member] = np.asarray(group)[:len(member)]
    return dataclasses.replace(strokes, actions=flat.reshape(strokes.actions.shape))
