"""The drawer: shapes, the action penalty, gradients only into the drawer, and a smoke run."""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.data.sources import load_images
from canvasdraw.errors import UserError
from canvasdraw.metrics.drawer import drawer_actions
from canvasdraw.nets.drawer import Drawer, DrawerSpec, unroll
from canvasdraw.nets.frozen import freeze
from canvasdraw.nets.losses import action_penalty, box_overlap
from canvasdraw.store.canvases import export_canvas
from canvasdraw.store.models import load_model, restore_drawer
from canvasdraw.train.drawer import drawer_update, train_and_evaluate
from canvasdraw.vectorize.real_renderer import draw_with_renderer
from canvasdraw_configs.drawer import drawer_config
from tests.conftest import fake_mnist, small_canvas


@pytest.mark.parametrize("variant, steps", [("lstm", 1), ("lstm", 3), ("plain", 2)])
def test_draw_shapes(variant, steps):
    spec = DrawerSpec(16, 1, 1, 7, steps, variant, patch=4, widths=(8, 8), hidden=16)
    drawer = Drawer(spec, rngs=nnx.Rngs(0))
    hints = jnp.zeros((5, 16, 16, 1))
    actions, states = unroll(drawer, freeze(small_canvas()), hints, jnp.zeros((16, 16, 1)))
    assert actions.shape == (5, steps, 7) and states.shape == (5, steps, 16, 16, 1)
    # The head's bias starts at 0.5, so first actions sit near the centre of [0, 1].
    assert abs(float(actions[:, 0].mean()) - 0.5) < 0.2


def test_action_penalty_is_zero_inside_the_unit_interval_and_positive_outside():
    inside = jnp.linspace(0, 1, 11)
    assert float(action_penalty(inside)) == 0
    assert float(action_penalty(jnp.array([-0.1]))) == pytest.approx(30 * (0.6**2 - 0.25))
    assert float(action_penalty(jnp.array([1.2]))) > 0


def test_a_training_step_changes_the_drawer_and_leaves_the_canvas_bit_identical():
    import optax

    canvas = freeze(small_canvas())
    before = jax.tree.map(np.array, canvas.params)
    spec = DrawerSpec(16, 1, 1, 7, 3, "lstm", patch=4, widths=(8, 8), hidden=16)
    drawer = Drawer(spec, rngs=nnx.Rngs(0))
    drawer_before = jax.tree.map(np.array, nnx.state(drawer, nnx.Param))
    optimizer = nnx.Optimizer(drawer, optax.adam(1e-3), wrt=nnx.Param)
    batch = {"hint": jnp.ones((4, 16, 16, 1)) * 0.3, "target": jnp.ones((4, 16, 16, 1)) * 0.3}
    drawer_update(drawer, optimizer, canvas, batch, jnp.zeros((16, 16, 1)))
    assert all(np.array_equal(a, b) for a, b in zip(jax.tree.leaves(before), jax.tree.leaves(canvas.params)))
    after = jax.tree.leaves(nnx.state(drawer, nnx.Param))
    assert sum(not np.array_equal(a, b) for a, b in zip(jax.tree.leaves(drawer_before), after)) == len(after)

    def loss(canvas):  # the gradient with respect to the canvas is exactly zero
        _, states = unroll(drawer, canvas, batch["hint"], jnp.zeros((16, 16, 1)))
        return jnp.mean((states[:, -1] - batch["target"]) ** 2)
    assert all(float(jnp.abs(g).max()) == 0 for g in jax.tree.leaves(jax.grad(loss)(canvas)))


def test_every_step_adds_the_l2_of_the_intermediate_drawings():
    import optax

    canvas = freeze(small_canvas())
    spec = DrawerSpec(16, 1, 1, 7, 3, "lstm", patch=4, widths=(8, 8), hidden=16)
    batch = {"hint": jnp.ones((4, 16, 16, 1)) * 0.3, "target": jnp.ones((4, 16, 16, 1)) * 0.3}
    losses = {}
    for weight in (0.0, 2.0):
        drawer = Drawer(spec, rngs=nnx.Rngs(0))
        optimizer = nnx.Optimizer(drawer, optax.adam(1e-3), wrt=nnx.Param)
        _, states = unroll(drawer, canvas, batch["hint"], jnp.zeros((16, 16, 1)))
        expected = float(jnp.mean((states - batch["target"][:, None]) ** 2))
        losses[weight] = (float(drawer_update(drawer, optimizer, canvas, batch, jnp.zeros((16, 16, 1)), 0, weight)[0]),
                          expected)
    assert losses[2.0][0] - losses[0.0][0] == pytest.approx(2 * losses[2.0][1], rel=1e-4)


