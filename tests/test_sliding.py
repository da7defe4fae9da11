"""The sliding and hierarchical drawers: window grid, visit order and waves, equivalence with a
window-by-window visit, the re-render and the SVG, and the odd pictures (blank, small, non-square)."""

import itertools
import re

import numpy as np
import pytest
from flax import nnx

from canvasdraw import load_renderer
from canvasdraw.data.ink import MIN_INK
from canvasdraw.nets.drawer import Drawer, DrawerSpec
from canvasdraw.render import svg
from canvasdraw.vectorize.real_renderer import draw_with_renderer
from canvasdraw.vectorize.sliding import hierarchical, own_contexts, slide, visit_order, waves, window_grid
from canvasdraw.vectorize.window_strokes import Strokes, render_strokes, strokes_svg
from tests.conftest import needs_kanjivg

RENDERER = load_renderer("bezier_alpha")


@pytest.fixture(scope="module")
def drawer():
    return Drawer(DrawerSpec(16, 1, 1, RENDERER.action_dim, 3, "lstm", patch=4, widths=(8, 8), hidden=16),
                  rngs=nnx.Rngs(0))


def scribble(height, width, seed=0):
    """A picture (H, W) in [0, 1] with a few thin random lines."""
    rng = np.random.default_rng(seed)
    actions = np.concatenate([rng.random((12, 6)), np.full((12, 1), 0.05), np.ones((12, 1))], 1)  # opaque
    side = max(height, width, 16)
    return RENDERER.render(actions.astype(np.float32), side)[:height, :width, 0]


@pytest.mark.parametrize("shape, window, stride, count, padded", [
    ((512, 512), 64, 32, 225, (512, 512)), ((512, 512), 64, 64, 64, (512, 512)),
    ((100, 70), 64, 32, 6, (128, 96)), ((20, 30), 64, 32, 1, (64, 64))])
def test_the_window_grid_covers_the_picture(shape, window, stride, count, padded):
    corners, covered = window_grid(*shape, window, stride)
    assert len(corners) == count and covered == padded
    assert corners[0].tolist() == [0, 0] and (corners + window).max(axis=0).tolist() == list(padded)


def overlapping(a, b, window):
    return bool(np.all(np.abs(a - b) < window))


@pytest.mark.parametrize("order", ["raster", "flood-fill"])
def test_waves_hold_non_overlapping_windows_after_every_earlier_overlapping_one(order):
    corners, _ = window_grid(512, 512, 64, 32)
    ink = np.random.default_rng(1).random(len(corners)) * 0.1
    visit = visit_order(corners, 32, ink, order)
    assert sorted(visit) == [k for k in range(len(corners)) if ink[k] >= MIN_INK]
    groups = waves(corners, 64, 32, visit)
    wave_of = {k: w for w, group in enumerate(groups) for k in group}
    assert sorted(wave_of) == sorted(visit)
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            assert not overlapping(corners[a], corners[b], 64)
    for first, later in itertools.combinations(visit, 2):
        if overlapping(corners[first], corners[later], 64):
            assert wave_of[first] < wave_of[later]
    if order == "raster":
        assert len(waves(corners, 64, 32, list(range(225)))) == 43  # window (i, j) goes in wave 2i + j
        tiles, _ = window_grid(512, 512, 64, 64)
        assert len(waves(tiles, 64, 64, list(range(64)))) == 1  # no overlap: one batch
    else:  # breadth-first from the inkiest window: every later window touches an earlier one
        assert ink[visit[0]] == ink[visit].max()
        for i, k in enumerate(visit[1:], 1):
            near = any(np.abs(corners[k] - corners[j]).max() <= 32 for j in visit[:i])
            assert near or ink[k] == max(ink[j] for j in visit[i:])


