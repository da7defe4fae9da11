"""Conformance kit for renderer plug-ins: test a renderer in one line, or check by check.

Example (in your plug-in's tests)::

    from canvasdraw.render.testing import check_renderer
    def test_my_renderer():
        check_renderer(MyRenderer())

`check_renderer` runs every `check_*` function below on sampled actions at a few sizes; each can
also be called alone (they take the renderer, the actions (N, D) and a size). A failure raises
AssertionError naming the renderer and what is wrong. `SquaresRenderer` is a small correct
renderer to test your own code against (e.g. code that takes any renderer).
"""

from __future__ import annotations

import pickle
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from canvasdraw.render import svg
from canvasdraw.render.contract import COMPOSITE_RULES, ActionParam, Renderer, composite
from canvasdraw.render.raster import CoverageRaster

SVG_NS = "{http://www.w3.org/2000/svg}"


def _check(condition, renderer, message):
    if not condition:
        raise AssertionError(f"renderer {getattr(renderer, 'name', renderer)!r}: {message}")


def _check_state(renderer, state, size, what):
    _check(isinstance(state, np.ndarray), renderer, f"{what} is not a numpy array")
    _check(state.shape == (size, size, renderer.channels), renderer,
           f"{what} has shape {state.shape}, expected {(size, size, renderer.channels)}")
    _check(state.dtype == np.float32, renderer, f"{what} has dtype {state.dtype}, expected float32")
    _check(np.all((state >= 0) & (state <= 1)), renderer, f"{what} has values outside [0, 1]")


def check_attributes(r: Renderer) -> None:
    """name, version, action_spec, channels, composite and box_axes are declared and well-formed."""
    _check(isinstance(r, Renderer), r, "is not a canvasdraw.render.Renderer")
    _check(isinstance(r.name, str) and r.name.isidentifier(), r, "name must be an identifier")
    _check(isinstance(r.version, int) and r.version >= 1, r, "version must be an int >= 1")
    spec = r.action_spec
    _check(isinstance(spec, tuple) and spec and all(isinstance(p, ActionParam) for p in spec), r,
           "action_spec must be a non-empty tuple of ActionParam")
    _check(len({p.name for p in spec}) == len(spec), r, "action parameter names must be unique")
    _check(isinstance(r.channels, int) and r.channels >= 1, r, "channels must be an int >= 1")
    _check(r.composite in COMPOSITE_RULES, r, f"composite must be one of {COMPOSITE_RULES}")
    names = [p.name for p in spec]
    _check(isinstance(r.box_axes, tuple) and all(isinstance(pair, tuple) and len(pair) == 2 and set(pair) <= set(names)
                                                 and pair[0] != pair[1] for pair in r.box_axes), r,
           "box_axes must be a tuple of (first, second) pairs of action parameter names")


def sample_actions(r: Renderer, count: int = 8, seed: int = 0) -> np.ndarray:
    """`count` actions from the renderer's prior, (count, D) float32, after checking that
    sample_action is deterministic for one generator state and stays in [0, 1]."""
    first = r.sample_action(np.random.default_rng(seed))
    _check(np.array_equal(first, r.sample_action(np.random.default_rng(seed))), r,
           "sample_action is not deterministic for the same generator state")
    rng = np.random.default_rng(seed)
    actions = np.stack([r.sample_action(rng) for _ in range(count)])
    _check(actions.shape == (count, r.action_dim) and actions.dtype == np.float32, r,
           f"sample_action must return ({r.action_dim},) float32")
    _check(np.all((actions >= 0) & (actions <= 1)), r, "sample_action gave values outside [0, 1]")
    return actions


def check_step(r: Renderer, actions: np.ndarray, size: int) -> None:
    """blank and step give (S, S, C) float32 states in [0, 1]; step is deterministic, modifies
    neither input, and the actions draw something."""
    blank = r.blank(size)
    _check_state(r, blank, size, f"blank({size})")
    state = blank
    for action in actions:
        before, action_before = state.copy(), action.copy()
        nxt = r.step(state, action)
        _check_state(r, nxt, size, f"step at size {size}")
        _check(np.array_equal(state, before) and np.array_equal(action, action_before), r,
               "step modified its inputs")
        _check(np.array_equal(nxt, r.step(before, action)), r, "step is not deterministic")
        state = nxt
    _check(not np.array_equal(state, blank), r, f"{len(actions)} sampled actions drew nothing")


