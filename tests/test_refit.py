"""Re-fitting a drawer run's canvas on the drawer's own actions."""

import jax
import numpy as np
from flax import nnx

from canvasdraw.cli.main import main
from canvasdraw.data.sources import load_images
from canvasdraw.metrics.drawer import drawer_l2
from canvasdraw.nets.drawer import Drawer, DrawerSpec
from canvasdraw.nets.frozen import freeze
from canvasdraw.render.registry import load_renderer
from canvasdraw.store.canvases import export_canvas, load_canvas
from canvasdraw.store.models import CANVAS_FILE, restore_drawer
from canvasdraw.train.drawer import train_and_evaluate
from canvasdraw.train.refit import PRIOR_FILE, drawer_transitions, refit_canvas
from canvasdraw_configs.drawer import drawer_config
from tests.conftest import fake_mnist, small_canvas


def _same_params(a, b):
    return all(np.array_equal(x, y) for x, y in zip(jax.tree.leaves(nnx.to_pure_dict(a.params)),
                                                   jax.tree.leaves(nnx.to_pure_dict(b.params))))


def test_drawer_transitions_are_real_renders_of_the_drawers_actions(tmp_path):
    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    train_and_evaluate(config, str(tmp_path / "run"))
    drawer, canvas, renderer = restore_drawer(tmp_path / "run")
    hints = load_images(config.data, 16, "test").batch(np.arange(3))["hint"]
    rows = drawer_transitions(drawer, canvas, renderer, hints)
    assert rows["state"].shape == (3 * 2, 16, 16, 1) and rows["action"].shape == (6, 7)
    assert np.all(rows["state"][::2] == 0)  # each image starts from the blank state
    for state, action, nxt in zip(rows["state"], rows["action"], rows["next_state"]):
        assert np.array_equal(nxt, renderer.step(state, action))
    assert np.array_equal(rows["state"][1::2], rows["next_state"][::2])


def test_refit_canvas_learns_keeps_the_prior_and_training_goes_on_through_it(tmp_path, capsys):
    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    run = tmp_path / "run"
    train_and_evaluate(config, str(run))
    first = load_canvas(run / CANVAS_FILE)
    assert main(["refit-canvas", "--workdir", str(run), "--data", config.data, "--steps", "40",
                 "--learning-rate", "3e-3", "--eval-images", "8"]) == 0
    table = dict(line.strip("|").replace(" ", "").split("|")[:2] for line in capsys.readouterr().out.splitlines()
                 if line.startswith("| ") and "metric" not in line)
    assert float(table["last_bce"]) < float(table["first_bce"])
    assert _same_params(load_canvas(run / PRIOR_FILE), first)
    refitted = load_canvas(run / CANVAS_FILE)
    assert not _same_params(refitted, first)
    # Training resumes through the re-fitted canvas, not the config's.
    config.steps = 9
    result = train_and_evaluate(config, str(run), allow_changes=True)
    drawer, canvas, renderer = restore_drawer(run)
    assert _same_params(canvas, refitted)
    data = load_images(config.data, 16, "test")
    assert result["canvas_l2"] == drawer_l2(drawer, refitted, renderer, data)["canvas_l2"]
    assert result["canvas_l2"] != drawer_l2(drawer, first, renderer, data)["canvas_l2"]
    assert main(["refit-canvas", "--workdir", str(tmp_path / "nothing"), "--data", config.data]) == 2


def test_refit_takes_any_number_of_drawer_steps(tmp_path):
    # 3 steps do not divide the 4 drawer transitions of a batch of 8 (nor 20 steps 32 of 64).
    drawer = Drawer(DrawerSpec(16, 1, 1, 7, 3, "lstm", patch=4, widths=(8, 8), hidden=16), rngs=nnx.Rngs(0))
    canvas = freeze(small_canvas())
    images = load_images(f"mnist:{fake_mnist(tmp_path / 'mnist')}", 16, "train")
    refitted, losses = refit_canvas(drawer, canvas, load_renderer("bezier"), images, steps=3, batch_size=8)
    assert len(losses) == 3 and all(np.isfinite(losses))
    assert not _same_params(refitted, canvas)
