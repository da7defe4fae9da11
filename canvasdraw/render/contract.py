"""The renderer contract: the plug-in point of canvasdraw (paper §3.2, R(x_n, y_n) -> x_n+1).

A renderer is a small, deterministic, picklable class, NumPy in and out. States are float32
arrays of shape (S, S, channels) with values in [0, 1]; actions are float32 vectors of shape
(D,) with every parameter in [0, 1], D = len(action_spec). Renderers are size-independent:
the size S is read off the state (16 <= S <= 1024).

Most renderers draw one action as a *layer* that is merged into the state by a fixed rule
(`composite`); they implement `layer` and inherit `step`. Renderers whose next state cannot be
written that way set ``composite = "replace"`` and override `step` instead. Every renderer writes
each action as one SVG element (`svg_element`, or the whole document with `to_svg`).

Example (a complete third-party renderer; see README "Write your own renderer")::

    class Dots(Renderer):
        name, version, channels, composite = "dots", 1, 1, "ink"
        action_spec = (ActionParam("x", "centre x"), ActionParam("y", "centre y"))
        def layer(self, action, size):
            ...  # (size, size, 1) coverage in [0, 1]
        def svg_element(self, action, size):
            ...  # one SVG element per action, e.g. '<circle cx=".." cy=".." r=".."/>'
"""

from __future__ import annotations

import abc
import dataclasses
from typing import ClassVar, Literal

import jax
import numpy as np

from canvasdraw.errors import UserError
from canvasdraw.render import svg

MIN_SIZE, MAX_SIZE = 16, 1024
CompositeRule = Literal["ink", "over", "replace"]
COMPOSITE_RULES = ("ink", "over", "replace")


class ActionError(UserError):
    """An action row is malformed (wrong width, outside [0, 1], NaN or inf)."""


@dataclasses.dataclass(frozen=True)
class ActionParam:
    """One action parameter: its short name and what it means. Values always lie in [0, 1]."""

    name: str
    doc: str