def check_layer(r: Renderer, actions: np.ndarray, size: int) -> None:
    """For `ink`/`over` renderers: each layer is (S, S, layer_channels) float32 in [0, 1] and
    step equals composite(state, layer). `replace` renderers have no layer: nothing to check."""
    if r.composite == "replace":
        return
    state = r.blank(size)
    for action in actions:
        layer = r.layer(action, size)
        _check(layer.shape == (size, size, r.layer_channels), r,
               f"layer has shape {layer.shape}, expected {(size, size, r.layer_channels)}")
        _check(layer.dtype == np.float32, r, f"layer has dtype {layer.dtype}, expected float32")
        _check(np.all((layer >= 0) & (layer <= 1)), r, "layer has values outside [0, 1]")
        nxt = r.step(state, action)
        _check(np.allclose(nxt, composite(r.composite, state, layer), atol=1e-6), r,
               f"step differs from composite({r.composite!r}, state, layer)")
        state = nxt


def _stepped(r, actions, size, start=None):
    state = r.blank(size) if start is None else start
    for action in actions:
        state = r.step(state, action)
    return state


def check_render(r: Renderer, actions: np.ndarray, size: int) -> None:
    """render(actions) equals applying step action by action, and render(rest, start=state)
    goes on from a given state."""
    final = _stepped(r, actions, size)
    _check(np.array_equal(r.render(actions, size), final), r,
           "render(actions) differs from applying step action by action")
    half = len(actions) // 2
    middle = _stepped(r, actions[:half], size)
    _check(np.array_equal(r.render(actions[half:], size, start=middle), final), r,
           "render(actions, start=state) does not go on from state")


def check_to_rgb(r: Renderer, actions: np.ndarray, size: int) -> None:
    """to_rgb turns a state into an (S, S, 3) float32 sRGB picture in [0, 1]."""
    rgb = r.to_rgb(r.render(actions, size))
    _check(isinstance(rgb, np.ndarray) and rgb.shape == (size, size, 3), r,
           f"to_rgb gave shape {getattr(rgb, 'shape', None)}, expected {(size, size, 3)}")
    _check(rgb.dtype == np.float32, r, f"to_rgb gave dtype {rgb.dtype}, expected float32")
    _check(np.all((rgb >= 0) & (rgb <= 1)), r, "to_rgb gave values outside [0, 1]")


def check_pickling(r: Renderer, actions: np.ndarray, size: int) -> None:
    """A pickled copy (renderers run in worker processes) renders the same."""
    clone = pickle.loads(pickle.dumps(r))
    _check(np.array_equal(clone.render(actions, size), r.render(actions, size)), r,
           "a pickled copy renders differently")


def check_thread_safety(r: Renderer, actions: np.ndarray, size: int, threads: int = 4) -> None:
    """One instance rendering from several threads at once gives the single-thread pictures."""
    jobs = [actions[k:] for k in range(len(actions))] * 2
    alone = [r.render(job, size) for job in jobs]
    with ThreadPoolExecutor(threads) as pool:
        together = list(pool.map(lambda job: r.render(job, size), jobs))
    _check(all(np.array_equal(a, b) for a, b in zip(alone, together)), r,
           f"rendering from {threads} threads at once differs from rendering in one")


def check_svg_structure(r: Renderer, actions: np.ndarray, size: int) -> ET.Element:
    """to_svg is valid XML with an SVG root, viewBox "0 0 S S" and one element per action;
    returns the root."""
    try:
        root = ET.fromstring(r.to_svg(actions, size))
    except ET.ParseError as err:
        raise AssertionError(f"renderer {r.name!r}: to_svg is not valid XML: {err}") from None
    _check(root.tag == f"{SVG_NS}svg", r, "to_svg root must be <svg> in the SVG namespace")
    _check(root.get("viewBox") == f"0 0 {size} {size}", r, f'viewBox must be "0 0 {size} {size}"')
    _check(len(root) == len(actions), r, f"to_svg has {len(root)} elements for {len(actions)} actions")
    return root


