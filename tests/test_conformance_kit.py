"""The conformance kit: each check passes a correct renderer and fails a renderer broken in the
one way it looks for, naming what is wrong."""

import time

import jax
import numpy as np
import pytest

from canvasdraw.render import svg
from canvasdraw.render.testing import (
    SquaresRenderer,
    check_attributes,
    check_layer,
    check_pickling,
    check_render,
    check_renderer,
    check_step,
    check_svg_matches_raster,
    check_svg_structure,
    check_thread_safety,
    check_to_rgb,
    check_twin,
    sample_actions,
)
from renderers.bezier import AlphaBezierRenderer, twin_coverage


class Fill(SquaresRenderer):
    """A correct `replace` renderer: each action paints the whole canvas one grey level."""

    name, composite = "fill", "replace"

    def step(self, state, action):
        return np.full_like(state, round(float(action[0]) * 255) / 255)

    def svg_element(self, action, size):
        level = round(float(action[0]) * 255)
        return f'<rect width="{size}" height="{size}" fill="#{level:02x}{level:02x}{level:02x}"/>'


ACTIONS = sample_actions(SquaresRenderer(), 6)


@pytest.mark.parametrize("renderer", [SquaresRenderer(), Fill()], ids=["ink", "replace"])
def test_correct_renderers_pass_every_check(renderer):
    differences = check_renderer(renderer, sizes=(16, 37))
    assert set(differences) == {16, 37} and max(differences.values()) < 1e-5


def test_a_replace_renderer_has_no_layer_to_check():
    check_layer(Fill(), ACTIONS, 16)  # must not ask a `replace` renderer for layers


class NoVersion(SquaresRenderer):
    version = 0


class GlobalRandom(SquaresRenderer):
    def sample_action(self, rng):
        return np.random.random(3).astype(np.float32)


class TooFar(SquaresRenderer):
    def sample_action(self, rng):
        return rng.random(3, dtype=np.float32) + 1


class BadBox(SquaresRenderer):
    box_axes = (("x", "w"),)    # there is no parameter w


def test_attribute_and_prior_checks_fail_with_the_reason():
    with pytest.raises(AssertionError, match="'squares': version must be an int >= 1"):
        check_attributes(NoVersion())
    with pytest.raises(AssertionError, match="box_axes must be a tuple of"):
        check_attributes(BadBox())
    with pytest.raises(AssertionError, match="sample_action is not deterministic"):
        sample_actions(GlobalRandom())
    with pytest.raises(AssertionError, match="sample_action gave values outside"):
        sample_actions(TooFar())


class Impure(SquaresRenderer):
    def step(self, state, action):
        state[0, 0, 0] = 1.0
        return super().step(state, action)


class Float64(SquaresRenderer):
    def step(self, state, action):
        return super().step(state, action).astype(np.float64)


class Invisible(SquaresRenderer):
    def layer(self, action, size):
        return np.zeros((size, size, 1), np.float32)


@pytest.mark.parametrize("renderer, message", [(Impure(), "step modified its inputs"),
                                               (Float64(), "dtype float64, expected float32"),
                                               (Invisible(), "sampled actions drew nothing")])
def test_step_check_fails_with_the_reason(renderer, message):
    with pytest.raises(AssertionError, match=message):
        check_step(renderer, ACTIONS, 16)


class Overbright(SquaresRenderer):
    def layer(self, action, size):
        return super().layer(action, size) * 2


class StepNotComposite(SquaresRenderer):
    def step(self, state, action):
        return np.clip(super().step(state, action) + 0.1, 0, 1)


def test_layer_check_fails_on_values_outside_the_range_and_on_a_step_that_is_not_the_composite():
    with pytest.raises(AssertionError, match="layer has values outside"):
        check_layer(Overbright(), ACTIONS, 16)
    with pytest.raises(AssertionError, match="step differs from composite"):
        check_layer(StepNotComposite(), ACTIONS, 16)


class IgnoresStart(SquaresRenderer):
    def render(self, actions, size, start=None):
        return super().render(actions, size)


def test_render_check_fails_when_render_ignores_its_start():
    with pytest.raises(AssertionError, match="does not go on from state"):
        check_render(IgnoresStart(), ACTIONS, 16)


class NarrowRGB(SquaresRenderer):
    def to_rgb(self, state):
        return state


def test_to_rgb_check_fails_on_a_one_channel_picture():
    with pytest.raises(AssertionError, match=r"to_rgb gave shape \(16, 16, 1\)"):
        check_to_rgb(NarrowRGB(), ACTIONS, 16)


class ForgetsScale(SquaresRenderer):
    """Its scale survives in this instance but not in a pickled copy."""

    def __init__(self):
        super().__init__()
        self.scale = 0.5

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.__init__()
        self.scale = 1.0

    def layer(self, action, size):
        return super().layer(action, size) * self.scale


def test_pickling_check_fails_when_a_copy_draws_differently():
    with pytest.raises(AssertionError, match="a pickled copy renders differently"):
        check_pickling(ForgetsScale(), ACTIONS, 16)


