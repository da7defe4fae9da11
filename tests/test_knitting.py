"""Knitting: the program renderers, program files, generated programs, Knitout on a virtual
machine, the accuracy metric, and the grid canvas + drawer end to end through `vectorize`."""

import json

import numpy as np
import pytest
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.data.ink import ink_of
from canvasdraw.data.knitting import TEST_SEED, legalize, program_set, random_program, structured_program
from canvasdraw.data.sources import load_images
from canvasdraw.errors import UserError
from canvasdraw.metrics.programs import per_instruction_recall, program_accuracy
from canvasdraw.render import ProgramError, format_program, parse_program
from canvasdraw.render.testing import check_renderer
from canvasdraw.vectorize.knitout import knitout_of, run_knitout

KNIT = load_renderer("knitting")
NAMES = KNIT.instructions


def program(*rows):
    return np.array([[NAMES.index(n) for n in row.split()] for row in rows])


@pytest.mark.parametrize("name", ["knitting", "knitting_chart"])
def test_knitting_renderers_pass_the_conformance_kit(name):
    differences = check_renderer(load_renderer(name), sizes=(16, 160), num_actions=2)
    assert max(differences.values()) < 1e-4


def test_every_instruction_draws_differently_and_moves_reach_their_neighbours():
    size = 160
    drawings = [KNIT.layer(KNIT.action_of(np.full((20, 20), i)), size)[..., 0] for i in range(len(NAMES))]
    for style in ("knitting", "knitting_chart"):
        renderer = load_renderer(style)
        cells = [renderer.layer(renderer.action_of(np.full((20, 20), i)), size)[..., 0] for i in range(len(NAMES))]
        gaps = [np.mean((a - b) ** 2) for i, a in enumerate(cells) for b in cells[i + 1:]]
        assert min(gaps) > 1e-4, style
    # A lone FR2 stitch in stockinette changes pixels two stitches to its right; a K there does not.
    alone = program(*["K " * 20] * 20)
    moved = alone.copy()
    moved[10, 5] = NAMES.index("FR2")
    change = np.abs(KNIT.layer(KNIT.action_of(moved), size) - drawings[0][..., None])[..., 0]
    assert change[72:88, 56:64].max() > 0.2           # stitch 7 (two to the right) of course 10
    assert change[:, :40].max() == 0 and change[100:, :].max() == 0


def test_soft_programs_are_drawn_as_their_most_likely_instructions():
    rng = np.random.default_rng(0)
    action = KNIT.sample_action(rng)
    assert action.shape == (20 * 20 * 17,) and 0 <= action.min() and action.max() <= 1
    hard = KNIT.action_of(KNIT.program_of(action))
    assert np.array_equal(KNIT.layer(action, 64), KNIT.layer(hard, 64))


def test_program_text_round_trips_and_errors_name_line_and_column():
    grid = program("K P XR+ XL-", "FR1 S T M")
    assert np.array_equal(parse_program(format_program(grid, NAMES), NAMES), grid)
    with pytest.raises(ProgramError, match=r"line 2, column 3: unknown instruction 'Q'"):
        parse_program("K K K\nK K Q\n", NAMES)
    with pytest.raises(ProgramError, match=r"line 3, column 2: the row has 1 instructions, line 1 has 3"):
        parse_program("K K K\nP P P\nK\n", NAMES)
    with pytest.raises(ProgramError, match="empty"):
        parse_program("\n\n", NAMES)


