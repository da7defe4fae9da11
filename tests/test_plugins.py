"""A third-party renderer, registered through a (faked) entry point, works everywhere."""

import json

import numpy as np
from PIL import Image

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.data.rollouts import RolloutSpec, batches, render_transitions, transitions
from canvasdraw.render.testing import check_renderer


def test_plugin_passes_conformance(dots_plugin):
    check_renderer(load_renderer(dots_plugin))  # raises AssertionError naming the failed check


def test_plugin_is_listed(dots_plugin, capsys):
    assert main(["renderers"]) == 0
    assert any(line.startswith("dots ") for line in capsys.readouterr().out.splitlines())


def test_plugin_runs_through_rollouts_in_worker_processes(dots_plugin):
    spec = RolloutSpec(load_renderer(dots_plugin), 16, seed=2, episode_length=4)
    got = transitions(next(batches(spec, episodes_per_batch=2, num_batches=1, workers=1)))
    expected = render_transitions(spec, 0, 8)
    assert np.array_equal(got["next_state"], expected["next_state"])
    assert got["next_state"][0].max() > 0.5  # the stream drew the first dot


def test_plugin_renders_through_the_cli(dots_plugin, tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([[0.5, 0.5, 0.5]]))
    png = tmp_path / "d.png"
    assert main(["render", str(tmp_path / "a.json"), "--renderer", "dots", "--size", "32",
                 "--png", str(png), "--svg", str(tmp_path / "d.svg")]) == 0
    assert "<circle" in (tmp_path / "d.svg").read_text()
    pixels = np.asarray(Image.open(png))
    assert pixels.shape == (32, 32) and pixels[16, 16] == 255 and pixels[0, 0] == 0  # a white dot in the middle
