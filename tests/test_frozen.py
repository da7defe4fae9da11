"""The frozen canvas: nothing trains it, it round-trips through a weights file, and the canvases
shipped inside the package load with no workdir."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.errors import UserError
from canvasdraw.metrics.canvas import canvas_fidelity
from canvasdraw.nets.canvas import make_canvas, spec_for
from canvasdraw.nets.frozen import freeze
from canvasdraw.store.canvases import SHIPPED, export_canvas, load_canvas, shipped_canvases


class ToyDrawer(nnx.Module):
    """target (B, S, S, 1) -> one action (B, D): enough to train through a canvas."""

    def __init__(self, size, action_dim, rngs):
        self.dense = nnx.Linear(size * size, action_dim, rngs=rngs)

    def __call__(self, targets):
        return jax.nn.sigmoid(self.dense(targets.reshape(targets.shape[0], -1)))


def _canvas(size=16):
    return make_canvas(spec_for(load_renderer("bezier"), size, hidden=16), nnx.Rngs(0))


def test_drawer_steps_leave_the_frozen_canvas_bit_identical():
    canvas = freeze(_canvas())
    before = jax.tree.map(np.array, canvas.params)
    drawer = ToyDrawer(16, 7, nnx.Rngs(1))
    drawer_before = jax.tree.map(np.array, nnx.state(drawer, nnx.Param))
    optimizer = nnx.Optimizer(drawer, optax.adam(1e-2), wrt=nnx.Param)
    targets = jnp.asarray(np.random.default_rng(0).random((4, 16, 16, 1)), jnp.float32)

    @nnx.jit
    def step(drawer, optimizer, canvas, targets):
        def loss(drawer, canvas):
            drawn = canvas(jnp.zeros_like(targets), drawer(targets))
            return jnp.mean((drawn - targets) ** 2)

        value, (grads, canvas_grads) = nnx.value_and_grad(loss, argnums=(0, 1))(drawer, canvas)
        optimizer.update(drawer, grads)
        return value, canvas_grads

    for _ in range(3):
        _, canvas_grads = step(drawer, optimizer, canvas, targets)
    assert all(np.array_equal(a, b) for a, b in zip(jax.tree.leaves(before), jax.tree.leaves(canvas.params)))
    assert all(float(jnp.abs(g).max()) == 0 for g in jax.tree.leaves(canvas_grads))
    moved = [not np.array_equal(a, b) for a, b in
             zip(jax.tree.leaves(drawer_before), jax.tree.leaves(nnx.state(drawer, nnx.Param)))]
    assert all(moved)


def test_weights_file_round_trip_and_bad_files(tmp_path):
    model = _canvas(32)
    size = export_canvas(model, tmp_path / "c.msgpack")
    assert size == (tmp_path / "c.msgpack").stat().st_size
    loaded = load_canvas(tmp_path / "c.msgpack", load_renderer("bezier"))
    states = jnp.zeros((2, 32, 32, 1))
    actions = jnp.asarray(np.random.default_rng(0).random((2, 7)), jnp.float32)
    np.testing.assert_array_equal(np.asarray(loaded(states, actions)), np.asarray(freeze(model)(states, actions)))
    with pytest.raises(UserError, match="trained for renderer bezier v2, not prisms v2"):
        load_canvas(tmp_path / "c.msgpack", load_renderer("prisms"))
    (tmp_path / "junk.msgpack").write_bytes(b"\x00not msgpack")
    with pytest.raises(UserError, match="is not a canvas weights file"):
        load_canvas(tmp_path / "junk.msgpack")
    with pytest.raises(UserError, match="no canvas at nowhere"):
        load_canvas("nowhere")
    # float16 storage: about half the bytes, float32 parameters again after loading, close outputs.
    half = export_canvas(model, tmp_path / "h.msgpack", half=True)
    assert half < 0.55 * size
    loaded = load_canvas(tmp_path / "h.msgpack")
    assert all(leaf.dtype == jnp.float32 for leaf in jax.tree.leaves(loaded.params))
    np.testing.assert_allclose(np.asarray(loaded(states, actions)), np.asarray(freeze(model)(states, actions)), atol=2e-3)


def test_export_canvas_cli_refuses_a_missing_workdir(tmp_path, capsys):
    assert main(["export-canvas", "--workdir", str(tmp_path / "none"), "-o", str(tmp_path / "c.msgpack")]) == 2
    assert "not a canvas workdir" in capsys.readouterr().err
    assert not (tmp_path / "c.msgpack").exists()


def test_shipped_canvases_load_without_a_workdir_and_are_small():
    assert set(shipped_canvases()) >= {"bezier", "bezier_alpha", "bezier_color", "rectangles", "prisms", "knitting",
                                       "knitting_chart"}
    total = sum(p.stat().st_size for p in SHIPPED.rglob("*.msgpack"))  # canvases and drawer models
    assert total <= 50e6  # 7 canvases + 13 drawer models that name the shipped canvas = 48.9 MB (2026-12-02)
    for name in ("bezier", "bezier_alpha", "bezier_color", "rectangles", "prisms"):
        canvas = load_canvas(name, load_renderer(name))
        assert (canvas.spec.renderer, canvas.spec.size) == (name, 64)


def test_shipped_bezier_canvas_is_faithful(capsys):
    """A small held-out check of the shipped weights against the real renderer (full numbers:
    docs/results.md), through the library and the command line."""
    result = canvas_fidelity(load_canvas("bezier"), load_renderer("bezier"), episodes=16)
    assert result["single_mse"] < 0.002 and result["seq10_mse"] < 0.012 and result["black_mse"] > 0.1
    assert main(["eval-canvas", "--workdir", "bezier", "--episodes", "4"]) == 0
    assert "| seq10_mse |" in capsys.readouterr().out
