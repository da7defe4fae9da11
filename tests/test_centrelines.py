"""Centreline strokes read off line art's skeleton (canvasdraw.vectorize.centrelines): where they
lie, how wide they are, how lines go on through crossings, and the command that draws with them."""

import json

import numpy as np
import pytest
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.render import svg
from canvasdraw.vectorize.centrelines import _quantile, centreline_strokes, stroke_widths, traces
from canvasdraw.vectorize.economy import written_strokes
from canvasdraw.vectorize.window_strokes import joined_strokes, strokes_svg

SIDE = 160


def _ink(body: str, side: int = SIDE) -> np.ndarray:
    """SVG elements drawn in black by Cairo, as (side, side) uint8 ink."""
    text = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}">'
            f'<g fill="none" stroke="black">{body}</g></svg>')
    return np.round(svg.rasterize(text, side)[..., 3] * 255).astype(np.uint8)


def _written(renderer, ink):
    """The pieces as `vectorize` writes them (no refinement): strokes, their SVG drawn by Cairo."""
    strokes = joined_strokes(renderer, written_strokes(renderer, centreline_strokes(renderer, ink), ink.shape,
                                                       ink / 255))
    return strokes, svg.drawn(renderer, strokes_svg(renderer, strokes, SIDE, SIDE), SIDE, SIDE)[..., 0]


def test_pieces_lie_on_the_middle_of_a_line_at_its_width():
    renderer = load_renderer("bezier_alpha")
    ink = _ink('<path d="M20 30.5 H140" stroke-width="4" stroke-linecap="round"/>')   # even width: middle on a pixel edge
    strokes = centreline_strokes(renderer, ink)
    actions = strokes.actions[:, 0]
    ys = actions[:, [1, 3, 5]] * strokes.sides[:, None] + strokes.corners[:, :1]
    assert np.abs(ys - 30.5).max() < 0.15   # the skeleton alone runs half a pixel off
    thinnest, thickest = stroke_widths(renderer, int(strokes.sides[0]))
    assert np.allclose(thinnest + (thickest - thinnest) * actions[:, 6], 4, atol=0.2)
    written, drawn = _written(renderer, ink)
    assert written.paths() == 1 and np.mean((drawn - ink / 255) ** 2) < 0.02 * np.mean((ink / 255) ** 2)


@pytest.mark.parametrize("body, paths", [
    ('<path d="M20 80 H140 M80 20 V140" stroke-width="5" stroke-linecap="round"/>', 2),   # a crossing: two lines
    ('<path d="M20 40 H140 M80 40 V140" stroke-width="5" stroke-linecap="round"/>', 2),   # a T: bar and stem
    ('<circle cx="80" cy="80" r="40" stroke-width="3"/>', 1),                             # a loop, no ends
])
def test_lines_go_on_through_junctions_as_one_path_each(body, paths):
    renderer = load_renderer("bezier_alpha")
    ink = _ink(body)
    written, drawn = _written(renderer, ink)
    assert written.paths() == paths
    assert np.mean((drawn - ink / 255) ** 2) < 0.03 * np.mean((ink / 255) ** 2)


def test_a_line_wider_than_a_windows_widest_stroke_gets_a_larger_window_and_its_caps():
    renderer = load_renderer("bezier_alpha")
    ink = _ink('<path d="M20 30 H140" stroke-width="14" stroke-linecap="round"/>')
    strokes = centreline_strokes(renderer, ink)
    assert set(strokes.sides.tolist()) == {128}
    xs = strokes.actions[:, 0, [0, 4]] * strokes.sides[:, None] + strokes.corners[:, 1:]
    assert xs.min() == pytest.approx(20, abs=0.75) and xs.max() == pytest.approx(140, abs=0.75)   # the caps' centres
    _, drawn = _written(renderer, ink)
    assert np.mean((drawn - ink / 255) ** 2) < 0.01 * np.mean((ink / 255) ** 2)


def test_a_thick_corner_has_no_spur_and_no_ink_means_no_strokes():
    renderer = load_renderer("bezier_alpha")
    ink = _ink('<path d="M30 30 V130 H130" stroke-width="9" stroke-linejoin="miter"/>')
    written, drawn = _written(renderer, ink)
    assert written.paths() <= 2   # the two arms (a right angle is not joined into one path)
    assert np.mean((drawn - ink / 255) ** 2) < 0.03 * np.mean((ink / 255) ** 2)
    assert len(centreline_strokes(renderer, np.zeros((64, 64), np.uint8))) == 0


def test_a_blob_whose_skeleton_is_all_spurs_is_still_drawn():
    renderer = load_renderer("bezier_alpha")
    # a small triangle under a 14 px round pen: a filled blob whose three skeleton edges are all
    # shorter than it is wide (session 26 dropped them all and drew nothing)
    ink = _ink('<path d="M70 75 L90 75 L80 90 Z" stroke-width="14" stroke-linejoin="round"/>')
    written, drawn = _written(renderer, ink)
    assert written.paths() == 1
    assert np.mean((drawn - ink / 255) ** 2) < 0.4 * np.mean((ink / 255) ** 2)


def test_quantiles_match_numpy():
    values = np.random.default_rng(0).random((4, 3, 9))
    for q in (0.25, 0.5):
        np.testing.assert_allclose(_quantile(values, q), np.quantile(values, q, axis=-1))
    assert _quantile(np.array([2.0]), 0.25) == 2.0


def test_only_quadratic_ink_stroke_renderers_are_traced():
    assert traces(load_renderer("bezier")) and traces(load_renderer("bezier_alpha"))
    assert not traces(load_renderer("bezier_color")) and not traces(load_renderer("rectangles"))


def test_vectorize_draws_large_line_art_along_its_centrelines(tmp_path):
    ink = _ink('<path d="M60 90 H420 M90 180 Q240 450 420 180" stroke-width="10" stroke-linecap="round"/>', 480)
    Image.fromarray(255 - ink).save(tmp_path / "page.png")   # a 10 px pen on a 480 px page
    assert main(["vectorize", str(tmp_path / "page.png"), "-o", str(tmp_path / "out")]) == 0
    record = json.loads((tmp_path / "out" / "page.json").read_text())
    assert record["drawer"] == "centrelines" and record["choice"]["drawer"] == "centrelines"
    assert record["choice"]["scale"] < 1 and "centreline" in record["choice"]["reason"]   # shrunk to a pen of 8 px
    assert record["l2"] < 0.05 * record["blank_l2"] and len(record["joined"]) <= 3
    assert main(["vectorize", str(tmp_path / "page.png"), "-o", str(tmp_path / "named"), "--model",
                 "sliding_10lstm", "--drawer", "centrelines", "--refine", "0"]) == 0
    assert json.loads((tmp_path / "named" / "page.json").read_text())["drawer"] == "centrelines"
    assert main(["vectorize", str(tmp_path / "page.png"), "-o", str(tmp_path / "x"), "--model", "prisms",
                 "--drawer", "centrelines"]) == 2
    assert not (tmp_path / "x").exists()
