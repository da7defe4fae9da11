"""The anchors drawer for floor plans: its boxes, its per-box losses through the canvas, the
per-anchor gradient scaling, and how `vectorize` merges its boxes into rooms."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from canvasdraw.data.floorplans import PALETTE_LAB, ROOM_TYPES, palette, plan_set
from canvasdraw.nets.anchors import anchor_centres
from canvasdraw.nets.drawer import DrawerSpec
from canvasdraw.nets.drawers import make_drawer
from canvasdraw.nets.losses import anchor_box_losses, anchor_choice_losses, near_boxes
from canvasdraw.store.canvases import load_canvas
from canvasdraw.train.anchors import anchor_seeds, balanced_picks, pooled, seed_classes, unit_per_anchor
from canvasdraw.vectorize.rooms import EDGE, merged_anchors, room_types

PALETTE = [PALETTE_LAB[t] for t in ROOM_TYPES]


def test_each_anchor_writes_a_box_around_itself_in_one_step():
    spec = DrawerSpec(size=32, hint_channels=1, state_channels=3, action_dim=7, steps=64, variant="anchors",
                      patch=2, widths=(8, 8), depth=2)
    drawer = make_drawer(spec, nnx.Rngs(0))
    _, actions = drawer((), jnp.asarray(np.random.default_rng(0).random((2, 32, 32, 1)), jnp.float32))
    assert actions.shape == (2, 64, 7) and float(actions.min()) >= 0 and float(actions.max()) <= 1
    centres = np.asarray(anchor_centres(8))
    assert np.all(actions[..., :2] <= centres) and np.all(actions[..., 2:4] >= centres)
    assert np.all(actions[..., 2:4] - actions[..., :2] >= 1 / 8 - 1e-6)   # at least a cell (clipped at the edges)
    with pytest.raises(ValueError, match="one box per cell"):
        DrawerSpec(size=32, hint_channels=1, state_channels=3, action_dim=7, steps=16, variant="anchors",
                   patch=2, widths=(8, 8)).check()


def test_seeds_and_pooling_read_the_target_at_each_anchor():
    targets = jnp.arange(2 * 8 * 8 * 3, dtype=jnp.float32).reshape(2, 8, 8, 3)
    seeds = anchor_seeds(targets, 4)
    assert seeds.shape == (2, 16, 3)
    assert np.array_equal(seeds[1, 4 + 2], targets[1, 2 * 1 + 1, 2 * 2 + 1])   # anchor (row 1, col 2)
    assert np.allclose(pooled(targets, 4)[0, 0, 0], targets[0, :2, :2].mean((0, 1)))


def _room_scene(size=64):
    """A kitchen-coloured room (x 8..40, y 8..32) and a bedroom beside it, black walls between."""
    scene = np.zeros((size, size, 3), np.float32)
    scene[8:32, 8:40] = [0.26, 0.74, 0.25]
    scene[8:32, 42:60] = [0.0, 0.47, 0.88]
    return jnp.asarray(scene)


def _box_layer(box, colour, size=64):
    """An exact layer of a box (corners in px): colour, then alpha."""
    x0, y0, x1, y1 = box
    alpha = np.zeros((size, size, 1), np.float32)
    alpha[y0:y1, x0:x1] = 1
    return jnp.asarray(np.concatenate([np.broadcast_to(colour, (size, size, 3)), alpha], -1))


def test_a_box_that_fills_its_room_scores_best_and_its_colour_costs_nothing():
    scene, kitchen = _room_scene(), jnp.asarray([0.26, 0.74, 0.25])
    boxes = [(8, 8, 40, 32), (12, 12, 30, 28), (8, 8, 60, 32), (4, 4, 44, 36)]   # room, inside, across, around
    layers = jnp.stack([_box_layer(b, kitchen) for b in boxes])
    geometry, colour = anchor_box_losses(layers, jnp.broadcast_to(kitchen, (4, 3)), jnp.broadcast_to(scene, (4, 64, 64, 3)),
                                         jnp.asarray(boxes, jnp.float32) / 64)
    assert int(jnp.argmin(geometry)) == 0 and float(colour[0]) == pytest.approx(0, abs=1e-6)
    assert float(colour[2]) > 0.1   # a box across the wall holds black and blue pixels too
    near = near_boxes(jnp.asarray([[0.25, 0.25, 0.5, 0.5]]), 16, 1.0)[0, ..., 0]
    assert bool(near[4, 4]) and bool(near[8, 8]) and not bool(near[2, 2]) and not bool(near[10, 10])


def test_the_expected_colour_loss_scores_every_choice_as_if_drawn_in_it():
    scene = _room_scene()
    colours = jnp.asarray([[0.26, 0.74, 0.25], [0.9, 0.1, 0.1], [0.0, 0.0, 0.0]])
    boxes = [(8, 8, 40, 32), (8, 8, 60, 32)]
    fractions = jnp.asarray(boxes, jnp.float32) / 64
    per_choice = anchor_choice_losses(jnp.stack([_box_layer(b, colours[0]) for b in boxes]),
                                      jnp.broadcast_to(scene, (2, 64, 64, 3)), fractions, colours)
    assert per_choice.shape == (2, 3) and int(jnp.argmin(per_choice[0])) == 0   # the room's own colour fits
    for k in range(3):   # each column is the colour loss of the box drawn in that colour
        layers = jnp.stack([_box_layer(b, colours[k]) for b in boxes])
        drawn = anchor_box_losses(layers, jnp.zeros((2, 3)), jnp.broadcast_to(scene, (2, 64, 64, 3)), fractions)[1]
        assert np.allclose(per_choice[:, k], drawn, atol=1e-5)


def test_a_box_moved_through_the_shipped_canvas_finds_its_room():
    canvas, scene = load_canvas("rectangles"), _room_scene()
    seed = scene[20, 20]
    action = jnp.asarray([0.3, 0.3, 0.4, 0.4, 0.5, 0.5, 0.5])   # a small box at the anchor

    def geometry(a):
        return anchor_box_losses(canvas.layers(a[None]), seed[None], scene[None], a[None, :4])[0][0]

    step = jax.jit(jax.value_and_grad(geometry))
    optimiser = optax.adam(0.01)
    state = optimiser.init(action)
    for _ in range(150):
        _, grad = step(action)
        update, state = optimiser.update(grad, state)
        action = action + update
    assert np.allclose(np.asarray(action[:4]) * 64, [8, 8, 40, 32], atol=2.0)


def test_each_anchor_gradient_counts_once():
    grads = jnp.asarray([[100.0, 0, 0, 0, 1e-3, 0, 0], [0, 1e-2, 0, 0, 0, 0, 5.0]])
    scaled = np.asarray(unit_per_anchor(grads))
    assert scaled[0, 0] == pytest.approx(1.0, rel=0.1) and scaled[1, 1] < 1e-3 * 100   # tiny stays small
    assert scaled[1, 6] == pytest.approx(1.0, rel=0.1) and np.all(np.abs(scaled) <= 1.0)


def test_rare_room_types_are_drawn_as_often_as_common_ones():
    lab = np.concatenate([palette(), np.asarray([[0.0, 0.5, 0.5]], np.float32)])
    from canvasdraw.render.color import lab_to_rgb

    seeds = jnp.asarray(lab_to_rgb(lab)[[6] * 60 + [1] * 30 + [5] * 2 + [0] * 8][None].repeat(64, 0))   # sRGB seeds
    classes = seed_classes(seeds, lab)
    assert list(np.bincount(np.asarray(classes[0]), minlength=7)) == [8, 30, 0, 0, 0, 2, 60]
    balanced = np.asarray(balanced_picks(jax.random.key(0), classes, 10, 1.0, 7))
    uniform = np.asarray(balanced_picks(jax.random.key(0), classes, 10, 0.0, 7))
    assert all(len(set(row)) == 10 for row in balanced)                  # without replacement
    rare = lambda picks: np.mean(np.isin(picks, [90, 91]))                # the two storage anchors
    # Each of the four types carries a quarter of the weight: storage's 2 anchors are most often both
    # among a plan's 10 picks (at most 20 % of them), against 2 % when drawn uniformly.
    assert rare(balanced) > 0.12 and rare(uniform) < 0.05


def test_room_types_know_the_background():
    lab = np.concatenate([palette(), np.asarray([[0.0, 0.5, 0.5]], np.float32)])   # L* = 0: black
    assert list(room_types(lab, PALETTE)) == list(range(len(ROOM_TYPES))) + [-1]


def test_anchors_of_one_room_are_written_as_one_box():
    room_a, room_b = np.array([0.1, 0.1, 0.5, 0.5]), np.array([0.5, 0.1, 0.9, 0.4])
    closet, hall = np.array([0.02, 0.8, 0.08, 0.95]), np.array([0.55, 0.55, 0.95, 0.95])
    jitter = np.random.default_rng(0).normal(0, 0.005, (13, 4))
    inside_a = np.array([0.2, 0.2, 0.3, 0.3]) + jitter[:5] * 0.2
    boxes = np.concatenate([room_a + jitter[:7], room_b + jitter[7:13],
                            inside_a,                                         # five agreeing boxes inside room a
                            [hall] * 4,                                       # four agreeing boxes: too few for ...
                            [[0.6, 0.6, 0.9, 0.7]] * 6,                       # ... a room holding these anchors too
                            [closet] * 2,                                     # a closet's two anchors: all it holds
                            [[0.0, 0.0, 1.0, 1.0]]])                          # background
    types = np.array([1] * 7 + [2] * 6 + [3] * 5 + [4] * 4 + [0] * 6 + [5] * 2 + [-1])
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2   # each anchor lies at its own box's centre
    chosen, written = merged_anchors(boxes, types, centres)
    assert list(types[chosen]) == [1, 2, 0, 5]   # most votes first (ties in order)
    grown = np.array([-EDGE, -EDGE, EDGE, EDGE])
    assert np.allclose(written[0], np.median(boxes[:7], 0) + grown) and np.allclose(written[1], np.median(boxes[7:13], 0) + grown)
    assert np.allclose(written[3], np.clip(closet + grown, 0, 1))
    swapped = boxes.copy()
    swapped[:, [0, 2]] = swapped[:, [2, 0]]   # corners in either order
    assert np.allclose(merged_anchors(swapped, types, centres)[1], written)
    assert merged_anchors(boxes[-3:-2], np.array([5]), centres[-3:-2])[0] == []   # one anchor alone is no room


def test_the_floorplans_data_gives_targets_the_anchors_can_seed():
    hints, targets, rooms = plan_set(2, "test", 128)
    seeds = np.asarray(anchor_seeds(pooled(jnp.asarray(targets, jnp.float32) / 255, 64), 16))
    assert seeds.shape == (2, 256, 3) and hints.shape == (2, 128, 128, 1)
    lit = np.linalg.norm(seeds, axis=-1) > 0.5   # anchors in rooms
    assert 0.3 < lit.mean() < 0.95 and len(rooms[0]) >= 2


def _palette_spec(**changes):
    from canvasdraw_configs.drawer_floorplans import room_choices

    fields = dict(size=32, hint_channels=1, state_channels=3, action_dim=7, steps=64, variant="anchors", patch=2,
                  widths=(8, 8), depth=1, palette=room_choices(), palette_at=4, palette_mix=True)
    return DrawerSpec(**{**fields, **changes})


def test_an_anchor_palette_draws_exactly_one_choice_and_trains_on_the_mixture():
    drawer = make_drawer(_palette_spec(), nnx.Rngs(0))
    hints = jnp.asarray(np.random.default_rng(0).random((2, 32, 32, 1)), jnp.float32)
    choices = np.asarray(drawer.spec.palette, np.float32)
    drawer.eval()
    drawn = np.asarray(drawer((), hints)[1][..., 4:]).reshape(-1, 1, 3)
    assert np.abs(drawn - choices[None]).sum(-1).min(-1).max() < 1e-5   # every colour is a palette row
    drawer.train()
    mixed = np.asarray(drawer((), hints)[1][..., 4:]).reshape(-1, 1, 3)
    assert np.abs(mixed - choices[None]).sum(-1).min(-1).max() > 1e-3    # mixtures while training
    with pytest.raises(ValueError, match="palette_at 4"):
        _palette_spec(palette_at=0).check()


def test_a_free_colour_anchors_drawer_starts_a_palette_one_with_its_corners():
    import types

    from canvasdraw.train.drawer import start_from

    free = make_drawer(_palette_spec(palette=(), palette_at=0, palette_mix=False), nnx.Rngs(1))
    chooser = make_drawer(_palette_spec(), nnx.Rngs(2))
    start_from(chooser, types.SimpleNamespace(drawer=free, name="free"), canvas=None)
    hints = jnp.asarray(np.random.default_rng(3).random((1, 32, 32, 1)), jnp.float32)
    assert np.allclose(free((), hints)[1][..., :4], chooser((), hints)[1][..., :4], atol=1e-6)


def test_the_likelihood_choice_learns_a_colour_the_others_could_mix():
    from canvasdraw import load_renderer
    from canvasdraw.nets.canvas import make_canvas, spec_for
    from canvasdraw.nets.frozen import freeze
    from canvasdraw.render.color import lab_to_rgb
    from canvasdraw.train.anchors import anchors_update

    drawer = make_drawer(_palette_spec(), nnx.Rngs(0))
    canvas = freeze(make_canvas(spec_for(load_renderer("rectangles"), 16, hidden=16), nnx.Rngs(1)))
    storage = ROOM_TYPES.index("storage")
    drawer.head.bias[...] = drawer.head.bias[...].at[4 + storage].add(-8.0)   # a choice all but ruled out
    target = np.broadcast_to(lab_to_rgb(np.asarray(drawer.spec.palette, np.float32))[storage], (4, 32, 32, 3))
    batch = {"hint": jnp.asarray(np.random.default_rng(0).random((4, 32, 32, 1)), jnp.float32),
             "target": jnp.asarray(target, jnp.float32)}
    optimizer = nnx.Optimizer(drawer, optax.adam(1e-2), wrt=nnx.Param)
    picks = jnp.tile(jnp.arange(8), (4, 1))
    chance = lambda: float(jnp.mean(jax.nn.softmax(drawer.draw(batch["hint"])[1])[..., storage]))
    before = chance()
    drawer.train()
    for _ in range(50):
        anchors_update(drawer, optimizer, canvas, batch, picks, 1.0, 2.0, likelihood=True)
    assert before < 1e-3 and chance() > 0.5
