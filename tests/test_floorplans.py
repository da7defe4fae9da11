"""Floor plans: the generator's ground truth, the box and segmentation scores, and rooms as
`vectorize` writes them."""

import json

import numpy as np
import pytest
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.data.floorplans import PALETTE_LAB, TEST_SEED, make_plan, palette, plan_set, type_colors
from canvasdraw.data.floorplans.layout import ROOM_TYPES, make_layout
from canvasdraw.data.sources import load_images, task_facts
from canvasdraw.errors import UserError
from canvasdraw.metrics.boxes import BoxCounts, box_iou
from canvasdraw.metrics.floorplans import SegmentationCounts, class_map
from canvasdraw.vectorize.economy import visible_actions
from canvasdraw.vectorize.inputs import Picture
from canvasdraw.vectorize.rooms import looks_like_plan, room_types, write_room_outputs
from canvasdraw.vectorize.walls import snapped_to_walls

FACTS = {"name": "test", **task_facts("floorplans:1")}


def test_plans_are_deterministic_and_their_boxes_are_the_target():
    for seed in (0, 7, TEST_SEED + 3):
        a, b = make_plan(seed), make_plan(seed)
        assert np.array_equal(np.asarray(a.plan), np.asarray(b.plan)) and a.rooms == b.rooms
    for seed in range(30):
        p = make_plan(seed, "clean")
        boxes = np.array([box for _, box in p.rooms])
        assert 2 <= len({(t, tuple(b)) for t, b in p.rooms}) and len(boxes) <= 12
        assert all(t in ROOM_TYPES for t, _ in p.rooms)
        overlap = box_iou(boxes, boxes) - np.eye(len(boxes))
        assert overlap.max() == 0  # rooms never overlap
        target, plan = np.asarray(p.target), np.asarray(p.plan)
        for kind, (x0, y0, x1, y1) in p.rooms:  # each box is its type's colour in the target ...
            assert (target[int(y0):int(y1), int(x0):int(x1)] == type_colors()[kind]).all()
            # ... and mostly free floor in the plan (labels, fixtures and door swings aside)
            assert np.mean(plan[int(y0):int(y1), int(x0):int(x1)] > 128) > 0.75
        covered = sum((x1 - x0) * (y1 - y0) for _, (x0, y0, x1, y1) in p.rooms)
        assert covered == np.sum(target.max(axis=-1) > 0)  # and nothing else is coloured


def test_styles_change_the_drawing_not_the_rooms_and_held_out_seeds_differ():
    train, unseen = make_plan(3, "clean"), make_plan(3, "unseen")
    assert not np.array_equal(np.asarray(train.plan), np.asarray(unseen.plan))
    for seed in range(5):  # rotated a little: each room's colour lies in the boxes around its turned boxes
        scanned = make_plan(seed, "scanned")
        target = np.asarray(scanned.target)
        assert np.median(np.asarray(scanned.plan)) < 255
        for kind in {t for t, _ in scanned.rooms}:
            inside = np.zeros(target.shape[:2], bool)
            for t, (x0, y0, x1, y1) in scanned.rooms:
                if t == kind:
                    inside[int(y0) - 1:int(np.ceil(y1)) + 1, int(x0) - 1:int(np.ceil(x1)) + 1] = True
            painted = (target == type_colors()[kind]).all(axis=-1)
            assert painted.any() and not (painted & ~inside).any()
    hints, targets, rooms = plan_set(4, "test", 32)
    assert hints.shape == (4, 32, 32, 1) and targets.shape == (4, 32, 32, 3) and hints.dtype == np.uint8
    assert rooms[0] == make_plan(TEST_SEED).rooms
    assert not np.array_equal(plan_set(1, "train", 32)[0], hints[:1])


def test_the_floorplans_source_gives_colour_targets_and_names_bad_specs():
    data = load_images("floorplans:20", 16, "test")
    assert len(data) == 16 and data.targets.shape == (16, 16, 16, 3)
    for bad in ("floorplans:x", "floorplans:0", "floorplans:5:nostyle", "floorplans:5::1-3", "floorplans:5::4-3",
                "floorplans:5:clean:2-13", "floorplans:5::2"):
        with pytest.raises(UserError, match="floorplans:N"):
            load_images(bad, 16)
    few = load_images("floorplans:20:clean:2-3", 16, "test")   # a curriculum's first stage
    assert not np.array_equal(few.targets, load_images("floorplans:20:clean", 16, "test").targets)
    counts = {len(make_layout(TEST_SEED + k, rooms=(2, 3)).rooms) for k in range(16)}
    assert counts <= {2, 3} and 3 in counts
    assert task_facts("floorplans:20")["room_types"] == list(ROOM_TYPES)
    assert task_facts("mnist:data") == {}


