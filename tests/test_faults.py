"""Fault injection: `kill -9` at random moments of training and vectorizing. A resumed run ends
with the weights of an uninterrupted one, bit for bit; no worker process outlives its trainer or
its vectorize; an interrupted vectorize leaves only complete files."""

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jax
import numpy as np
import pytest
from flax import nnx
from PIL import Image, ImageDraw

from canvasdraw.store.canvases import export_canvas, restore_canvas
from canvasdraw.store.models import restore_drawer
from tests.conftest import fake_mnist, small_canvas

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
KILLS = 5


def start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "a") as out:  # a file, not a pipe: a full pipe would block the run
        return subprocess.Popen([sys.executable, "-m", "canvasdraw", *args], cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT)


def metric_rows(workdir: Path) -> list[dict]:
    metrics = workdir / "metrics.jsonl"
    return [json.loads(line) for line in metrics.read_text().splitlines()] if metrics.exists() else []


def wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_at_random_moments(args: list[str], workdir: Path, log: Path, seed: int) -> tuple[list[int], int]:
    """Starts the run KILLS times and kills it with SIGKILL at a random moment after it began
    training; returns the latest checkpoint step seen after each kill, and how many kills hit a
    checkpoint being written (Orbax's temporary folder left behind)."""
    rng, seen, mid_write = np.random.default_rng(seed), [], 0
    for _ in range(KILLS):
        before = len(metric_rows(workdir))
        proc = start(args, log)
        assert wait_for(lambda: len(metric_rows(workdir)) > before or proc.poll() is not None), log.read_text()[-2000:]
        time.sleep(rng.uniform(0, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        names = [p.name for p in (workdir / "checkpoints").iterdir()]
        seen.append(max((int(n) for n in names if n.isdigit()), default=0))
        mid_write += any("tmp" in n for n in names)
    return seen, mid_write


def params(module) -> list[np.ndarray]:
    return [np.asarray(x) for x in jax.tree.leaves(nnx.state(module, nnx.Param))]


def assert_same_run(interrupted: Path, whole: Path, restore) -> None:
    for a, b in zip(params(restore(interrupted)), params(restore(whole)), strict=True):
        np.testing.assert_array_equal(a, b)
    steps = [row["step"] for row in metric_rows(interrupted) if any(k.startswith("train/") for k in row)]
    assert steps == sorted(set(steps))  # redone steps were not logged twice


def test_killed_canvas_training_resumes_bit_identically(tmp_path):
    args = ["train-canvas", "--config", "configs/canvas.py:renderer=bezier,variant=smoke", "--config.steps=300",
            "--config.checkpoint_every=3", "--config.eval_every=1000", "--config.log_every=1"]
    log = tmp_path / "train.log"
    seen, mid_write = kill_at_random_moments(args + ["--workdir", str(tmp_path / "killed")], tmp_path / "killed", log,
                                             seed=0)
    assert start(args + ["--workdir", str(tmp_path / "killed")], log).wait() == 0, log.read_text()[-2000:]
    assert start(args + ["--workdir", str(tmp_path / "whole")], log).wait() == 0, log.read_text()[-2000:]
    assert seen == sorted(seen) and seen[-1] < 300  # each restart went on from where the last one stopped
    assert mid_write >= 1  # at least one kill landed while a checkpoint was being written
    assert_same_run(tmp_path / "killed", tmp_path / "whole", restore_canvas)


def test_killed_drawer_training_resumes_bit_identically(tmp_path):
    export_canvas(small_canvas(), tmp_path / "canvas.msgpack")
    data = f"mnist:{fake_mnist(tmp_path / 'mnist')}"
    args = ["train-drawer", "--config", f"configs/drawer.py:data={data},canvas={tmp_path / 'canvas.msgpack'},variant=smoke",
            "--config.steps=150", "--config.checkpoint_every=3", "--config.eval_every=1000", "--config.log_every=1"]
    log = tmp_path / "train.log"
    seen, mid_write = kill_at_random_moments(args + ["--workdir", str(tmp_path / "killed")], tmp_path / "killed", log,
                                             seed=1)
    assert start(args + ["--workdir", str(tmp_path / "killed")], log).wait() == 0, log.read_text()[-2000:]
    assert start(args + ["--workdir", str(tmp_path / "whole")], log).wait() == 0, log.read_text()[-2000:]
    assert seen == sorted(seen) and seen[-1] < 150 and mid_write >= 1
    assert_same_run(tmp_path / "killed", tmp_path / "whole", lambda path: restore_drawer(path)[0])


def test_a_killed_trainer_leaves_no_worker_processes(tmp_path):
    workdir = tmp_path / "run"
    proc = start(["train-canvas", "--config", "configs/canvas.py:renderer=bezier,variant=smoke", "--workdir",
                  str(workdir), "--config.steps=100000", "--config.workers=1", "--config.eval_every=100000"],
                 tmp_path / "train.log")
    assert wait_for(lambda: metric_rows(workdir)), (tmp_path / "train.log").read_text()[-2000:]
    children = descendants(proc.pid)
    assert children  # the render worker (and the resource tracker)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in children), 20), [p for p in children if alive(p)]


def test_a_killed_vectorize_leaves_only_complete_files(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    rng = np.random.default_rng(0)
    for i in range(600):
        image = Image.new("L", (64, 64), 255)
        ImageDraw.Draw(image).line([tuple(p) for p in rng.integers(8, 56, (3, 2)).tolist()], fill=0, width=5)
        image.save(inputs / f"s{i:03d}.png")
    out = tmp_path / "out"
    proc = start(["vectorize", str(inputs), "-o", str(out), "--model", "mnist_4lstm"], tmp_path / "vectorize.log")
    assert wait_for(lambda: out.is_dir() and len(os.listdir(out)) > 40), (tmp_path / "vectorize.log").read_text()[-2000:]
    writers = descendants(proc.pid)  # 600 inputs: files are written by a pool of worker processes
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert writers and wait_for(lambda: not any(alive(pid) for pid in writers), 20)
    written = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert 40 < len(written) < 4 * 600
    for path in written:  # each visible file is whole
        if path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".svg":
            ET.fromstring(path.read_text())
        else:
            Image.open(path).load()
    # Running again into the folder clears what the kill left half-written and completes the job.
    rerun = start(["vectorize", str(inputs), "-o", str(out), "--model", "mnist_4lstm"], tmp_path / "rerun.log")
    assert rerun.wait() == 0, (tmp_path / "rerun.log").read_text()[-2000:]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert len(list(out.glob("*.json"))) == 600
