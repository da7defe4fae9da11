"""Strokes that continue one another are written as one path (canvasdraw.vectorize.joining)."""

import re
import xml.etree.ElementTree as ElementTree

import numpy as np

from canvasdraw import load_renderer
from canvasdraw.render import svg
from canvasdraw.vectorize.joining import chains, piece_of
from canvasdraw.vectorize.window_strokes import Strokes, joined_strokes, render_strokes, strokes_svg

RENDERER = load_renderer("bezier_alpha")
SIDE = 64


def line(start, end, thickness=0.1, opacity=0.8):
    """A straight bezier_alpha stroke from start to end (x, y) in a window's pixels."""
    (x0, y0), (x1, y1) = start, end
    return np.array([x0 / SIDE, y0 / SIDE, (x0 + x1) / 2 / SIDE, (y0 + y1) / 2 / SIDE, x1 / SIDE, y1 / SIDE,
                     thickness, opacity], np.float32)


def pieces(*actions, corner_xy=(0, 0)):
    return [piece_of(node, corner_xy, SIDE) for node in ElementTree.fromstring(RENDERER.to_svg(np.stack(actions), SIDE))]


def test_a_line_drawn_in_three_strokes_is_one_chain_whatever_their_order_and_direction():
    parts = pieces(line((40, 30), (55, 30)), line((10, 30), (25, 30)), line((40, 30), (25, 30.5)))
    found = chains(parts)
    assert len(found) == 1 and [i for i, _ in found[0]] in ([1, 2, 0], [0, 2, 1])   # along the line
    ends = [parts[i].points[::-1] if flipped else parts[i].points for i, flipped in found[0]]
    assert all(np.hypot(*(a[-1] - b[0])) < 1 for a, b in zip(ends, ends[1:]))   # each stroke goes on from the last


def test_strokes_that_turn_differ_in_width_or_opacity_or_are_far_apart_stay_apart():
    assert chains(pieces(line((10, 30), (30, 30)), line((30, 30), (30, 50)))) == []          # a right angle
    assert chains(pieces(line((10, 30), (30, 30)), line((30, 30), (50, 30), thickness=0.4))) == []
    assert chains(pieces(line((10, 30), (30, 30)), line((30, 30), (50, 30), opacity=0.3))) == []
    assert chains(pieces(line((10, 30), (30, 30)), line((34, 30), (50, 30)))) == []          # 4 px gap


def test_a_chain_keeps_its_widths_within_the_spread_not_just_each_pair():
    # 2.43, 2.88 and 3.33 px: each neighbour within 0.45 px, the three 0.9 px apart
    a, b, c = (line((10 + 15 * k, 30), (25 + 15 * k, 30), thickness=0.2 + 0.05 * k) for k in range(3))
    assert len(chains(pieces(a, b))) == 1 and len(chains(pieces(b, c))) == 1
    assert max(len(chain) for chain in chains(pieces(a, b, c))) == 2


def test_a_stroke_cut_by_its_window_is_not_joined():
    assert pieces(line((40, 30), (70, 30)))[0] is None
    assert pieces(line((40, 30), (62, 30)))[0] is not None


def test_a_line_across_two_windows_is_written_as_one_path_that_draws_as_the_two_strokes():
    # Windows at x = 0 and x = 32 (stride 32), a line from x = 8 to x = 88 drawn half in each.
    strokes = Strokes(np.array([[0, 0], [0, 32]]), np.array([SIDE, SIDE]),
                      np.stack([np.stack([line((8, 30), (48, 30)), line((5, 5), (5, 20))]),
                                np.stack([line((16, 30), (56, 31)), line((50, 5), (50, 20))])]))
    joined = joined_strokes(RENDERER, strokes)
    assert [members for members, _ in joined.chains] == [[(0, False), (2, False)]]
    assert joined.written() == 4 and joined.paths() == 3
    text = strokes_svg(RENDERER, joined, SIDE, 96)
    assert text.count("<path") == 3 and len(re.findall(r'd="M [^"]* Q [^"]* Q [^"]*"', text)) == 1
    separate = render_strokes(RENDERER, strokes, SIDE, 96)[..., 0]
    together = svg.rasterize(text, 96, SIDE)[..., 3]
    # Only where the two round caps overlapped (inked twice before) may it differ.
    assert np.mean((together - separate) ** 2) < 1e-4 and np.abs(together - separate).max() < 0.25


def test_only_ink_renderers_join():
    colour = load_renderer("rectangles")
    strokes = Strokes(np.zeros((1, 2), int), np.array([SIDE]), np.zeros((1, 2, colour.action_dim), np.float32))
    assert joined_strokes(colour, strokes).chains == []