def test_box_scores_match_one_to_one_and_respect_types():
    gt = np.array([[0, 0, 10, 10], [20, 0, 30, 10]], float)
    counts = BoxCounts()
    counts.add(gt, gt)
    assert counts.scores() == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "corner_error": 0.0}
    counts = BoxCounts()  # two guesses on one room: one match, one false positive, one miss
    counts.add([[0, 0, 10, 10], [1, 0, 10, 10]], gt)
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 1)
    counts = BoxCounts()  # IoU 0.4 < 0.5: no match
    counts.add([[0, 0, 25, 10]], gt[:1])
    assert (counts.tp, counts.fp, counts.fn) == (0, 1, 1)
    typed = BoxCounts()
    typed.add(gt, gt, [0, 1], [0, 2])
    assert (typed.tp, typed.fp, typed.fn) == (1, 1, 1)
    shifted = BoxCounts()
    shifted.add(gt + [1, 0, 1, 0], gt)
    assert shifted.scores()["corner_error"] == pytest.approx(1.0)


def test_miou_and_class_maps_use_the_palette():
    colors = type_colors()
    image = np.zeros((4, 4, 3), np.uint8)
    image[:2] = colors["kitchen"]
    classes = class_map(image)
    assert (classes[:2] == 1 + ROOM_TYPES.index("kitchen")).all() and (classes[2:] == 0).all()
    seg = SegmentationCounts()
    seg.add(classes, classes)
    assert seg.miou() == 1.0
    wrong = classes.copy()
    wrong[0] = 0
    seg = SegmentationCounts()
    seg.add(wrong, classes)
    assert seg.miou() == pytest.approx(0.5)
    assert list(room_types(palette(), [PALETTE_LAB[t] for t in ROOM_TYPES])) == list(range(len(ROOM_TYPES)))
    for kind in ROOM_TYPES:  # an edge pixel is its room's colour dimmed towards black
        k = 1 + ROOM_TYPES.index(kind)
        for coverage, expected in ((0.55, k), (0.75, k), (0.45, 0)):
            dimmed = np.round(np.array(colors[kind]) * coverage).astype(np.uint8)[None, None]
            assert class_map(dimmed)[0, 0] == expected, (kind, coverage)


def _action(box, kind):
    return np.array(list(box) + list(palette()[ROOM_TYPES.index(kind)]), np.float32)


def test_room_sides_move_onto_their_walls():
    hints, _, rooms = plan_set(8, "test", 128, "clean")
    rng = np.random.default_rng(0)
    before, after = [], []
    for ink, plan_rooms in zip(hints, rooms):
        truth = np.array([box for _, box in plan_rooms]) / 256                  # sheet px -> fractions
        moved = truth + rng.uniform(-2.5, 2.5, truth.shape) / 128               # up to 2.5 px off at 128 px
        before.append(np.abs(moved - truth) * 256)
        after.append(np.abs(snapped_to_walls(moved, ink[..., 0]) - truth) * 256)
    before, after = np.concatenate(before), np.concatenate(after)
    assert np.mean(after) < np.mean(before) / 3 and np.median(after) < 0.75    # sheet px (measured 0.78, 0.46)
    far = np.array([[0.3, 0.3, 0.6, 0.6]])
    assert np.allclose(snapped_to_walls(far, np.zeros((128, 128), np.uint8)), far)   # no wall in reach: kept
    assert snapped_to_walls(far[:0], hints[0, ..., 0]).shape == (0, 4)


def test_rooms_drawn_twice_or_not_at_all_are_written_once_or_not_at_all():
    renderer = load_renderer("rectangles")
    kitchen = _action((0.1, 0.1, 0.5, 0.5), "kitchen")
    actions = np.stack([kitchen, _action((0.3, 0.3, 0.3, 0.8), "hall"), kitchen, _action((0.5, 0.1, 0.9, 0.5), "hall")])
    assert visible_actions(renderer, actions, 64) == [2, 3]


def test_a_plan_is_written_as_labelled_rooms_in_input_pixels(tmp_path):
    renderer = load_renderer("rectangles")
    ink = np.zeros((64, 64), np.uint8)
    ink[30:34:2, 8:56] = 255  # some lines: it looks like a drawing (none near a room's side: no wall to move to)
    picture = Picture(tmp_path / "plan.png", "plan", ink, width=200, height=101)  # 49 px of padding above
    actions = np.stack([_action((0.1, 0.3, 0.5, 0.7), "kitchen"), _action((0.5, 0.3, 0.9, 0.7), "bedroom"),
                        _action((0.2, 0.2, 0.2, 0.2), "hall")])
    row = write_room_outputs(tmp_path, renderer, FACTS, picture, actions)
    record = json.loads((tmp_path / "plan.json").read_text())
    assert row["rooms"] == 2 and record["unwritten_actions"] == 1 and record["warning"] is None
    assert record["rooms"] == [{"type": "kitchen", "box": [20.0, 11.0, 100.0, 91.0]},
                               {"type": "bedroom", "box": [100.0, 11.0, 180.0, 91.0]}]
    text = (tmp_path / "plan.svg").read_text()
    assert text.count("<rect") == 2 and "<title>kitchen</title>" in text and 'viewBox="0 49 200 101"' in text
    outside = np.stack([_action((0.1, 0.0, 0.5, 0.2), "hall")])   # wholly in the padding above the picture
    assert write_room_outputs(tmp_path, renderer, FACTS, picture, outside)["rooms"] == 0
    assert Image.open(tmp_path / "plan_overlay.png").size == (128, 128)