def test_box_overlap_sums_the_shared_area_of_every_pair_of_boxes():
    rooms = jnp.array([[[0.0, 0.0, 0.5, 0.5], [0.75, 0.75, 0.25, 0.25],   # corners in either order
                        [1.0, 1.0, 0.9, 0.9], [0.3, 0.3, 0.3, 0.6]]])     # apart; no area
    assert float(box_overlap(rooms, ((0, 2), (1, 3)))) == pytest.approx(0.25 * 0.25)
    solids = jnp.array([[[0, 0, 0, 0.5, 0.5, 0.5], [0.5, 0, 0, 1, 1, 1]],     # touch: no volume shared
                        [[0, 0, 0, 0.5, 0.5, 0.5], [0.25, 0.25, 0.25, 1, 1, 1]]])
    assert float(box_overlap(solids, ((0, 3), (1, 4), (2, 5)))) == pytest.approx(0.25**3 / 2)
    grad = jax.grad(lambda a: box_overlap(a, ((0, 2), (1, 3))))(rooms)
    assert float(grad[0, 0, 2]) > 0 and float(grad[0, 2, 2]) == 0   # shrinking the first box pays


def test_overlap_needs_a_renderer_of_boxes(tmp_path):
    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    config.overlap = 0.5
    with pytest.raises(UserError, match="declares no box_axes"):
        train_and_evaluate(config, str(tmp_path / "run"))
    config.overlap = -1.0
    with pytest.raises(UserError, match="config.overlap must be a number >= 0"):
        train_and_evaluate(config, str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def _metrics(workdir):
    return [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]


def test_smoke_training_lowers_the_loss_and_scores_the_real_render(tmp_path, capsys):
    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    config.steps, config.log_every = 30, 5
    config.learning_rate = 3e-3
    result = train_and_evaluate(config, str(tmp_path / "run"))
    losses = [m["train/loss"] for m in _metrics(tmp_path / "run") if "train/loss" in m]
    assert losses[-1] < losses[0]
    # real_l2 is the real renderer's drawing of the drawer's clipped actions vs the targets.
    drawer, canvas, renderer = restore_drawer(tmp_path / "run")
    hints = load_images(config.data, 16, "test").batch(np.arange(16))["hint"]
    actions, drawn = drawer_actions(drawer, canvas, hints, jnp.zeros((16, 16, 1)))
    real = np.stack([renderer.render(a, 16) for a in np.asarray(actions)])
    assert result["images"] == 16
    assert result["real_l2"] == pytest.approx(float(np.mean((real - hints) ** 2)), rel=1e-5)
    assert result["canvas_l2"] == pytest.approx(float(np.mean((np.asarray(drawn) - hints) ** 2)), rel=1e-5)
    assert any(p.endswith(".png") for p in os.listdir(tmp_path / "run" / "images"))
    # The run folder keeps its canvas, so it can be scored later from the command line.
    assert main(["eval-drawer", "--workdir", str(tmp_path / "run"), "--data", config.data, "--limit", "8"]) == 0
    table = capsys.readouterr().out
    assert "| images | 8 |" in table and "| real_l2 |" in table and "| canvas_l2 |" in table
    # An exported model file scores the same as its run folder.
    assert main(["export-model", "--workdir", str(tmp_path / "run"), "-o", str(tmp_path / "m.msgpack")]) == 0
    capsys.readouterr()
    assert main(["eval-drawer", "--model", str(tmp_path / "m.msgpack"), "--data", config.data, "--limit", "8"]) == 0
    assert capsys.readouterr().out == table
    assert main(["eval-drawer", "--workdir", str(tmp_path / "nothing"), "--data", config.data]) == 2
    assert "not a drawer workdir" in capsys.readouterr().err


def test_the_real_forward_canvas_has_the_renderers_values_and_the_canvass_gradients():
    from canvasdraw.nets.frozen import RealForwardCanvas

    renderer, canvas = load_renderer("bezier"), freeze(small_canvas())
    through = RealForwardCanvas(canvas, renderer)
    states = jnp.asarray(np.random.default_rng(1).random((3, 16, 16, 1)) * 0.5, jnp.float32)
    actions = jnp.asarray(np.random.default_rng(0).random((3, 7)) * 1.2 - 0.1, jnp.float32)  # some outside [0, 1]
    real = np.stack([renderer.step(np.asarray(s), np.clip(np.asarray(a), 0, 1)) for s, a in zip(states, actions)])
    np.testing.assert_allclose(np.asarray(jax.jit(lambda c, *x: c(*x))(through, states, actions)), real, atol=1e-6)
    for wrt in (0, 1):
        ours = jax.grad(lambda *x: through(*x).sum(), argnums=wrt)(states, actions)
        theirs = jax.grad(lambda *x: canvas(*x).sum(), argnums=wrt)(states, actions)
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)
        assert np.abs(np.asarray(ours)).max() > 0


