import json
import os
import signal
import socket
import subprocess
import sys
import time

import jax
import numpy as np
import pytest
from flax import nnx

from canvasdraw import load_renderer
from canvasdraw.cli.main import main
from canvasdraw.errors import NonFiniteLossError, UserError
from canvasdraw.nets.canvas import make_canvas, next_state, spec_for
from canvasdraw.store.canvases import load_canvas
from canvasdraw.train.canvas import train_and_evaluate
from canvasdraw_configs.canvas import canvas_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("name, form, size", [("bezier", "action", 16), ("bezier", "state", 32),
                                              ("rectangles", "action", 32), ("prisms", "state", 16)])
def test_canvas_shapes_and_ranges(name, form, size):
    r = load_renderer(name)
    widths = (16, 8) if size == 16 else (16, 8, 8)
    spec = spec_for(r, size, form=form, widths=widths, hidden=16)
    model = make_canvas(spec, nnx.Rngs(0))
    states = np.stack([r.blank(size)] * 3)
    actions = np.random.default_rng(0).random((3, r.action_dim), np.float32)
    logits = model(states, actions)
    assert logits.shape == (3, size, size, r.layer_channels)
    pred = next_state(spec, states, logits)
    assert pred.shape == states.shape and float(pred.min()) >= 0 and float(pred.max()) <= 1


def test_bad_canvas_geometry_is_refused():
    bezier = load_renderer("bezier")
    with pytest.raises(ValueError, match="must be 16, 32, 64 or 128"):
        spec_for(bezier, 48)
    with pytest.raises(ValueError, match="patch 6 does not divide size 32"):
        spec_for(bezier, 32, patch=6)
    with pytest.raises(ValueError, match="needs coarse"):
        spec_for(bezier, 32, form="state", widths=(16, 8))
    with pytest.raises(ValueError, match="form must be"):
        spec_for(bezier, 32, form="pixels")


def _metrics(workdir):
    return [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]


def test_smoke_training_lowers_loss_and_resumes(tmp_path):
    config = canvas_config("bezier", "smoke")
    config.steps = 12
    workdir = str(tmp_path / "run")
    first = train_and_evaluate(config, workdir)
    losses = [m["train/bce"] for m in _metrics(workdir) if "train/bce" in m]
    assert losses[-1] < losses[0]
    assert first["single_mse"] < first["black_mse"] + 0.05
    assert set(first) >= {"single_mse", "single_l1", "seq4_mse", "seq10_mse", "black_mse"}
    assert any(name.endswith(".png") for name in os.listdir(tmp_path / "run" / "images"))
    # Resume: a longer schedule is refused unless allowed, then continues from step 12, not from 0.
    config.steps = 14
    with pytest.raises(UserError, match=r"other settings \(steps: 12 -> 14\); pass --allow-changes"):
        train_and_evaluate(config, workdir)
    train_and_evaluate(config, workdir, allow_changes=True)
    steps = [m["step"] for m in _metrics(workdir) if "train/bce" in m]
    assert steps[-2:] == [12, 14] and steps.count(2) == 1
    recorded = json.load(open(os.path.join(workdir, "run.json")))
    assert recorded["config"]["steps"] == 14 and recorded["history"] == [{"changes": {"steps": [12, 14]}}]
    assert load_canvas(workdir).spec.size == 16


def test_workdir_of_another_renderer_is_refused(tmp_path):
    train_and_evaluate(canvas_config("bezier", "smoke"), str(tmp_path / "run"))
    with pytest.raises(UserError, match="canvas.renderer: checkpoint has 'bezier', this run wants 'rectangles'"):
        train_and_evaluate(canvas_config("rectangles", "smoke"), str(tmp_path / "run"))
    with pytest.raises(UserError, match="trained for renderer bezier v2, not rectangles v2"):
        load_canvas(str(tmp_path / "run"), load_renderer("rectangles"))


def test_a_canvas_run_can_start_from_another_renderers_canvas_of_the_same_shape(tmp_path):
    """init_from warm-starts a canvas when a renderer changes its pixels (bezier_alpha from
    another 8-parameter stroke canvas); a canvas of another action width is refused."""
    config = canvas_config("bezier_alpha", "smoke")
    train_and_evaluate(config, str(tmp_path / "first"))
    config.init_from, config.steps, config.schedule, config.learning_rate = str(tmp_path / "first"), 1, "constant", 0.0
    train_and_evaluate(config, str(tmp_path / "second"))
    first, second = load_canvas(tmp_path / "first"), load_canvas(tmp_path / "second")
    for a, b in zip(jax.tree.leaves(first.params), jax.tree.leaves(second.params)):
        np.testing.assert_array_equal(a, b)
    assert json.load(open(tmp_path / "second" / "run.json"))["init_from"] == str(tmp_path / "first")
    other = canvas_config("bezier", "smoke")  # 7 parameters
    other.init_from = str(tmp_path / "first")
    with pytest.raises(UserError, match=r"does not match this one apart from the renderer \(action width 8 vs 7\)"):
        train_and_evaluate(other, str(tmp_path / "third"))
    assert not (tmp_path / "third").exists()


