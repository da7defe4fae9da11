import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.render import svg

STROKES = [[0.1, 0.2, 0.5, 0.9, 0.9, 0.2, 0.4], [0.2, 0.8, 0.5, 0.1, 0.8, 0.8, 0.2]]


def _write(path, text):
    path.write_text(text)
    return str(path)


def test_render_writes_png_and_svg_that_agree(tmp_path):
    actions = _write(tmp_path / "a.json", json.dumps(STROKES))
    png, out_svg = tmp_path / "a.png", tmp_path / "a.svg"
    assert main(["render", actions, "--renderer", "bezier", "--size", "48",
                 "--png", str(png), "--svg", str(out_svg)]) == 0
    raster = np.asarray(Image.open(png).convert("L"), np.float32) / 255
    expected = load_renderer("bezier").render(np.array(STROKES, np.float32), 48)[..., 0]
    assert np.abs(raster - expected).max() <= 1 / 255
    alpha = svg.rasterize(out_svg.read_text(), 48)[..., 3]
    inter, union = np.sum((alpha > 0.5) & (raster > 0.5)), np.sum((alpha > 0.5) | (raster > 0.5))
    assert inter / union > 0.97


def test_render_reads_renderer_from_object_file(tmp_path):
    actions = _write(tmp_path / "a.json", json.dumps({"renderer": "rectangles",
                                                      "actions": [[0.1, 0.1, 0.6, 0.6, 0.9, 0.5, 0.5]]}))
    assert main(["render", actions, "--size", "32", "--svg", str(tmp_path / "r.svg")]) == 0
    assert "<rect" in (tmp_path / "r.svg").read_text()


BAD_INPUTS = {
    "unknown renderer": (json.dumps(STROKES), ["--renderer", "nope"], "unknown renderer 'nope'; installed: "),
    "not json": ("[[0.1, 0.2,", ["--renderer", "bezier"], "is not valid JSON"),
    "wrong width": (json.dumps([[0.1] * 7, [0.1] * 3]), ["--renderer", "bezier"], "row 1: expected 7 values"),
    "out of range": (json.dumps([[0.1] * 6 + [1.2]]), ["--renderer", "bezier"], "row 0: thickness=1.2"),
    "nan": ("[[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, NaN]]", ["--renderer", "bezier"], "row 0: thickness is nan"),
    "inf": ("[[0.1, 0.1, Infinity, 0.1, 0.1, 0.1, 0.1]]", ["--renderer", "bezier"], "row 0: cx is inf"),
    "size too small": (json.dumps(STROKES), ["--renderer", "bezier", "--size", "15"], "size must be between 16"),
    "size too large": (json.dumps(STROKES), ["--renderer", "bezier", "--size", "2048"], "size must be between"),
    "no renderer": (json.dumps(STROKES), [], "which renderer?"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_render_input_gives_one_line_exit_2_and_no_file(case, tmp_path, capsys):
    text, flags, message = BAD_INPUTS[case]
    actions = _write(tmp_path / "a.json", text)
    png, out_svg = tmp_path / "out.png", tmp_path / "out.svg"
    assert main(["render", actions, *flags, "--png", str(png), "--svg", str(out_svg)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_unreadable_actions_file(tmp_path, capsys):
    assert main(["render", str(tmp_path / "missing.json"), "--renderer", "bezier",
                 "--png", str(tmp_path / "o.png")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "o.png").exists()


@pytest.mark.slow
def test_cli_process_prints_no_traceback_for_user_errors(tmp_path):
    actions = _write(tmp_path / "a.json", json.dumps([[2.0] * 7]))
    done = subprocess.run([sys.executable, "-m", "canvasdraw", "render", actions, "--renderer", "bezier",
                           "--png", str(tmp_path / "o.png")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["canvasdraw render: error: row 0: x0=2.0 is outside [0, 1]"]


def test_renderers_command_lists_one_line_each(capsys):
    assert main(["renderers"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    by_name = {line.split()[0]: line for line in lines}
    assert {"bezier", "bezier_color", "rectangles", "prisms"} <= set(by_name)
    assert by_name["bezier"].split()[1:4] == ["v2", "ink", "x0,y0,cx,cy,x1,y1,thickness"]
    assert by_name["bezier_alpha"].split()[1:4] == ["v1", "ink", "x0,y0,cx,cy,x1,y1,thickness,opacity"]
    assert "canvasdraw 0.1.0" in by_name["bezier"]


def test_rollouts_command_writes_folder_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "ro"
    args = ["rollouts", "--renderer", "bezier", "--size", "16", "--num", "20", "-o", str(out),
            "--workers", "0", "--shard-size", "8"]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "contact_sheet.png", "meta.json", "shard-00000.npz", "shard-00001.npz", "shard-00002.npz"]
    capsys.readouterr()
    assert main(args) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert main(["rollouts", "--renderer", "bezier", "--size", "9", "--num", "5",
                 "-o", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_compiled_programs_are_kept_between_runs_in_the_cache_folder(tmp_path):
    Image.new("L", (64, 64), 255).save(tmp_path / "blank.png")
    command = [sys.executable, "-m", "canvasdraw", "vectorize", str(tmp_path / "blank.png"), "-o", str(tmp_path / "out"),
               "--model", "mnist_4lstm", "--refine", "5"]   # the refinement compiles for seconds
    for cache, kept in (("", False), (str(tmp_path / "cache"), True)):
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CANVASDRAW_JAX_CACHE": cache})
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "cache").is_dir() == kept
    assert any((tmp_path / "cache").iterdir())
