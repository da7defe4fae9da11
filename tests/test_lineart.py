"""Line art: generated pen drawings, the pen-width choice of `vectorize` without a model, strokes
that draw nothing, and the peer benchmark's SVG measures."""

import dataclasses
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.data.pen import WIDTHS, pen_drawing, pen_set
from canvasdraw.data.sources import load_images
from canvasdraw.render import svg
from canvasdraw.vectorize.choice import (
    CENTRELINE_REFINE,
    REFINE,
    ROUGH,
    SINGLE_MODEL,
    SLIDING_MODEL,
    WIDEST,
    choose,
    pen_width,
    scaled,
)
from canvasdraw.vectorize.economy import coverages_of, helpful_strokes, visible, visible_strokes, written_strokes
from canvasdraw.vectorize.window_strokes import Strokes, render_strokes

ROOT = Path(__file__).resolve().parents[1]


def _bench_peers():
    spec = importlib.util.spec_from_file_location("bench_peers", ROOT / "scripts" / "bench_peers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pen_drawings_are_deterministic_held_out_by_seed_and_inked():
    train, widths = pen_set(8, "train", 64)
    again, _ = pen_set(8, "train", 64)
    test, _ = pen_set(8, "test", 64)
    assert train.shape == (8, 64, 64) and train.dtype == np.uint8 and np.array_equal(train, again)
    assert not np.array_equal(train, test)
    assert np.all((widths >= WIDTHS[0]) & (widths <= WIDTHS[1]))
    assert all(0.005 < np.mean(image > 127) < 0.6 for image in train)  # line art: some ink, mostly paper
    source = load_images("pen:40", 32, "test")
    assert source.hints.shape == (16, 32, 32, 1) and source.targets is None


def test_pen_width_is_measured_within_fifteen_percent_at_any_size():
    for size in (64, 256):
        ratios = [pen_width(image) / width for image, width in (pen_drawing(seed, size) for seed in range(40))]
        assert 0.9 < np.median(ratios) < 1.15, size
    assert pen_width(np.zeros((32, 32), np.uint8)) is None


def _line_picture(side: int, pen: int) -> np.ndarray:
    image = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(image)
    for k in range(1, 4):
        draw.line([(side * k // 4, side // 8), (side * k // 4, side * 7 // 8)], fill=255, width=pen)
    return np.asarray(image)


def test_choice_draws_small_pictures_in_one_window_and_thin_pens_along_their_centrelines():
    small = choose(_line_picture(28, 2))
    assert (small.model, small.drawer, small.refine, small.passes) == (SINGLE_MODEL, "single", 100, 4)
    assert small.pen_px == 2
    large = choose(_line_picture(512, 2))
    assert (large.model, large.drawer, large.refine, large.passes) == (SLIDING_MODEL, "centrelines",
                                                                      CENTRELINE_REFINE, 1)
    assert large.scale == 1.0 and "thinner" in large.reason   # thin lines: at their own size
    thick = choose(_line_picture(1024, 16))  # a thick pen on a large page: drawn smaller, its pen WIDEST px
    assert thick.drawer == "centrelines" and thick.scale == pytest.approx(WIDEST / 16)
    assert scaled(_line_picture(1024, 16), thick.scale).shape == (512, 512)
    assert choose(np.zeros((40, 40), np.uint8)).pen_px is None


def test_a_picture_mixing_thin_and_thick_pens_is_not_shrunk_below_its_thin_lines():
    image = Image.new("L", (1024, 1024), 0)
    draw = ImageDraw.Draw(image)
    for k in range(1, 8):   # thick lines are the most ink, a few thin ones beside them
        draw.line([(128 * k, 80), (128 * k, 940)], fill=255, width=12 if k % 3 else 2)
    mixed = choose(np.asarray(image))
    assert mixed.drawer == "centrelines" and mixed.pen_px > WIDEST and mixed.scale == 1.0
    assert choose(_line_picture(1024, 12)).scale == pytest.approx(WIDEST / 12, rel=0.1)   # one thick pen: shrunk


def test_strokes_that_draw_nothing_are_dropped_in_drawing_order():
    renderer = load_renderer("bezier_alpha")
    stroke = np.array([0.2, 0.2, 0.5, 0.5, 0.8, 0.3, 0.6, 1.0], np.float32)
    thin, faint = stroke.copy(), stroke.copy()
    thin[6], faint[7] = 0.05, 0.0   # a thin stroke that the wide one covers; opacity 0
    other = np.array([0.1, 0.9, 0.5, 0.6, 0.9, 0.9, 0.3, 1.0], np.float32)
    actions = np.stack([thin, faint, stroke, other])
    kept = visible_strokes(coverages_of(renderer, actions, 64))
    assert kept.tolist() == [False, False, True, True]
    hidden = np.stack([stroke, stroke])  # two opaque copies: one stays (its soft edge alone may keep both)
    assert visible_strokes(coverages_of(renderer, hidden, 64)).sum() >= 1
    before = renderer.render(actions, 64)
    after = renderer.render(actions[kept], 64)
    assert np.mean(np.abs(before - after) > 0.1) < 2 / 64 ** 2
    # a window running past the picture's edge: a stroke wholly outside it draws nothing there
    corners = np.array([[0, 0], [32, 32]])
    kept = visible_strokes(coverages_of(renderer, np.stack([stroke, other]), 64), corners, (64, 64))
    assert kept.tolist() == [True, False]
    # the same through the windows' economy, which cuts each coverage to its ink's box first: a
    # box starting below the picture must not count the picture's pixels from the far end
    windows = Strokes(corners, np.array([64, 64]), np.stack([stroke, other])[:, None])
    assert written_strokes(renderer, windows, (64, 64)).kept[:, 0].tolist() == [True, False]


def test_vectorize_without_a_model_chooses_by_pen_and_says_why(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    Image.fromarray(255 - _line_picture(48, 3)).save(inputs / "small.png")
    Image.fromarray(255 - _line_picture(320, 2)).save(inputs / "large.png")
    assert main(["vectorize", str(inputs), "-o", str(tmp_path / "out"), "--refine", "5"]) == 0
    small = json.loads((tmp_path / "out" / "small.json").read_text())
    large = json.loads((tmp_path / "out" / "large.json").read_text())
    assert small["model"] == SINGLE_MODEL and small["choice"]["drawer"] == "single" and small["refine_steps"] == 5
    assert len(small["actions"]) + small["strokes_not_written"] == 20 * small["passes"] <= 80
    assert small["l2"] < 0.5 * small["blank_l2"]
    assert large["model"] == SLIDING_MODEL and large["choice"]["scale"] == 1.0 and large["refine_steps"] == 5
    # hard-edged lines with square ends: the centreline drawing leaves > ROUGH of the blank's error, so the
    # sliding drawer draws them too and the closer drawing is kept
    tried = large["choice"]["tried"]
    assert set(tried) == {"centrelines", "sliding"} and tried["centrelines"] > ROUGH * large["blank_l2"]
    assert large["drawer"] == min(tried, key=tried.get) and large["l2"] == pytest.approx(tried[large["drawer"]], abs=1e-6)
    text = (tmp_path / "out" / "large.svg").read_text()
    assert 'width="320" height="320"' in text and 'viewBox="0 0 320 320"' in text
    drawn = svg.rasterize(text, 320)[..., 3]
    assert np.mean((drawn - _line_picture(320, 2) / 255) ** 2) < large["blank_l2"]
    assert main(["vectorize", str(inputs), "-o", str(tmp_path / "x"), "--drawer", "sliding"]) == 2


def test_peer_benchmark_counts_path_segments_and_undoes_translates():
    bench = _bench_peers()
    count, points = bench.path_segments('<path d="M0 0 L1 1 2 2 c1 1 2 2 3 3 Z" transform="translate(10,20)"/>'
                                        '<path d="M5 5 h3 v4"/>')
    assert count == 5 and points[0] == (10, 20) and points[3] == (15, 25) and points[-1] == (8, 9)
    flipped = bench.potrace_points('<g transform="translate(0.000000,64.000000) scale(0.100000,-0.100000)">',
                                   [(100, 100)])
    assert flipped == [(pytest.approx(10), pytest.approx(54))]
    ink = np.zeros((16, 16), np.uint8)
    ink[7:10, 2:14] = 255  # a 3 px horizontal bar: its skeleton is row 8
    assert bench.centreline_px(ink, [(5.5, 8.5), (9.5, 8.5)]) == 0
    assert bench.centreline_px(ink, [(5.5, 10.5)]) == 2
    white = bench.drawn_ink(b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', 8, 8)
    tiles = np.arange(4 * 9).reshape(4, 3, 3)
    laid = bench.mosaic(tiles, across=2)
    assert laid.shape == (6, 6) and (laid[:3, 3:] == tiles[1]).all() and (laid[3:, :3] == tiles[2]).all()
    assert white.shape == (8, 8) and white.max() == 0


def test_a_stroke_off_the_ink_is_dropped_from_a_drawing_of_its_own_target():
    renderer = load_renderer("bezier_alpha")
    on = np.array([0.2, 0.5, 0.5, 0.5, 0.8, 0.5, 0.3, 1.0], np.float32)
    off = np.array([0.2, 0.1, 0.5, 0.1, 0.8, 0.1, 0.3, 0.3], np.float32)   # faint, where the target has no ink
    actions = np.stack([off, on])
    target = renderer.render(on[None], 64)[..., 0]
    coverages = coverages_of(renderer, actions, 64)
    assert visible_strokes(coverages).tolist() == [True, True]   # both draw something
    assert helpful_strokes(coverages, target).tolist() == [False, True]
    assert visible(renderer, actions, 64, target).tolist() == [False, True]
    assert helpful_strokes(coverages_of(renderer, on[None], 64), np.zeros((64, 64))).tolist() == [False]



def test_window_strokes_that_repeat_a_neighbour_or_save_too_little_are_not_written():
    renderer = load_renderer("bezier_alpha")
    # Two 64 px windows of a 64×96 picture, the second 32 px right of the first. Window 0 draws a
    # line and a stroke of no ink; window 1 draws the same line's pixels again and a short dash.
    line_0 = [0.55, 0.5, 0.725, 0.5, 0.9, 0.5, 0.3, 1.0]
    line_1 = [0.05, 0.5, 0.225, 0.5, 0.4, 0.5, 0.3, 1.0]
    none, dash = [0.5, 0.5, 0.6, 0.6, 0.7, 0.7, 0.3, 0.0], [0.45, 0.2, 0.5, 0.2, 0.55, 0.2, 0.3, 1.0]
    strokes = Strokes(np.array([[0, 0], [0, 32]]), np.array([64, 64]), np.array([[line_0, none], [line_1, dash]], np.float32))
    target = render_strokes(renderer, dataclasses.replace(strokes, kept=np.array([[True, False], [False, True]])),
                            64, 96)[..., 0]
    written = written_strokes(renderer, strokes, (64, 96), target).kept
    assert written[0, 1] == False and written[1, 1] == True   # noqa: E712 (numpy booleans)
    assert written[0, 0] + written[1, 0] == 1                  # the line once
    assert written_strokes(renderer, strokes, (64, 96)).kept.tolist() == [[True, False], [True, True]]
    sparing = written_strokes(renderer, strokes, (64, 96), target, tolerance=50.0).kept
    assert sparing[1, 1] == False and sparing[0, 0] + sparing[1, 0] == 1   # noqa: E712
    # Strokes already dropped stay dropped.
    again = written_strokes(renderer, dataclasses.replace(strokes, kept=sparing), (64, 96), target).kept
    assert not again[~sparing].any()


def test_vectorize_help_states_the_default_refinement_steps(capsys):
    with pytest.raises(SystemExit):
        main(["vectorize", "--help"])
    text = " ".join(capsys.readouterr().out.split())   # argparse wraps its help
    assert f"{REFINE} for pictures drawn in one window, {CENTRELINE_REFINE} for large ones" in text
