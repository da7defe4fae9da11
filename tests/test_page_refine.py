"""Picture-wide refinement of window strokes through the renderer's twin."""

import jax.numpy as jnp
import numpy as np

from canvasdraw import load_renderer
from canvasdraw.render import Renderer, svg
from canvasdraw.vectorize.page_refine import can_refine, refine_windows
from canvasdraw.vectorize.window_strokes import Strokes, render_strokes, strokes_svg


def test_refining_moves_every_windows_strokes_towards_the_picture():
    # A 32 px and a 16 px window (the hierarchical drawer mixes sides) of a 48×32 picture; the
    # target: their strokes moved 3 px right and down, so nothing but a move draws it exactly.
    rng = np.random.default_rng(0)
    actions = np.concatenate([rng.uniform(0.25, 0.6, (2, 3, 6)), np.full((2, 3, 1), 0.2), np.full((2, 3, 1), 0.9)],
                             -1).astype(np.float32)
    renderer, corners, sides = load_renderer("bezier_alpha"), np.array([[0, 0], [8, 30]]), np.array([32, 16])
    shifted = actions.copy()
    shifted[..., :6] += 3 / sides[:, None, None]
    target = render_strokes(renderer, Strokes(corners, sides, shifted), 32, 48)[..., 0]
    strokes = Strokes(corners, sides, actions)
    refined = refine_windows(renderer, strokes, target, 60)
    error = lambda s: np.mean((svg.drawn(renderer, strokes_svg(renderer, s, 32, 48), 48, 32)[..., 0] - target) ** 2)  # noqa: E731
    assert error(refined) < 0.5 * error(strokes)
    assert refined.actions.shape == strokes.actions.shape and (refined.actions >= 0).all() and (refined.actions <= 1).all()
    assert (np.abs(refined.actions - strokes.actions).max(axis=(1, 2)) > 0.01).all()   # both windows moved
    np.testing.assert_array_equal(refined.corners, strokes.corners)
    assert refine_windows(renderer, strokes, target, 0) is strokes


def test_a_patch_of_the_twin_is_the_same_pixels_of_its_whole_drawing():
    renderer = load_renderer("bezier_alpha")
    actions = jnp.asarray(np.random.default_rng(1).random((4, 8), np.float32))
    origins = jnp.asarray([[0, 0], [10, 20], [48, 48], [5, 40]])
    whole = np.asarray(renderer.twin_layer(actions, 64))
    patches = np.asarray(renderer.twin_patch(actions, 64, origins, 16))
    default = np.asarray(Renderer.twin_patch(renderer, actions, 64, origins, 16))  # the contract's crop
    for k, (x, y) in enumerate(np.asarray(origins)):
        np.testing.assert_allclose(patches[k], whole[k, y:y + 16, x:x + 16], atol=1e-6)
        np.testing.assert_allclose(default[k], whole[k, y:y + 16, x:x + 16], atol=1e-6)


def test_only_ink_renderers_with_a_twin_can_be_refined_window_by_window():
    assert can_refine(load_renderer("bezier_alpha")) and can_refine(load_renderer("bezier"))
    assert not can_refine(load_renderer("bezier_color")) and not can_refine(load_renderer("rectangles"))
