import io
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.errors import UserError
from canvasdraw.render import registry, svg
from canvasdraw.render.color import lab_to_hex, lab_to_rgb
from canvasdraw.render.contract import ActionError, validate_actions
from canvasdraw.render.testing import check_renderer, sample_actions

CONFORMING = ["bezier", "bezier_alpha", "bezier_color", "rectangles", "prisms"]
BUILT_IN = CONFORMING


@pytest.mark.parametrize("name", CONFORMING)
def test_built_in_renderers_conform_and_their_svg_is_their_raster(name):
    differences = check_renderer(load_renderer(name), sizes=(16, 37, 64, 256))  # raises naming the failed check
    assert max(differences.values()) < 1e-5  # Cairo draws the SVG as the raster, to 8-bit rounding


@pytest.mark.parametrize("name", CONFORMING)
def test_the_raster_is_as_close_to_resvg_as_cairo_is(name):
    """resvg (another SVG renderer, the `bench` extra) anti-aliases differently from Cairo; our
    raster must differ from it no more than Cairo's own SVG rendering does, and little at 512 px."""
    resvg_py = pytest.importorskip("resvg_py")
    r = load_renderer(name)
    for size, bound in ((64, 1e-3), (512, 2e-4)):
        actions = sample_actions(r, 20, seed=1)
        text = r.to_svg(actions, size)
        png = bytes(resvg_py.svg_to_bytes(svg_string=text, width=size, height=size))
        rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), np.float32) / 255
        under = None if r.composite == "ink" else r.to_rgb(r.blank(size))
        other = rgba[..., 3:] if under is None else under * (1 - rgba[..., 3:]) + rgba[..., :3] * rgba[..., 3:]
        raster = svg.picture_of(r, r.render(actions, size))
        ours, cairo = np.mean((raster - other) ** 2), np.mean((svg.drawn(r, text, size) - other) ** 2)
        assert ours <= cairo * 1.05 + 1e-6 and ours < bound, (size, ours, cairo)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium (Debian package chromium)")
@pytest.mark.parametrize("name", ["bezier_alpha", "rectangles"])
def test_headless_chromium_draws_the_svg_as_close_to_the_raster_as_to_cairo(name, tmp_path):
    r = load_renderer(name)
    for size in (64, 512):
        actions = sample_actions(r, 20, seed=1)
        text = r.to_svg(actions, size)
        (tmp_path / "page.html").write_text(f'<html><body style="margin:0;background:#fff">{text}</body></html>')
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--force-device-scale-factor=1", f"--window-size={size},{size}",
                        f"--screenshot={tmp_path / 'shot.png'}", (tmp_path / "page.html").as_uri()],
                       capture_output=True, timeout=120, check=True)
        shot = np.asarray(Image.open(tmp_path / "shot.png").convert("RGB"), np.float32)[:size, :size] / 255
        if r.composite == "ink":  # ink = 1 - luminance of the black-on-white page
            shown, start = 1 - shot.mean(-1, keepdims=True), None
        else:  # colours drawn over a white state, as Chromium draws them over the white page
            shown, start = shot, np.ones((size, size, 3), np.float32)
        raster = svg.picture_of(r, r.render(actions, size, start))
        ours = np.mean((raster - shown) ** 2)
        cairo = np.mean((svg.drawn(r, text, size, start=start) - shown) ** 2)
        assert ours <= cairo * 1.05 + 1e-6 and ours < (1e-3 if size == 64 else 1e-4), (size, ours, cairo)


def test_built_ins_are_registered_through_the_entry_point_group():
    found = registry.entry_points()
    assert set(BUILT_IN) <= set(found)
    for name in BUILT_IN:
        assert found[name].dist.name == "canvasdraw"
        assert found[name].value.startswith("canvasdraw_renderers.")


def test_bezier_straight_stroke_covers_its_line_only():
    r = load_renderer("bezier")
    # Horizontal stroke from (8, 32) to (56, 32) at 64 px, thinnest width (0.64 px).
    state = r.render(np.array([[0.125, 0.5, 0.5, 0.5, 0.875, 0.5, 0.0]]), 64)[..., 0]
    assert state[31:33, 10:54].max(axis=0).min() > 0.25  # every column along the line has ink
    assert state[:29].max() == 0 and state[36:].max() == 0
    thick = r.render(np.array([[0.125, 0.5, 0.5, 0.5, 0.875, 0.5, 1.0]]), 64)[..., 0]
    assert 9 <= (thick[:, 32] > 0.5).sum() <= 11  # width 0.15 * 64 = 9.6 px


