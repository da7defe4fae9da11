"""Per-image optimisation through the frozen canvas: it lowers the canvas L2 and, with the
shipped canvas, the real renderer's L2 too."""

import jax.numpy as jnp
import numpy as np

from canvasdraw import load_renderer
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