def test_a_blank_page_or_a_photo_has_no_rooms_and_says_so(tmp_path):
    renderer = load_renderer("rectangles")
    actions = np.stack([_action((0.1, 0.1, 0.5, 0.5), "kitchen")])
    rng = np.random.default_rng(0)
    for stem, ink in (("blank", np.zeros((64, 64), np.uint8)), ("photo", rng.integers(0, 256, (64, 64), np.uint8))):
        assert not looks_like_plan(ink)
        row = write_room_outputs(tmp_path, renderer, FACTS, Picture(tmp_path / f"{stem}.png", stem, ink, 64, 64),
                                 actions)
        assert row["rooms"] == 0 and "does not look like a plan" in row["warning"]
        assert json.loads((tmp_path / f"{stem}.json").read_text())["rooms"] == []
    hints, _, _ = plan_set(3, "test", 128, "unseen")
    assert all(looks_like_plan(h[..., 0]) for h in hints)


@pytest.mark.slow
def test_vectorize_with_a_floorplan_model_writes_rooms(tmp_path, capsys):
    from flax import nnx

    from canvasdraw.cli.main import main
    from canvasdraw.nets.canvas import make_canvas, spec_for
    from canvasdraw.store.canvases import export_canvas
    from canvasdraw.train.drawer import train_and_evaluate
    from canvasdraw_configs.drawer_floorplans import get_config

    canvas = make_canvas(spec_for(load_renderer("rectangles"), 16, hidden=16), nnx.Rngs(0))
    export_canvas(canvas, tmp_path / "c.msgpack")
    config = get_config("smoke")   # the anchors drawer: a 32 px hint, 8×8 anchors, a 16 px canvas
    config.canvas = str(tmp_path / "c.msgpack")
    result = train_and_evaluate(config, str(tmp_path / "run"))
    logged = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert {"train/geometry", "train/colour"} <= set(logged[0]) and result["images"] == 16
    assert main(["eval-drawer", "--workdir", str(tmp_path / "run"), "--data", "floorplans:20"]) == 2
    assert "bench_floorplans" in capsys.readouterr().err
    assert main(["export-model", "--workdir", str(tmp_path / "run"), "-o", str(tmp_path / "m.msgpack")]) == 0
    make_plan(TEST_SEED).plan.save(tmp_path / "plan.png")
    capsys.readouterr()
    assert main(["vectorize", str(tmp_path / "plan.png"), "-o", str(tmp_path / "out"), "--model",
                 str(tmp_path / "m.msgpack")]) == 0
    assert "vectorized 1 plans" in capsys.readouterr().out
    record = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert isinstance(record["rooms"], list) and record["input_size"] == [256, 256]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["plan.json", "plan.png", "plan.svg",
                                                                    "plan_overlay.png"]
    assert main(["vectorize", str(tmp_path / "plan.png"), "-o", str(tmp_path / "out2"), "--model",
                 str(tmp_path / "m.msgpack"), "--report"]) == 2
    assert "finds rooms" in capsys.readouterr().err


def test_the_shipped_model_boxes_the_rooms_of_small_held_out_plans():
    import dataclasses

    from canvasdraw.data.floorplans import SHEET, STYLES
    from canvasdraw.store.models import load_model
    from canvasdraw.vectorize.rooms import rooms_of
    from canvasdraw.vectorize.single import draw_inks

    model = load_model("floorplans")
    size = model.drawer.spec.size
    hints, _, truth = plan_set(32, "test", size, dataclasses.replace(STYLES["clean"], rooms=(2, 3)))
    actions, states = draw_inks(model, hints[..., 0])
    assert actions.shape == (32, 256, 7) and not states.any()   # proposals, merged by rooms_of, are not drawn
    counts, types = BoxCounts(), set()
    for drawn, true_rooms in zip(actions, truth):
        found = rooms_of(model.renderer, drawn, size, model.facts)[1]
        types |= {room["type"] for room in found}
        counts.add(np.array([room["box"] for room in found]).reshape(-1, 4) * SHEET,
                   np.array([box for _, box in true_rooms]).reshape(-1, 4))
    assert counts.scores()["f1"] >= 0.75 and len(types) >= 2   # 0.93 when shipped (32 clean plans of 2-3 rooms)