def test_ink_strokes_are_painted_over_earlier_ink_as_svg_composites_them():
    r = load_renderer("bezier_alpha")
    across = [0.1, 0.5, 0.5, 0.5, 0.9, 0.5, 1.0]  # horizontal and vertical 10 px strokes crossing at (16, 16)
    down = [0.5, 0.1, 0.5, 0.5, 0.5, 0.9, 1.0]
    one = r.render(np.array([across + [0.6]]), 32)[..., 0]
    both = r.render(np.array([across + [0.6], down + [0.5]]), 32)[..., 0]
    assert one[16, 16] == pytest.approx(0.6, abs=0.005) and one[16, 4] == pytest.approx(0.6, abs=0.005)
    assert both[16, 16] == pytest.approx(0.6 + 0.5 * 0.4, abs=0.005)  # 0.8: not max(0.6, 0.5)
    assert both[4, 16] == pytest.approx(0.5, abs=0.005) and both[16, 4] == pytest.approx(0.6, abs=0.005)
    hard = load_renderer("bezier").render(np.array([across]), 32)[..., 0]
    assert np.allclose(hard, r.render(np.array([across + [1.0]]), 32)[..., 0])


def test_rectangle_fills_exact_pixels_with_the_srgb_colour_its_svg_names():
    r = load_renderer("rectangles")
    lab = np.array([0.6, 0.2, 0.8], np.float32)  # out of the sRGB gamut: clipped, as in the SVG's hex
    rgb = np.array([int(lab_to_hex(lab)[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    state = r.render(np.array([[0.75, 0.75, 0.25, 0.25, *lab]]), 32)  # corners in either order
    assert np.allclose(state[8:24, 8:24], rgb)
    assert np.all(state[:8] == 0) and np.all(state[24:] == 0)  # the blank is black
    # A later rectangle covers an earlier one (over compositing, alpha 1).
    red = np.array([0.5324, (80.09 + 128) / 255, (67.20 + 128) / 255], np.float32)
    state = r.render(np.array([[0.75, 0.75, 0.25, 0.25, *lab], [0, 0, 0.5, 0.5, *red]]), 32)
    assert np.allclose(state[8:16, 8:16], [1, 0, 0]) and np.allclose(state[16:24, 16:24], rgb)


def test_prism_views_follow_the_documented_layout():
    r = load_renderer("prisms")
    lab = np.array([0.7, 0.3, 0.3], np.float32)
    # Box x in [0, .5], y in [.5, 1], z in [.25, .75] at 64 px: h = 32.
    state = r.render(np.array([[0.0, 0.5, 0.25, 0.5, 1.0, 0.75, *lab]]), 64)
    ink = np.any(state > 0, axis=-1)
    expected = np.zeros((64, 64), bool)
    expected[16:32, 0:16] = True     # front: x right, y down
    expected[16:32, 40:56] = True    # side: z right (h + h·z), y down
    expected[40:56, 0:16] = True     # top: x right, z down (h + h·z)
    assert np.array_equal(ink, expected)


def test_lab_conversion_of_reference_colours():
    assert np.allclose(lab_to_rgb(np.array([0.0, 128 / 255, 128 / 255])), 0, atol=1e-3)
    assert np.allclose(lab_to_rgb(np.array([1.0, 128 / 255, 128 / 255])), 1, atol=2e-3)
    red = lab_to_rgb(np.array([53.24 / 100, (80.09 + 128) / 255, (67.20 + 128) / 255]))
    assert np.allclose(red, [1, 0, 0], atol=5e-3)


@pytest.mark.parametrize("rows, message", [
    ([[0.1] * 6], "row 0: expected 7 values"),
    ([[0.1] * 7, [0.1] * 7 + [0.2]], "row 1: expected 7 values"),
    ([[0.1] * 6 + [1.5]], "row 0: thickness=1.5 is outside"),
    ([[-0.1] + [0.1] * 6], "row 0: x0=-0.1 is outside"),
    ([[float("nan")] + [0.1] * 6], "row 0: x0 is nan"),
    ([[0.1] * 6 + [float("inf")]], "row 0: thickness is inf"),
    ([[0.1] * 6 + ["a"]], "row 0: thickness is not a number"),
    ([0.5], "row 0: expected 7 values"),
    ({"a": 1}, "must be a list"),
])
def test_bad_action_rows_are_named(rows, message):
    with pytest.raises(ActionError, match=message):
        validate_actions(load_renderer("bezier"), rows)


def test_unknown_renderer_lists_installed_ones():
    with pytest.raises(UserError, match=r"unknown renderer 'nope'; installed: .*bezier.*rectangles"):
        load_renderer("nope")


@pytest.mark.parametrize("size", [8, 15, 1025, 2.5])
def test_sizes_outside_range_are_refused(size):
    with pytest.raises(UserError, match="size must be"):
        load_renderer("bezier").blank(size)
