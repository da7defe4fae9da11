"""Public conformance kit for renderer plug-ins: test a renderer in one line.

Example (in your plug-in's tests)::

    from canvasdraw.testing import check_renderer
    def test_my_renderer():
        check_renderer(MyRenderer())

It checks the declared attributes, shapes, dtypes and ranges; determinism; purity (inputs are
never modified); pickling (renderers run in worker processes); `render` equals step-by-step
`step`; `step` equals `composite(state, layer)`; and that `to_svg` parses, follows the SVG
convention and, rasterised by Cairo, covers the same ink as the raster (IoU >= `min_iou`).
Failures raise AssertionError naming the renderer and the check.
"""

from __future__ import annotations

import pickle
import xml.etree.ElementTree as ET

import numpy as np

from canvasdraw import svg
from canvasdraw.renderer import COMPOSITE_RULES, ActionParam, Renderer, composite

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


def _check_attributes(r):
    _check(isinstance(r, Renderer), r, "is not a canvasdraw.renderer.Renderer")
    _check(isinstance(r.name, str) and r.name.isidentifier(), r, "name must be an identifier")
    _check(isinstance(r.version, int) and r.version >= 1, r, "version must be an int >= 1")
    spec = r.action_spec
    _check(isinstance(spec, tuple) and spec and all(isinstance(p, ActionParam) for p in spec), r,
           "action_spec must be a non-empty tuple of ActionParam")
    _check(len({p.name for p in spec}) == len(spec), r, "action parameter names must be unique")
    _check(isinstance(r.channels, int) and r.channels >= 1, r, "channels must be an int >= 1")
    _check(r.composite in COMPOSITE_RULES, r, f"composite must be one of {COMPOSITE_RULES}")


def _ink_masks(renderer, actions, size, svg_text):
    """Pairs of boolean ink masks (raster, SVG) to compare, one pair per check."""
    root = ET.fromstring(svg_text)
    elements = list(root)
    pairs = []
    if renderer.composite == "replace":
        # No layer form: compare the pictures against the blank's picture.
        background = renderer.to_rgb(renderer.blank(size))
        raster = renderer.to_rgb(renderer.render(actions, size))
        rgba = svg.rasterize(svg_text, size)
        vector = background * (1 - rgba[..., 3:]) + rgba[..., :3] * rgba[..., 3:]
        pairs.append((np.abs(raster - background).max(-1) > 0.25,
                      np.abs(vector - background).max(-1) > 0.25))
        return pairs
    for action, element in zip(actions, elements):
        # Each action alone: layer coverage (alpha for "over") vs the element's rasterised alpha.
        coverage = renderer.layer(action, size)[..., -1 if renderer.composite == "over" else slice(None)]
        coverage = coverage if coverage.ndim == 2 else coverage.max(-1)
        single = svg.document(size, [ET.tostring(element, encoding="unicode")])
        alpha = svg.rasterize(single, size)[..., 3]
        peak = max(coverage.max(), 1e-6)
        pairs.append((coverage > 0.5 * peak, alpha > 0.5 * peak))
    if renderer.composite == "max":
        pairs.append((renderer.render(actions, size).max(-1) > 0.5,
                      svg.rasterize(svg_text, size)[..., 3] > 0.5))
    return pairs


def check_renderer(renderer: Renderer, sizes=(16, 37, 64), num_actions: int = 8, seed: int = 0,
                   min_iou: float = 0.97) -> dict[int, float]:
    """Runs every conformance check; returns the SVG-vs-raster ink IoU per size."""
    r = renderer
    _check_attributes(r)
    rng = np.random.default_rng(seed)
    first = r.sample_action(np.random.default_rng(seed))
    _check(np.array_equal(first, r.sample_action(np.random.default_rng(seed))), r,
           "sample_action is not deterministic for the same generator state")
    actions = np.stack([r.sample_action(rng) for _ in range(num_actions)])
    _check(actions.shape == (num_actions, r.action_dim) and actions.dtype == np.float32, r,
           f"sample_action must return ({r.action_dim},) float32")
    _check(np.all((actions >= 0) & (actions <= 1)), r, "sample_action gave values outside [0, 1]")

    ious = {}
    for size in sizes:
        blank = r.blank(size)
        _check_state(r, blank, size, f"blank({size})")
        state, states = blank, []
        for i, action in enumerate(actions):
            before, action_before = state.copy(), action.copy()
            nxt = r.step(state, action)
            _check_state(r, nxt, size, f"step at size {size}")
            _check(np.array_equal(state, before) and np.array_equal(action, action_before), r,
                   "step modified its inputs")
            _check(np.array_equal(nxt, r.step(before, action)), r, "step is not deterministic")
            if r.composite != "replace":
                layer = r.layer(action, size)
                _check(layer.shape == (size, size, r.layer_channels), r,
                       f"layer has shape {layer.shape}, expected {(size, size, r.layer_channels)}")
                _check(np.allclose(nxt, composite(r.composite, state, layer), atol=1e-6), r,
                       f"step differs from composite({r.composite!r}, state, layer)")
            state = nxt
            states.append(state)
        _check(not np.array_equal(states[-1], blank), r, f"{num_actions} sampled actions drew nothing")
        _check(np.array_equal(r.render(actions, size), states[-1]), r,
               "render(actions) differs from applying step action by action")
        clone = pickle.loads(pickle.dumps(r))
        _check(np.array_equal(clone.render(actions, size), states[-1]), r,
               "a pickled copy renders differently")

        svg_text = r.to_svg(actions, size)
        try:
            root = ET.fromstring(svg_text)
        except ET.ParseError as err:
            raise AssertionError(f"renderer {r.name!r}: to_svg is not valid XML: {err}") from None
        _check(root.tag == f"{SVG_NS}svg", r, "to_svg root must be <svg> in the SVG namespace")
        _check(root.get("viewBox") == f"0 0 {size} {size}", r, f'viewBox must be "0 0 {size} {size}"')
        _check(len(root) == num_actions, r, f"to_svg has {len(root)} elements for {num_actions} actions")
        inter = union = 0
        for raster_ink, svg_ink in _ink_masks(r, actions, size, svg_text):
            inter += np.sum(raster_ink & svg_ink)
            union += np.sum(raster_ink | svg_ink)
        ious[size] = float(inter / max(union, 1))
        _check(ious[size] >= min_iou, r, f"SVG vs raster ink IoU {ious[size]:.3f} < {min_iou} at size {size}")
    return ious
