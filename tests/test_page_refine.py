"""Picture-wide refinement of window strokes through the renderer's twin."""

import jax
import jax.numpy as jnp
import numpy as np

from canvasdraw import load_renderer
from canvasdraw.render import Renderer, polyline_coverage, svg
from canvasdraw.vectorize.page_refine import THIN_FROM, can_refine, padded_count, refine_windows
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


def test_the_twins_hand_written_gradient_is_that_of_its_drawing():
    # The straightforward formula (the distance to the nearest of the polyline's chords), which
    # automatic differentiation differentiates, against polyline_coverage's own backward pass.
    def reference(points, half_width, size):
        centres = jnp.arange(size, dtype=jnp.float32) + 0.5
        px, py = centres[None, None, :], centres[None, :, None]
        nearest = jnp.inf
        for k in range(points.shape[1] - 1):
            ax, ay = points[:, k, 0, None, None], points[:, k, 1, None, None]
            dx, dy = points[:, k + 1, 0, None, None] - ax, points[:, k + 1, 1, None, None] - ay
            along = jnp.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy + 1e-9), 0.0, 1.0)
            nearest = jnp.minimum(nearest, (px - ax - along * dx) ** 2 + (py - ay - along * dy) ** 2)
        d, half = jnp.sqrt(nearest + 1e-12), half_width[:, None, None]
        return jnp.clip(jnp.minimum(d + 0.5, half) - jnp.maximum(d - 0.5, -half), 0.0, 1.0)

    rng = np.random.default_rng(2)
    points = jnp.asarray(rng.uniform(2, 22, (16, 9, 2)), jnp.float32)
    half = jnp.asarray(rng.uniform(0.4, 3, 16), jnp.float32)
    weights = jnp.asarray(rng.normal(size=(16, 24, 24)), jnp.float32)
    np.testing.assert_allclose(polyline_coverage(points, half, 24), reference(points, half, 24), atol=1e-5)
    ours = jax.grad(lambda p, h: jnp.sum(polyline_coverage(p, h, 24) * weights), argnums=(0, 1))(points, half)
    exact = jax.grad(lambda p, h: jnp.sum(reference(p, h, 24) * weights), argnums=(0, 1))(points, half)
    for mine, theirs in zip(ours, exact):
        assert float(jnp.abs(theirs).max()) > 1
        np.testing.assert_allclose(mine, theirs, atol=2e-3 * float(jnp.abs(theirs).max()))


def test_strokes_that_add_little_are_dropped_on_the_way_and_the_rest_still_move():
    # One 64 px window: a line drawn twice and a faint stray stroke; the picture is the line once,
    # 2 px lower. The refinement keeps one line, drops the others, and moves it.
    renderer = load_renderer("bezier_alpha")
    line = [0.2, 0.5, 0.5, 0.5, 0.8, 0.5, 0.3, 1.0]
    stray = [0.2, 0.1, 0.3, 0.1, 0.4, 0.1, 0.3, 0.2]
    strokes = Strokes(np.array([[0, 0]]), np.array([64]), np.array([[line, line, stray]], np.float32))
    lower = np.array([[line]], np.float32)
    lower[..., [1, 3, 5]] += 2 / 64
    target = render_strokes(renderer, Strokes(strokes.corners, strokes.sides, lower), 64, 64)[..., 0]
    assert THIN_FROM <= 60
    refined = refine_windows(renderer, strokes, target, 60)
    assert refined.kept is not None and refined.kept.sum() == 1 and not refined.kept[0, 2]
    kept = refined.actions[refined.kept]
    np.testing.assert_allclose(kept[0, [1, 3, 5]], 0.5 + 2 / 64, atol=0.6 / 64)
    assert refine_windows(renderer, strokes, target, THIN_FROM - 1).kept is None   # few steps: none dropped


def test_groups_of_large_patches_are_padded_to_as_many_pixels_as_the_smallest():
    assert padded_count(300, 32) == 512 and padded_count(256, 32) == 256
    assert padded_count(14, 128) == 16 and padded_count(5, 64) == 64   # not 256 strokes of 128² pixels