def test_a_real_forward_run_trains_on_and_is_scored_by_the_real_drawing(tmp_path):
    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    config.real_forward, config.steps, config.log_every = True, 12, 4
    result = train_and_evaluate(config, str(tmp_path / "run"))
    assert result["canvas_l2"] == pytest.approx(result["real_l2"], rel=1e-5)  # the unroll's states are real
    logged = [m for m in _metrics(tmp_path / "run") if "train/real_l2" in m]
    assert logged and all("train/canvas_l2" not in m for m in logged)


def test_drawer_refuses_a_canvas_of_another_size(tmp_path):
    export_canvas(small_canvas(32), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    with pytest.raises(UserError, match="drawer size 16 differs from the canvas's 32"):
        train_and_evaluate(config, str(tmp_path / "run"))


def test_drawing_with_the_real_renderer_in_the_loop():
    renderer = load_renderer("bezier")
    drawer = Drawer(DrawerSpec(16, 1, 1, 7, 3, "lstm", patch=4, widths=(8, 8), hidden=16), rngs=nnx.Rngs(0))
    hints = jax.random.uniform(jax.random.key(1), (4, 16, 16, 1))
    actions, states = draw_with_renderer(drawer, renderer, hints)
    assert actions.shape == (4, 3, 7) and states.shape == (4, 16, 16, 1)
    assert actions.min() >= 0 and actions.max() <= 1
    for acts, state in zip(actions, states):
        assert np.array_equal(state, renderer.render(acts, 16))
    through_canvas, _ = drawer_actions(drawer, freeze(small_canvas()), hints, jnp.zeros((16, 16, 1)))
    # The first action sees the same blank state either way; later ones see different states.
    np.testing.assert_allclose(actions[:, 0], through_canvas[:, 0], atol=1e-6)


def test_a_drawer_run_can_start_from_another_drawer_with_other_steps(tmp_path):
    from canvasdraw.train.drawer import drawer_setup, start_from

    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    config = drawer_config(f"mnist:{fake_mnist(tmp_path / 'mnist')}", str(tmp_path / "canvas.msgpack"), "smoke")
    train_and_evaluate(config, str(tmp_path / "short"))
    short, canvas, _ = restore_drawer(tmp_path / "short")
    config.steps_per_image, config.init_from = 5, str(tmp_path / "short")
    config.steps, config.schedule, config.learning_rate = 1, "constant", 0.0  # the checkpoint is the copy
    train_and_evaluate(config, str(tmp_path / "long"))
    long, _, _ = restore_drawer(tmp_path / "long")
    assert long.spec.steps == 5 and short.spec.steps == 2
    for a, b in zip(jax.tree.leaves(nnx.state(short, nnx.Param)), jax.tree.leaves(nnx.state(long, nnx.Param))):
        np.testing.assert_array_equal(a, b)
    assert json.load(open(tmp_path / "long" / "run.json"))["init_from"] == str(tmp_path / "short")
    config.drawer.hidden = 16
    _, _, spec, _ = drawer_setup(config)
    with pytest.raises(UserError, match="does not match this one"):
        start_from(Drawer(spec, rngs=nnx.Rngs(0)), load_model(str(tmp_path / "short")), canvas)


def test_the_pyramid_loss_sees_a_near_miss_that_pixel_l2_does_not():
    from canvasdraw.nets.losses import pyramid_l2

    line = jnp.zeros((1, 16, 16, 1)).at[:, :, 4].set(1.0)
    near, far = jnp.roll(line, 2, axis=2), jnp.roll(line, 9, axis=2)
    # Pixel L2 cannot tell a line 2 px off from one 9 px off; pooled scales can.
    assert jnp.mean((near - line) ** 2) == jnp.mean((far - line) ** 2)
    assert pyramid_l2(near, line, 3) < pyramid_l2(far, line, 3)
    assert pyramid_l2(line, line, 3) == 0 and pyramid_l2(near, line, 0) == 0
    # Level 1 alone: 2×2 means, weighted 2.
    expected = 2 * jnp.mean((nnx.avg_pool(near, (2, 2), strides=(2, 2)) - nnx.avg_pool(line, (2, 2), strides=(2, 2))) ** 2)
    np.testing.assert_allclose(pyramid_l2(near, line, 1), expected, rtol=1e-6)


def test_shifted_batches_move_hint_and_target_together_and_resume_exactly():
    from canvasdraw.data.sources import ImageSet
    from canvasdraw.train.drawer import image_batches

    hints = np.zeros((10, 16, 16, 1), np.uint8)
    hints[:, 6:10, 6:10] = np.arange(10, 20, dtype=np.uint8)[:, None, None, None]  # a 4×4 blob, 4 px from every edge
    data = ImageSet("blobs", hints, targets=255 - hints)
    plain = list(image_batches(data, 4, seed=3, start_step=0, num_steps=5))
    moved = list(image_batches(data, 4, seed=3, start_step=0, num_steps=5, shift=2))
    resumed = list(image_batches(data, 4, seed=3, start_step=2, num_steps=3, shift=2))
    for batch, resumed_batch in zip(moved[2:], resumed):
        for key in batch:
            np.testing.assert_array_equal(batch[key], resumed_batch[key])
    offsets = set()
    for before, after in zip(plain, moved):
        np.testing.assert_allclose(after["target"], 1 - after["hint"], atol=1e-6)  # the same offset for both
        np.testing.assert_allclose(after["hint"].sum(axis=(1, 2, 3)), before["hint"].sum(axis=(1, 2, 3)), rtol=1e-6)
        for image in after["hint"]:
            rows, cols = np.nonzero(image[..., 0])
            assert rows.max() - rows.min() == 3 and cols.max() - cols.min() == 3
            offsets.add((rows.min() - 6, cols.min() - 6))
    assert len(offsets) > 3 and all(abs(dy) <= 2 and abs(dx) <= 2 for dy, dx in offsets)


def test_a_palette_drawer_draws_exactly_its_colours_and_learns_through_the_softmax():
    palette = ((0.2, 0.5, 0.5), (0.9, 0.1, 0.8))
    spec = DrawerSpec(size=16, hint_channels=1, state_channels=3, action_dim=7, steps=2, widths=(8, 8), hidden=16,
                      palette=palette, palette_at=4)
    drawer = Drawer(spec, rngs=nnx.Rngs(0))
    hints, states = jax.random.uniform(jax.random.key(0), (3, 16, 16, 1)), jnp.zeros((3, 16, 16, 3))
    _, actions = drawer(drawer.initial_carry(3), hints, states)
    assert actions.shape == (3, 7)
    assert all(any(np.allclose(a[4:7], c) for c in palette) for a in np.asarray(actions))

    def redness(drawer):
        return drawer(drawer.initial_carry(3), hints, states)[1][:, 4].sum()

    grads = nnx.grad(redness)(drawer)
    assert float(jnp.abs(grads.choice.kernel[...]).sum()) > 0
    with pytest.raises(ValueError, match="palette"):
        DrawerSpec(size=16, hint_channels=1, state_channels=3, action_dim=7, steps=2, palette=palette,
                   palette_at=5).check()
    with pytest.raises(ValueError, match="needs a palette"):
        DrawerSpec(size=16, hint_channels=1, state_channels=3, action_dim=7, steps=2, palette_mix=True).check()


def test_a_palette_mix_drawer_trains_on_mixtures_and_draws_palette_colours():
    palette = ((0.2, 0.5, 0.5), (0.9, 0.1, 0.8), (0.5, 0.9, 0.2))
    spec = DrawerSpec(size=16, hint_channels=1, state_channels=3, action_dim=7, steps=2, widths=(8, 8), hidden=16,
                      palette=palette, palette_at=4, palette_mix=True)
    drawer = Drawer(spec, rngs=nnx.Rngs(0))
    hints, states = jax.random.uniform(jax.random.key(0), (4, 16, 16, 1)), jnp.zeros((4, 16, 16, 3))

    def colours():
        return np.asarray(drawer(drawer.initial_carry(4), hints, states)[1][:, 4:7])

    drawn = colours()   # a new drawer is in eval mode: it draws
    assert all(any(np.allclose(c, p) for p in palette) for c in drawn)
    drawer.train()
    mixed = colours()
    assert not any(np.allclose(c, p, atol=1e-3) for c in mixed for p in palette)
    assert np.all(mixed >= 0.2 - 1e-6) and np.all(mixed <= 0.9 + 1e-6)   # inside the palette's hull
    drawer.eval()
    assert np.array_equal(colours(), drawn)


def test_a_drawer_with_settings_of_another_version_is_refused_in_one_line():
    fields = {"size": 16, "hint_channels": 1, "state_channels": 1, "action_dim": 7, "steps": 2}
    assert DrawerSpec.from_dict(fields).steps == 2
    with pytest.raises(UserError, match="does not know: one_color"):
        DrawerSpec.from_dict({**fields, "one_color": True})
