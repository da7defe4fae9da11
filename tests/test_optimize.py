"""Per-image optimisation through the frozen canvas: it lowers the canvas L2 and, with the
shipped canvas, the real renderer's L2 too."""

import jax.numpy as jnp
import numpy as np

from canvasdraw import load_renderer
from canvasdraw.nets.frozen import TwinCanvas
from canvasdraw.nets.optimize import optimize_actions
from canvasdraw.store.canvases import load_canvas


def test_optimising_actions_lowers_the_real_render_error():
    renderer, canvas = load_renderer("bezier"), load_canvas("bezier")
    rng = np.random.default_rng(0)
    truth = np.stack([[renderer.sample_action(rng) for _ in range(2)] for _ in range(4)])
    targets = np.stack([renderer.render(a, 64) for a in truth])
    start = jnp.asarray(rng.random(truth.shape), jnp.float32)
    actions, before, after = optimize_actions(canvas, targets, jnp.zeros((64, 64, 1)), start, steps=150)
    assert actions.shape == truth.shape and float(actions.min()) >= 0 and float(actions.max()) <= 1
    assert np.all(np.asarray(after) < np.asarray(before))
    real = lambda acts: np.mean([np.mean((renderer.render(a, 64) - t) ** 2) for a, t in zip(acts, targets)])
    assert real(np.asarray(actions)) < 0.6 * real(np.asarray(start))


def test_the_renderers_twin_guides_the_optimisation_closer_than_the_canvas():
    """Refinement through the analytic twin (what `vectorize --refine` uses for Bézier renderers)
    lands nearer the real drawing than the same Adam steps through the trained canvas."""
    renderer = load_renderer("bezier")
    rng = np.random.default_rng(1)
    truth = np.stack([[renderer.sample_action(rng) for _ in range(2)] for _ in range(4)])
    targets = np.stack([renderer.render(a, 64) for a in truth])
    start = jnp.asarray(np.clip(truth + rng.normal(0, 0.08, truth.shape), 0, 1), jnp.float32)
    real = lambda acts: np.mean([np.mean((renderer.render(a, 64) - t) ** 2) for a, t in zip(np.asarray(acts), targets)])
    blank = jnp.zeros((64, 64, 1))
    through_twin = optimize_actions(TwinCanvas(renderer), targets, blank, start, steps=100)[0]
    through_canvas = optimize_actions(load_canvas("bezier"), targets, blank, start, steps=100)[0]
    assert real(through_twin) < 0.5 * real(start) and real(through_twin) < real(through_canvas)


def test_actions_not_moving_stay_where_they_are():
    renderer = load_renderer("bezier")
    rng = np.random.default_rng(2)
    truth = np.stack([[renderer.sample_action(rng) for _ in range(2)] for _ in range(2)])
    targets = np.stack([renderer.render(a, 64) for a in truth])
    start = jnp.asarray(rng.random(truth.shape), jnp.float32)
    moving = jnp.asarray([[True, False], [False, False]])
    actions = np.asarray(optimize_actions(TwinCanvas(renderer), targets, jnp.zeros((64, 64, 1)), start, 20,
                                          moving=moving)[0])
    assert np.array_equal(actions[~np.asarray(moving)], np.asarray(start)[~np.asarray(moving)])
    assert not np.allclose(actions[0, 0], start[0, 0])