def check_svg_matches_raster(r: Renderer, actions: np.ndarray, size: int, bound: float = 1e-4) -> float:
    """The SVG, rasterised by Cairo, is the raster: the mean squared difference of their soft
    values (ink, or sRGB pictures: `svg.drawn`, `svg.picture_of`) is at most `bound`. On failure
    the message names the action whose element adds most to the difference (each prefix of the
    actions is compared). Returns the difference."""
    root = check_svg_structure(r, actions, size)
    elements = [ET.tostring(e, encoding="unicode") for e in root]

    def difference_of(k):  # the first k actions
        raster = svg.picture_of(r, r.render(actions[:k], size))
        return float(np.mean((raster - svg.drawn(r, svg.document(size, elements[:k]), size)) ** 2))

    difference = difference_of(len(actions))
    if difference > bound:
        prefixes = [difference_of(k) for k in range(1, len(actions))] + [difference]
        added = np.diff([0.0] + prefixes)
        worst = int(np.argmax(added))
        values = ", ".join(f"{p.name}={v:.3f}" for p, v in zip(r.action_spec, actions[worst]))
        _check(False, r, f"SVG vs raster mean squared difference {difference:.2e} > {bound:.0e} at size {size}; "
                         f"action {worst} ({values}) adds most: {added[worst]:.2e}")
    return difference


TWIN_BOUND = 2e-3   # a twin guides refinement (the real renderer scores it): close, not exact


def check_twin(r: Renderer, actions: np.ndarray, size: int, bound: float = TWIN_BOUND) -> None:
    """For renderers with a twin (`twin_layer`): its layers have the layer's shape, stay in
    [0, 1], and their composite is within `bound` mean squared difference of `render`'s state;
    the gradient of that drawing with respect to the actions is finite and not all zero."""
    if not r.has_twin:
        return
    import jax
    import jax.numpy as jnp

    layers = np.asarray(r.twin_layer(jnp.asarray(actions), size))
    _check(layers.shape == (len(actions), size, size, r.layer_channels), r,
           f"twin_layer gave shape {layers.shape}, expected {(len(actions), size, size, r.layer_channels)}")
    _check(np.all((layers >= 0) & (layers <= 1)), r, "twin_layer has values outside [0, 1]")

    def twin_drawing(acts):
        state = jnp.asarray(r.blank(size))
        for layer in r.twin_layer(acts, size):
            state = composite(r.composite, state, layer)
        return state

    difference = float(np.mean((np.asarray(twin_drawing(jnp.asarray(actions))) - r.render(actions, size)) ** 2))
    _check(difference <= bound, r, f"twin vs render mean squared difference {difference:.2e} > {bound:.0e} at size {size}")
    gradient = np.asarray(jax.grad(lambda a: jnp.sum(twin_drawing(a)))(jnp.asarray(actions)))
    _check(np.all(np.isfinite(gradient)) and np.any(gradient != 0), r, "the twin's gradient is not finite or all zero")


def check_renderer(renderer: Renderer, sizes=(16, 37, 64), num_actions: int = 8, seed: int = 0,
                   bound: float = 1e-4) -> dict[int, float]:
    """Runs every check above on `num_actions` sampled actions at each size; returns the
    SVG-vs-raster mean squared difference per size."""
    check_attributes(renderer)
    actions = sample_actions(renderer, num_actions, seed)
    differences = {}
    for size in sizes:
        for check in (check_step, check_layer, check_render, check_to_rgb, check_pickling, check_thread_safety,
                      check_twin):
            check(renderer, actions, size)
        differences[size] = check_svg_matches_raster(renderer, actions, size, bound)
    return differences


class SquaresRenderer(Renderer):
    """A small correct renderer: filled ink squares, `ink` compositing. Action: the centre (x, y)
    and the side as fractions of the canvas (a side of 0 is 1/8 of it)."""

    name, version, channels, composite = "squares", 1, 1, "ink"
    action_spec = (ActionParam("x", "centre x"), ActionParam("y", "centre y"),
                   ActionParam("side", "side, 1/8..1/2 of the canvas"))

    def __init__(self):
        self._raster = CoverageRaster()

    @staticmethod
    def box(action, size: int) -> tuple[float, float, float, float]:
        """Pixel-space (left, top, width, height) of one square."""
        side = (1 / 8 + float(action[2]) * 3 / 8) * size
        return float(action[0]) * size - side / 2, float(action[1]) * size - side / 2, side, side

    def layer(self, action, size):
        box = self.box(action, size)
        return self._raster.draw(size, lambda ctx: (ctx.rectangle(*box), ctx.fill()))[..., None]

    def svg_element(self, action, size):
        x, y, w, h = (svg.num(v) for v in self.box(action, size))
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}"/>'