class SharedBuffer(SquaresRenderer):
    """Draws through one buffer shared by every thread, without a lock."""

    def __init__(self):
        super().__init__()
        self.buffer = None

    def __getstate__(self):
        return {}

    def layer(self, action, size):
        self.buffer = super().layer(action, size)
        time.sleep(0.002)  # another thread overwrites the buffer meanwhile
        return self.buffer.copy()


def test_thread_safety_check_fails_on_a_shared_buffer():
    with pytest.raises(AssertionError, match="from 4 threads at once differs"):
        check_thread_safety(SharedBuffer(), ACTIONS, 16)


class WrongViewBox(SquaresRenderer):
    def to_svg(self, actions, size):
        return super().to_svg(actions, size).replace(f'viewBox="0 0 {size} {size}"', 'viewBox="0 0 1 1"')


class ExtraElement(SquaresRenderer):
    def to_svg(self, actions, size):
        return svg.document(size, [self.svg_element(a, size) for a in actions] + ["<rect/>"])


def test_svg_structure_check_fails_on_the_frame_and_on_the_element_count():
    with pytest.raises(AssertionError, match='viewBox must be "0 0 16 16"'):
        check_svg_structure(WrongViewBox(), ACTIONS, 16)
    with pytest.raises(AssertionError, match="7 elements for 6 actions"):
        check_svg_structure(ExtraElement(), ACTIONS, 16)


class ShiftedSvg(SquaresRenderer):
    def svg_element(self, action, size):
        x, y, w, h = self.box(action, size)
        return f'<rect x="{svg.num(x + w / 2)}" y="{svg.num(y)}" width="{svg.num(w)}" height="{svg.num(h)}"/>'


class BlackFill(Fill):
    def svg_element(self, action, size):
        return f'<rect width="{size}" height="{size}" fill="#000000"/>'


@pytest.mark.parametrize("renderer", [ShiftedSvg(), BlackFill()], ids=["ink", "replace"])
def test_svg_match_check_fails_when_the_svg_draws_elsewhere(renderer):
    actions = np.full((6, 3), 0.8, np.float32)  # light squares / a light grey page
    with pytest.raises(AssertionError, match="SVG vs raster mean squared difference"):
        check_svg_matches_raster(renderer, actions, 32)


class StackedOpacity(SquaresRenderer):
    """Squares whose raster is half ink on the rim and full ink inside (0.5 + 0.5), written as two
    stacked translucent copies at opacity 0.5 (the pattern of the retired `bezier_soft`). SVG
    paints the inner copy *over* the outer one: 0.5 + 0.5·(1 − 0.5) = 0.75 inside, not 1."""

    def layer(self, action, size):
        x, y, w, h = self.box(action, size)
        rim = self._raster.draw(size, lambda ctx: (ctx.rectangle(x, y, w, h), ctx.fill()))
        core = self._raster.draw(size, lambda ctx: (ctx.rectangle(x + 2, y + 2, w - 4, h - 4), ctx.fill()))
        return (0.5 * rim + 0.5 * core)[..., None]

    def svg_element(self, action, size):
        x, y, w, h = self.box(action, size)
        return (f'<g><rect x="{x}" y="{y}" width="{w}" height="{h}" opacity="0.5"/>'
                f'<rect x="{x + 2}" y="{y + 2}" width="{w - 4}" height="{h - 4}" opacity="0.5"/></g>')


def test_svg_match_check_fails_a_stacked_opacity_svg_and_names_the_action_that_adds_most():
    actions = np.array([[0.2, 0.2, 0.1], [0.6, 0.6, 0.9], [0.3, 0.8, 0.3]], np.float32)  # action 1 is the largest
    with pytest.raises(AssertionError, match=r"action 1 \(x=0.600, y=0.600, side=0.900\) adds most"):
        check_svg_matches_raster(StackedOpacity(), actions, 32)


class FullOpacityTwin(AlphaBezierRenderer):
    """A twin that forgets the strokes' opacity."""

    def twin_layer(self, actions, size):
        return twin_coverage(actions, size)[..., None]


class FrozenTwin(AlphaBezierRenderer):
    """A twin that draws right but passes no gradient back to the actions."""

    def twin_layer(self, actions, size):
        return jax.lax.stop_gradient(super().twin_layer(actions, size))


def test_twin_check_passes_the_bezier_twin_and_fails_a_wrong_or_frozen_one():
    actions = sample_actions(AlphaBezierRenderer(), 8)
    actions[:, 7] = np.linspace(0.1, 0.5, 8)   # faint strokes: forgetting the opacity shows
    check_twin(AlphaBezierRenderer(), actions, 64)
    check_twin(SquaresRenderer(), ACTIONS, 16)    # no twin: nothing to check
    with pytest.raises(AssertionError, match="twin vs render mean squared difference"):
        check_twin(FullOpacityTwin(), actions, 64)
    with pytest.raises(AssertionError, match="gradient is not finite or all zero"):
        check_twin(FrozenTwin(), actions, 64)