def check_size(size: int) -> int:
    """Returns `size` if it is an int in [16, 1024], else raises UserError."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise UserError(f"size must be an integer, got {size!r}")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise UserError(f"size must be between {MIN_SIZE} and {MAX_SIZE} px, got {size}")
    return int(size)


def composite(rule: str, state, layer):
    """Merges one action's layer into a state; NumPy or jax.numpy arrays (arithmetic only).

    ink:  state (..., C), layer (..., C) of ink opacities a -> state + a * (1 - state): ink of
          value 1 painted *over* the state, which is how SVG composites a black element of
          opacity a over earlier ones (the state holds ink = the SVG's alpha). One-channel renderers.
    over: state (..., C), layer (..., C+1) whose last channel is alpha ->
          state * (1 - alpha) + colour * alpha (paper appendix; SVG's rule when C holds sRGB).
    (The paper's pixelwise `max` for strokes is not offered: no SVG renderer can draw it where
    layers overlap.)
    """
    if rule == "ink":
        return state + layer * (1 - state)
    if rule == "over":
        alpha = layer[..., -1:]
        return state * (1 - alpha) + layer[..., :-1] * alpha
    raise ValueError(f"composite rule {rule!r} has no layer form")


class Renderer(abc.ABC):
    """Base class of every renderer. Subclasses set the class attributes below."""

    name: ClassVar[str]
    version: ClassVar[int]  # bump whenever the pixels for the same action change
    action_spec: ClassVar[tuple[ActionParam, ...]]
    channels: ClassVar[int]
    composite: ClassVar[CompositeRule]
    # Renderers whose action is an axis-aligned box: per axis, the names of its two corner
    # parameters (in either order), e.g. (("x0", "x1"), ("y0", "y1")). Optional; it lets a drawer
    # config penalise boxes that overlap (`overlap`), as rooms or solid objects never do.
    box_axes: ClassVar[tuple[tuple[str, str], ...]] = ()

    @property
    def action_dim(self) -> int:
        return len(self.action_spec)

    @property
    def layer_channels(self) -> int:
        """Channels of `layer`'s output: C for "ink", C + 1 (alpha last) for "over"."""
        return self.channels + (self.composite == "over")

    def blank(self, size: int) -> np.ndarray:
        """x_0: the empty state, (size, size, channels) float32. Default: all zeros (black)."""
        return np.zeros((check_size(size), check_size(size), self.channels), np.float32)

    def sample_action(self, rng: np.random.Generator) -> np.ndarray:
        """One action from the prior used for rollouts, (D,) float32. Default: uniform."""
        return rng.random(self.action_dim, dtype=np.float32)

    def layer(self, action: np.ndarray, size: int) -> np.ndarray:
        """One action drawn alone, (size, size, layer_channels) float32 in [0, 1]."""
        raise NotImplementedError(f"renderer {self.name!r} has no layer form")

    def twin_layer(self, actions, size: int):
        """Optional: a differentiable twin of `layer` in jax.numpy, for a batch of actions (B, D)
        -> (B, size, size, layer_channels) in [0, 1], close to `layer` (the kit bounds the
        difference of their drawings: `testing.check_twin`). Per-image refinement (`vectorize --refine`) moves actions
        through it instead of through the trained canvas: the canvas only imitates the renderer,
        and a refinement steered by its errors lands beside the drawing it aims at."""
        raise NotImplementedError(f"renderer {self.name!r} has no twin")

    def twin_patch(self, actions, size: int, origins, extent: int):
        """The twin's drawing at `size` seen through one extent×extent patch per action: actions
        (B, D), origins (B, 2) int, each patch's top-left pixel (x, y) -> (B, extent, extent,
        layer_channels). Picture-wide refinement draws each stroke on a patch around it
        (canvasdraw.vectorize.page_refine). Default: cut from `twin_layer`; a twin that can draw
        the patch alone (fewer pixels, faster) overrides it."""
        layers = self.twin_layer(actions, size)
        return jax.vmap(lambda layer, origin: jax.lax.dynamic_slice(
            layer, (origin[1], origin[0], 0), (extent, extent, layer.shape[-1])))(layers, origins)

    @property
    def has_twin(self) -> bool:
        return type(self).twin_layer is not Renderer.twin_layer

    def step(self, state: np.ndarray, action: np.ndarray) -> np.ndarray:
        """R(x_n, y_n): the next state; never modifies `state`."""
        return composite(self.composite, state, self.layer(action, state.shape[0]))

    def render(self, actions: np.ndarray, size: int, start: np.ndarray | None = None) -> np.ndarray:
        """Draws actions (N, D) in order on `start` (S, S, C; default blank(size)); returns the
        final state (S, S, C)."""
        state = self.blank(size) if start is None else start
        for action in np.asarray(actions, np.float32).reshape(-1, self.action_dim):
            state = self.step(state, action)
        return state

    def to_rgb(self, state: np.ndarray) -> np.ndarray:
        """A state as an sRGB picture, (S, S, 3) float32 in [0, 1]. Default: grey or RGB."""
        if state.shape[-1] == 1:
            return np.repeat(state, 3, axis=-1)
        if state.shape[-1] == 3:
            return state
        raise NotImplementedError(f"renderer {self.name!r} must define to_rgb")

    def svg_element(self, action: np.ndarray, size: int) -> str:
        """One action (D,) as one SVG element (text), in the pixels of an S×S canvas."""
        raise NotImplementedError(f"renderer {self.name!r} must define svg_element or to_svg")

    def to_svg(self, actions: np.ndarray, size: int) -> str:
        """Actions (N, D) as an SVG document: transparent background, viewBox "0 0 S S", one
        element per action in action order, geometry equal to `render`'s raster. Default: the
        `svg_element` of each action in `svg.document`."""
        return svg.document(size, [self.svg_element(a, size) for a in np.asarray(actions).reshape(-1, self.action_dim)])

    def __repr__(self) -> str:
        return f"<renderer {self.name} v{self.version}>"


def validate_actions(renderer: Renderer, rows) -> np.ndarray:
    """Checks user-supplied action rows and returns them as (N, D) float32.

    Raises ActionError naming the first bad row (0-based): wrong width, non-number, NaN/inf,
    or a value outside [0, 1].
    """
    if not isinstance(rows, (list, tuple, np.ndarray)):
        raise ActionError("actions must be a list of rows (lists of numbers)")
    dim, names = renderer.action_dim, ", ".join(p.name for p in renderer.action_spec)
    out = np.empty((len(rows), dim), np.float32)
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple, np.ndarray)) or len(row) != dim:
            width = len(row) if isinstance(row, (list, tuple, np.ndarray)) else "not a list"
            raise ActionError(f"row {i}: expected {dim} values ({names}), got {width}")
        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise ActionError(f"row {i}: {renderer.action_spec[j].name} is not a number: {value!r}")
            if not np.isfinite(value):
                raise ActionError(f"row {i}: {renderer.action_spec[j].name} is {value}")
            if not 0.0 <= value <= 1.0:
                raise ActionError(f"row {i}: {renderer.action_spec[j].name}={value} is outside [0, 1]")
        out[i] = row
    return out


def render_batch(renderer: Renderer, actions: np.ndarray, size: int, starts: np.ndarray | None = None,
                 map=map) -> np.ndarray:
    """The real drawings of B action sequences (B, N, D) -> (B, S, S, C), each from the blank or
    from its start in `starts` (B, S, S, C); `map` runs the per-sequence renders (e.g. a thread
    pool's map)."""
    starts = [None] * len(actions) if starts is None else list(starts)
    drawn = list(map(renderer.render, list(actions), [size] * len(actions), starts))
    return np.stack(drawn) if drawn else np.zeros((0, size, size, renderer.channels), np.float32)
