"""Colour: coloured MNIST and colour line art as data, and colour drawers in `vectorize`."""

import itertools
import json
import re

import numpy as np
import pytest
from PIL import Image

from canvasdraw.cli.main import main
from canvasdraw.data import mnist
from canvasdraw.data.pen import pen_drawing
from canvasdraw.data.sources import load_images, task_facts
from canvasdraw.render import load_renderer
from canvasdraw.render.color import cielab_of, lab_to_srgb8
from tests.conftest import fake_mnist

COLOR = load_renderer("bezier_color")


def test_class_colours_are_exact_and_far_apart():
    palette = mnist.class_palette()
    assert np.array_equal(np.stack([lab_to_srgb8(lab) for lab in palette]), mnist.CLASS_RGB)
    assert min(np.linalg.norm(a - b) for a, b in itertools.combinations(cielab_of(palette), 2)) >= 30
    assert task_facts("mnist_color:x")["palette_lab"] == mnist.class_palette_cielab()


def test_coloured_mnist_source_is_the_grey_digit_in_its_class_colour(tmp_path):
    data = load_images(f"mnist_color:{fake_mnist(tmp_path / 'mnist')}", 16, "test")
    assert data.hints.shape == (16, 16, 16, 1) and data.targets.shape == (16, 16, 16, 3)
    for k in (0, 3, 9):   # fake labels: k % 10
        ink = data.hints[k, ..., 0].astype(np.float32) / 255
        assert np.allclose(data.targets[k], ink[..., None] * mnist.CLASS_RGB[k], atol=0.51)


def test_colour_pen_drawings_are_the_grey_ones_in_colour():
    grey, width = pen_drawing(7)
    colour, same_width = pen_drawing(7, colour=True)
    assert colour.shape == (64, 64, 3) and width == same_width
    assert np.array_equal(colour.max(-1) > 0, grey > 0)
    assert np.array_equal(colour, pen_drawing(7, colour=True)[0])
    data = load_images("pen_color:20", 32, "train")
    assert data.hints.shape == (20, 32, 32, 3) and data.targets is None


def _smoke_model(tmp_path, config_module):
    from flax import nnx

    from canvasdraw.nets.canvas import make_canvas, spec_for
    from canvasdraw.store.canvases import export_canvas

    export_canvas(make_canvas(spec_for(COLOR, 16, hidden=16), nnx.Rngs(0)), tmp_path / "c.msgpack")
    config = config_module.get_config("smoke")
    config.canvas = str(tmp_path / "c.msgpack")
    return config


@pytest.mark.slow
def test_colour_mnist_drawer_draws_grey_digits_in_palette_colours(tmp_path):
    from canvasdraw.train.drawer import train_and_evaluate
    from canvasdraw_configs import drawer_color_mnist

    config = _smoke_model(tmp_path, drawer_color_mnist)
    config.data = f"mnist_color:{fake_mnist(tmp_path / 'mnist')}"
    assert 0 <= train_and_evaluate(config, str(tmp_path / "run"))["svg_l2"] <= 1
    assert main(["export-model", "--workdir", str(tmp_path / "run"), "-o", str(tmp_path / "m.msgpack")]) == 0
    digit = load_images(config.data, 48, "test").hints[0, ..., 0]
    Image.fromarray(255 - digit).save(tmp_path / "digit.png")   # black on white, as a user has it
    assert main(["vectorize", str(tmp_path / "digit.png"), "-o", str(tmp_path / "out"), "--model",
                 str(tmp_path / "m.msgpack")]) == 0
    record = json.loads((tmp_path / "out" / "digit.json").read_text())
    assert 0 <= record["l2"] <= 1 and record["raster_l2"] is None
    colours = {"#%02x%02x%02x" % tuple(c) for c in mnist.CLASS_RGB}
    strokes = re.findall(r'stroke="(#[0-9a-f]{6})"', (tmp_path / "out" / "digit.svg").read_text())
    assert len(strokes) == len(record["actions"]) and set(strokes) <= colours


@pytest.mark.slow
def test_colour_pen_drawer_vectorizes_colour_pictures(tmp_path):
    from canvasdraw.train.drawer import train_and_evaluate
    from canvasdraw_configs import drawer_color_pen

    config = _smoke_model(tmp_path, drawer_color_pen)
    assert 0 <= train_and_evaluate(config, str(tmp_path / "run"))["svg_l2"] <= 1
    Image.fromarray(pen_drawing(3, 40, colour=True)[0]).save(tmp_path / "art.png")
    assert main(["vectorize", str(tmp_path / "art.png"), "-o", str(tmp_path / "out"), "--model",
                 str(tmp_path / "run")]) == 0
    record = json.loads((tmp_path / "out" / "art.json").read_text())
    assert record["input_size"] == [40, 40] and 0 <= record["l2"] <= 1 and record["raster_l2"] is not None
    with Image.open(tmp_path / "out" / "art_overlay.png") as overlay:
        assert overlay.mode == "RGB"


def test_an_ink_drawer_starts_its_palette_colour_twin():
    from flax import nnx

    from canvasdraw.errors import UserError
    from canvasdraw.nets.drawer import Drawer, DrawerSpec
    from canvasdraw.nets.frozen import freeze
    from canvasdraw.store.models import Model
    from canvasdraw.train.drawer import COLOUR_SUM, start_from
    from tests.conftest import small_canvas

    ink = Drawer(DrawerSpec(16, 1, 1, 8, 2, "lstm", patch=4, widths=(8, 8), hidden=16), rngs=nnx.Rngs(0))
    palette = tuple(map(tuple, mnist.class_palette().tolist()))
    twin_spec = DrawerSpec(16, 1, 3, 11, 4, "lstm", patch=4, widths=(8, 8), hidden=16, palette=palette, palette_at=7)
    twin = Drawer(twin_spec, rngs=nnx.Rngs(1))
    choice = np.array(twin.choice.kernel[...])
    start_from(twin, Model("ink", ink, freeze(small_canvas()), COLOR, {}), freeze(small_canvas()))
    assert np.array_equal(twin.head.kernel[...], ink.head.kernel[...])
    assert np.array_equal(twin.choice.kernel[...], choice)   # the colour choice is new
    theirs, ours = (np.asarray(d.embed.kernel[...]).reshape(16, -1, 8) for d in (ink, twin))
    assert np.array_equal(ours[:, 0], theirs[:, 0]) and np.array_equal(ours[:, 4:], theirs[:, 2:])
    assert np.allclose(ours[:, 1:4], theirs[:, 1:2] / COLOUR_SUM)
    free = Drawer(DrawerSpec(16, 3, 3, 11, 4, "lstm", patch=4, widths=(8, 8), hidden=16), rngs=nnx.Rngs(2))
    start_from(free, Model("ink", ink, freeze(small_canvas()), COLOR, {}), freeze(small_canvas()))
    head, theirs_head = np.asarray(free.head.kernel[...]), np.asarray(ink.head.kernel[...])
    assert np.array_equal(head[:, :7], theirs_head[:, :7]) and np.array_equal(head[:, 10], theirs_head[:, 7])
    assert np.allclose(np.asarray(free.embed.kernel[...]).reshape(16, 8, 8)[:, :3], theirs[:, :1] / COLOUR_SUM)
    wider = Drawer(DrawerSpec(16, 1, 3, 11, 4, "lstm", patch=4, widths=(8, 16), hidden=16, palette=palette,
                              palette_at=7), rngs=nnx.Rngs(1))
    with pytest.raises(UserError, match="does not match"):
        start_from(wider, Model("ink", ink, freeze(small_canvas()), COLOR, {}), freeze(small_canvas()))