def test_a_batched_visit_equals_visiting_the_windows_one_by_one(drawer):
    ink = scribble(40, 56)
    strokes, state = slide(drawer, RENDERER, ink)
    assert strokes.actions.shape == (len(strokes), 3, RENDERER.action_dim) and state.shape == (40, 56, 1)
    assert 12 < len(strokes) <= 24 and np.all(strokes.sides == 16)  # 4 × 6 windows, most inked
    # One window at a time, in the visit order, on a padded copy of the picture.
    corners, (h, w) = window_grid(40, 56, 16, 8)
    padded = np.zeros((h, w), np.float32)
    padded[:40, :56] = ink
    reference = RENDERER.blank(max(h, w))[:h, :w].copy()
    fractions = np.array([np.mean(padded[y:y + 16, x:x + 16] > 0.5) for y, x in corners])
    for k in visit_order(corners, 8, fractions, "raster"):
        (y, x) = corners[k]
        _, (after,) = draw_with_renderer(drawer, RENDERER, padded[None, y:y + 16, x:x + 16, None],
                                         starts=reference[None, y:y + 16, x:x + 16])
        reference[y:y + 16, x:x + 16] = after
    # Equal up to float rounding of batch 8 vs batch 1 (one grey level of anti-aliasing).
    np.testing.assert_allclose(state, reference[:40, :56], atol=1.01 / 255)
    np.testing.assert_array_equal(render_strokes(RENDERER, strokes, 40, 56), state)


def test_each_window_records_the_state_its_predecessors_left(drawer):
    ink = scribble(40, 56, seed=2)
    record = []
    strokes, _ = slide(drawer, RENDERER, ink, record=record)
    assert len(record) == len(strokes) > 4
    padded = np.zeros((48, 64), np.float32)
    padded[:40, :56] = ink
    for k, ((y, x), (hint, start)) in enumerate(zip(strokes.corners, record)):
        np.testing.assert_array_equal(hint, padded[y:y + 16, x:x + 16])
        before = Strokes(strokes.corners[:k], strokes.sides[:k], strokes.actions[:k])
        np.testing.assert_array_equal(start, render_strokes(RENDERER, before, 48, 64)[y:y + 16, x:x + 16])
    assert not record[0][1].any() and any(start.any() for _, start in record)


def test_own_contexts_keep_some_visited_windows_per_page_as_bytes(drawer):
    pages = [np.round(scribble(48, 48, seed) * 255).astype(np.uint8) for seed in (6, 7)]
    hints, starts = own_contexts(drawer, RENDERER, pages, per_page=3, seed=0)
    assert hints.shape == (6, 16, 16) and starts.shape == (6, 16, 16, 1)
    assert hints.dtype == starts.dtype == np.uint8 and hints.max() > 127
    crops = {pages[0][y:y + 16, x:x + 16].tobytes() for y in range(0, 33, 8) for x in range(0, 33, 8)}
    assert all(h.tobytes() in crops for h in hints[:3])


def test_without_overlap_windows_tile_the_picture(drawer):
    strokes, _ = slide(drawer, RENDERER, np.ones((32, 48), np.float32), overlap=False)
    assert sorted(map(tuple, strokes.corners.tolist())) == [(y, x) for y in (0, 16) for x in (0, 16, 32)]


def test_the_svg_places_each_window_in_the_picture(drawer):
    ink = scribble(48, 40, seed=3)
    strokes, state = slide(drawer, RENDERER, ink)
    text = strokes_svg(RENDERER, strokes, 48, 40)
    assert 'width="40" height="48" viewBox="0 0 40 48"' in text
    assert len(re.findall(r'<g transform="translate', text)) == len(strokes)
    alpha = svg.rasterize(text, 40, 48)[..., 3]
    assert np.mean((alpha - state[..., 0]) ** 2) < 1e-5  # overlapping windows too: the SVG is the raster


def test_a_blank_picture_gives_no_strokes_and_a_valid_svg(drawer):
    strokes, state = slide(drawer, RENDERER, np.zeros((64, 64), np.float32))
    assert len(strokes) == 0 and strokes.actions.shape == (0, 3, RENDERER.action_dim) and not state.any()
    text = strokes_svg(RENDERER, strokes, 64, 64)
    assert "<g " not in text and svg.rasterize(text, 64)[..., 3].max() == 0


def test_a_picture_smaller_than_a_window_is_one_window(drawer):
    ink = np.zeros((10, 12), np.float32)
    ink[5] = 1  # 12 inked pixels of the 16×16 window: 4.7 %
    strokes, state = slide(drawer, RENDERER, ink)
    assert len(strokes) == 1 and state.shape == (10, 12, 1)


def test_hierarchical_draws_coarse_windows_first_then_fine_ones(drawer):
    ink = scribble(64, 64, seed=5)
    strokes, state = hierarchical(drawer, RENDERER, ink)
    coarse = strokes.sides == 32
    assert coarse.any() and (strokes.sides[~coarse] == 16).all()
    assert np.flatnonzero(coarse).max() < np.flatnonzero(~coarse).min()
    assert (strokes.corners[coarse] % 16 == 0).all()
    np.testing.assert_allclose(render_strokes(RENDERER, strokes, 64, 64), state, atol=1e-6)