def test_missing_or_corrupt_workdir(tmp_path, capsys):
    assert main(["eval-canvas", "--workdir", str(tmp_path / "nothing")]) == 2
    assert "not a workdir, a weights file or a shipped canvas" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["eval-canvas", "--workdir", str(tmp_path / "empty")]) == 2
    assert "not a canvas workdir (no run.json)" in capsys.readouterr().err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "run.json").write_text("{not json")
    with pytest.raises(UserError, match="unreadable or corrupt"):
        train_and_evaluate(canvas_config("bezier", "smoke"), str(tmp_path / "bad"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    with pytest.raises(UserError, match="not a canvasdraw workdir"):
        train_and_evaluate(canvas_config("bezier", "smoke"), str(tmp_path / "other"))


def test_non_finite_loss_stops_with_the_step(tmp_path):
    config = canvas_config("bezier", "smoke")
    config.learning_rate = float("nan")
    with pytest.raises(UserError, match="config.learning_rate must be a number >= 0, got nan"):
        train_and_evaluate(config, str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()
    config.learning_rate = 1e30  # Adam moves every parameter by ~1e30: the loss overflows
    with pytest.raises(NonFiniteLossError, match=r"at step \d+"):
        train_and_evaluate(config, str(tmp_path / "run"))


@pytest.mark.slow
def test_kill_during_training_leaves_a_checkpoint_to_resume(tmp_path):
    workdir = tmp_path / "run"
    cmd = [sys.executable, "-m", "canvasdraw", "train-canvas", "--config",
           os.path.join(REPO, "configs", "canvas.py:renderer=bezier,variant=smoke"), "--workdir", str(workdir),
           "--config.steps=100000", "--config.checkpoint_every=1000000", "--config.eval_every=1000000",
           "--config.workers=1"]
    log = open(tmp_path / "train.log", "w")  # a file, not a pipe: a full pipe would block the run
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not (workdir / "metrics.jsonl").exists():
        time.sleep(0.5)
    assert (workdir / "metrics.jsonl").exists(), (tmp_path / "train.log").read_text()[-2000:]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    log.close()
    assert proc.returncode == 130, (tmp_path / "train.log").read_text()[-2000:]
    saved = sorted(int(p) for p in os.listdir(workdir / "checkpoints") if p.isdigit())
    assert saved and saved[-1] >= 2  # only the interrupt could have written a checkpoint
    assert "leaked" not in (tmp_path / "train.log").read_text()
    config = canvas_config("bezier", "smoke")
    config.steps = saved[-1] + 2
    train_and_evaluate(config, str(workdir), allow_changes=True)
    steps = [m["step"] for m in _metrics(workdir) if "train/bce" in m]
    assert steps[-1] == saved[-1] + 2


EIGHT_DEVICES = r"""
import jax, numpy as np, optax
from flax import nnx
from canvasdraw import load_renderer
from canvasdraw.nets.canvas import make_canvas, spec_for
from canvasdraw.train.canvas import canvas_update
from canvasdraw.data.rollouts import RolloutSpec, render_transitions
from canvasdraw.train.loop import data_mesh, replicate, shard_batch
assert jax.device_count() == 8
r = load_renderer("bezier")
batch = render_transitions(RolloutSpec(r, 16, seed=4), 0, 16)
def one_step(spec, mesh):
    model = make_canvas(spec, nnx.Rngs(0))
    opt = nnx.Optimizer(model, optax.adam(1e-3), wrt=nnx.Param)
    if mesh is not None:
        nnx.update(model, replicate(mesh, nnx.state(model)))
        nnx.update(opt, replicate(mesh, nnx.state(opt)))
        data = shard_batch(mesh, batch)
        assert len(data["state"].sharding.device_set) == 8
    else:
        data = jax.device_put(batch, jax.devices()[0])
    canvas_update(model, opt, data)
    return jax.tree.map(np.asarray, nnx.state(model, nnx.Param))
for form in ("action", "state"):
    spec = spec_for(r, 16, form=form, hidden=16, widths=(16, 8))
    single, sharded = one_step(spec, None), one_step(spec, data_mesh())
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(jax.tree.leaves(single), jax.tree.leaves(sharded)))
    changed = max(float(np.max(np.abs(a - b))) for a, b in zip(jax.tree.leaves(single), jax.tree.leaves(
        jax.tree.map(np.asarray, nnx.state(make_canvas(spec, nnx.Rngs(0)), nnx.Param)))))
    print(form, "max param difference", diff, "step changed params by", changed)
    assert diff < 1e-5 and changed > 1e-4
"""


@pytest.mark.slow
def test_sharded_step_on_8_devices_equals_single_device_step():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", EIGHT_DEVICES], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("max param difference") == 2


@pytest.mark.slow
def test_two_process_distributed_training_on_localhost(tmp_path):
    """`--distributed` with two JAX processes on this machine (docs/multihost.md): both finish,
    process 0 alone writes the logs, and both report the same held-out numbers."""
    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    workdir = tmp_path / "run"
    logs = [open(tmp_path / f"p{i}.log", "w") for i in range(2)]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "canvasdraw", "train-canvas", "--distributed", "--coordinator", f"localhost:{port}",
         "--num-processes", "2", "--process-id", str(i), "--config", os.path.join(REPO, "configs", "canvas.py:renderer=bezier,variant=smoke"),
         "--workdir", str(workdir)], cwd=REPO, stdout=logs[i], stderr=subprocess.STDOUT) for i in range(2)]
    for proc in procs:
        proc.wait(timeout=300)
    outputs = [(tmp_path / f"p{i}.log").read_text() for i in range(2)]
    assert [p.returncode for p in procs] == [0, 0], outputs[0][-1500:] + outputs[1][-1500:]
    tables = [out[out.index("| metric"):] for out in outputs]
    assert tables[0] == tables[1]
    steps = [m["step"] for m in _metrics(workdir) if "train/bce" in m]
    assert steps == [2, 4, 6]  # one writer, not two
    assert "6" in os.listdir(workdir / "checkpoints")