def test_knit_command_writes_png_svg_and_knitout_and_refuses_bad_programs(tmp_path, capsys):
    source = tmp_path / "cable.txt"
    source.write_text("P XR+ XL- P\nP K K P\nP K K P\n")
    png, svg_file, knitout = tmp_path / "out" / "c.png", tmp_path / "out" / "c.svg", tmp_path / "out" / "c.k"
    assert main(["knit", str(source), "--png", str(png), "--svg", str(svg_file), "--knitout", str(knitout)]) == 0
    assert Image.open(png).size == (32, 24)
    assert 'viewBox="0 0 32 24"' in svg_file.read_text() and svg_file.read_text().count("<g>") == 1
    assert run_knitout(knitout.read_text())["crossings"] == ["+"]
    bad = tmp_path / "bad.txt"
    bad.write_text("K K\nK XX\n")
    capsys.readouterr()
    assert main(["knit", str(bad), "--style", "chart", "--png", str(tmp_path / "bad.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "line 2, column 2" in err and not (tmp_path / "bad.png").exists()


def test_generated_programs_are_deterministic_knittable_and_held_out():
    for make in (structured_program, random_program):
        a, b = make(np.random.default_rng(3)), make(np.random.default_rng(3))
        assert np.array_equal(a, b) and a.shape == (20, 20)
        assert legalize(a)[1] == 0
    images, programs = program_set(KNIT, 40, "train", "structured")
    test_images, test_programs = program_set(KNIT, 20, "test", "structured")
    assert images.shape == (40, 160, 160) and images.dtype == np.uint8 and programs.shape == (40, 20, 20)
    assert np.isin(programs, [NAMES.index("K"), NAMES.index("P")]).mean() > 0.6  # K and P dominate, as in NIK
    assert np.array_equal(test_programs[0], np.vectorize(NAMES.index)(structured_program(
        np.random.default_rng(TEST_SEED))))
    # Other seeds, mostly other programs (simple patterns, e.g. plain stockinette, recur by nature)
    assert sum(any(np.array_equal(t, p) for p in programs) for t in test_programs) <= 5
    augmented, same = program_set(KNIT, 2, "train", "structured", augmented=True)
    assert np.array_equal(same, programs[:2]) and not np.array_equal(augmented, images[:2])
    assert load_images("knitting:20:structured:augmented", 160).hints.shape == (20, 160, 160, 1)
    with pytest.raises(UserError, match="KIND"):
        load_images("knitting:20:woven", 160)


def test_legalize_pairs_crosses_and_keeps_moves_on_the_fabric():
    names = np.array([["XR+", "XL-", "XR+", "K", "XL+", "FR2"]], dtype=object)
    fixed, changed = legalize(names)
    assert list(fixed[0]) == ["XR+", "XL-", "FR1", "K", "FL1", "K"] and changed == 3


def test_knitout_runs_on_the_virtual_machine_with_the_right_cable_layers():
    assert run_knitout(knitout_of(program("K XR+ XL- K", "K K K K"), NAMES).text)["crossings"] == ["+"]
    assert run_knitout(knitout_of(program("K XR- XL+ K", "K K K K"), NAMES).text)["crossings"] == ["-"]
    text = knitout_of(program("P FR1 S FL1 BR1 K", "T M K BL2 P K", "K XR+ XR+ XL- XL- K"), NAMES).text
    assert run_knitout(text)["stitches"] > 0
    wrong = text.replace("rack 1\n", "rack -1\n", 1)  # a transfer the racking no longer aligns
    with pytest.raises(UserError, match="refused"):
        run_knitout(wrong)


def test_program_accuracy_counts_foreground_cells_against_each_programs_background():
    true = np.array([[[0, 0, 0, 1]], [[2, 2, 3, 3]]])
    predicted = np.array([[[0, 0, 1, 0]], [[2, 3, 3, 3]]])
    result = program_accuracy(true, predicted)
    assert result["full"] == pytest.approx(5 / 8)
    # backgrounds 0 and 2 (the lower of a tie): foreground cells are 1 (wrong), 3, 3 (right)
    assert result["foreground"] == pytest.approx(2 / 3) and result["foreground_cells"] == 3
    recall = per_instruction_recall(true, predicted, 5)
    assert recall[0] == pytest.approx(2 / 3) and np.isnan(recall[4])


def test_fabric_pictures_are_read_as_dark_ink_without_a_paper_level():
    grey = np.full((40, 40), 90, np.uint8)   # a dark fabric: its border is no paper
    grey[10:20] = 250
    ink = ink_of(Image.fromarray(grey), texture=True)
    assert ink[0, 0] == 165 and ink[15, 0] == 5


def test_grid_canvas_and_drawer_train_and_vectorize_writes_the_program(tmp_path):
    from canvasdraw.train.canvas import train_and_evaluate as train_canvas
    from canvasdraw.train.drawer import train_and_evaluate as train_drawer
    from canvasdraw_configs.canvas_knitting import get_config as canvas_config
    from canvasdraw_configs.drawer_knitting import get_config as drawer_config

    canvas = canvas_config("variant=smoke")
    canvas.steps = 4
    assert "single_mse" in train_canvas(canvas, str(tmp_path / "canvas"))
    config = drawer_config("variant=smoke")
    config.canvas, config.data, config.steps = str(tmp_path / "canvas"), "knitting:16", 4
    result = train_drawer(config, str(tmp_path / "drawer"))
    assert 0 <= result["svg_l2"] <= 1
    images, _ = program_set(KNIT, 1, "test", "structured")
    Image.fromarray(255 - images[0]).save(tmp_path / "fabric.png")
    assert main(["vectorize", str(tmp_path / "fabric.png"), "-o", str(tmp_path / "out"),
                 "--model", str(tmp_path / "drawer")]) == 0
    record = json.loads((tmp_path / "out" / "fabric.json").read_text())
    text = (tmp_path / "out" / "fabric.txt").read_text()
    assert len(record["program"]) == 20 and "actions" not in record and "action_names" not in record
    assert parse_program(text, NAMES).shape == (20, 20)
    run_knitout((tmp_path / "out" / "fabric.k").read_text())