def test_strokes_concatenate_in_order():
    one = Strokes(np.zeros((1, 2), int), np.array([16]), np.zeros((1, 3, 8)))
    two = Strokes(np.ones((2, 2), int), np.array([32, 32]), np.ones((2, 3, 8)))
    both = Strokes.concat([one, two])
    assert len(both) == 3 and both.sides.tolist() == [16, 32, 32] and both.actions[1:].min() == 1


def test_a_fixed_action_component_cannot_change(drawer):
    spec = DrawerSpec(16, 1, 1, RENDERER.action_dim, 2, "lstm", patch=4, widths=(8, 8), hidden=16,
                      fixed=((6, 0.3),))
    actions, _ = draw_with_renderer(Drawer(spec, rngs=nnx.Rngs(0)), RENDERER, np.random.rand(2, 16, 16, 1))
    np.testing.assert_allclose(actions[..., 6], 0.3, atol=1e-6)
    assert DrawerSpec.from_dict({**spec.__dict__, "fixed": [[6, 0.3]]}) == spec


def held_out_pages(count):
    """The first `count` test pages of `scripts/prepare_drawings.py --seed 0`, as ink in [0, 1]."""
    from PIL import Image

    from canvasdraw.data.ink import ink_of
    from canvasdraw.data.pages import kanji_paths, page_svg, render_page

    characters, rng = kanji_paths("test"), np.random.default_rng([0, 1])
    return [ink_of(Image.fromarray(render_page(page_svg(rng, characters)))) / np.float32(255) for _ in range(count)]


@needs_kanjivg
def test_the_shipped_sliding_drawer_leaves_no_grid_artefacts_on_held_out_pages():
    from canvasdraw.metrics.seams import seam_l2
    from canvasdraw.store.models import load_model

    model = load_model("sliding_10lstm")
    ratios = []
    for ink in held_out_pages(3):
        strokes, state = slide(model.drawer, model.renderer, ink)
        height, width = ink.shape
        shown = svg.drawn(model.renderer, strokes_svg(model.renderer, strokes, height, width), width, height)[..., 0]
        assert np.mean((shown - state[..., 0]) ** 2) < 1e-4  # the page's SVG is its raster
        edge, inner = seam_l2(ink, shown, 32)
        ratios.append(edge / inner)
        assert np.mean((shown - ink) ** 2) < 0.035  # the target; the blank page scores ~0.06
    assert np.mean(ratios) <= 1.5, ratios


def test_the_seam_metric_picks_out_errors_on_window_edges():
    from canvasdraw.metrics.seams import seam_l2

    target = np.zeros((128, 128), np.float32)
    uniform = np.full_like(target, 0.1)
    edge, inner = seam_l2(target, uniform, 32)
    assert edge == pytest.approx(inner)
    grid_lines = np.zeros_like(target)
    grid_lines[31:33] = grid_lines[:, 63:65] = 1.0  # a horizontal and a vertical seam
    edge, inner = seam_l2(target, grid_lines, 32)
    assert edge > 0 and inner == 0


def test_hierarchical_takes_its_coarse_windows_from_the_coarse_module(drawer):
    spec = DrawerSpec(16, 1, 1, RENDERER.action_dim, 3, "lstm", patch=4, widths=(8, 8), hidden=16,
                      fixed=((6, 0.9),))
    strokes, _ = hierarchical(drawer, RENDERER, scribble(64, 64, seed=5), coarse=Drawer(spec, rngs=nnx.Rngs(1)))
    coarse = strokes.sides == 32
    assert coarse.any() and np.allclose(strokes.actions[coarse][..., 6], 0.9)
    assert not np.allclose(strokes.actions[~coarse][..., 6], 0.9)


def test_pictures_larger_than_the_renderers_largest_canvas_slide(drawer):
    ink = np.zeros((16, 1040), np.float32)
    ink[8, ::2] = 1  # a dotted line along the whole strip
    strokes, state = slide(drawer, RENDERER, ink, overlap=False)
    assert len(strokes) == 65 and state.shape == (16, 1040, 1)
    np.testing.assert_array_equal(render_strokes(RENDERER, strokes, 16, 1040), state)
