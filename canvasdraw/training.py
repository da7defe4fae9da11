"""What every trainer shares: the data-parallel mesh, the run folder (Orbax checkpoints, run
facts checked on resume, JSONL + TensorBoard metrics) and the non-finite-loss guard.

A run folder ("workdir") holds:
    run.json          facts a checkpoint is only valid with (renderer name/version/actions,
                      size, architecture); a resumed run must match them exactly
    checkpoints/      Orbax steps, items "model" (nnx params) and "opt" (optimizer state)
    metrics.jsonl     one JSON object per logged step
    tb/               TensorBoard event files
"""

from __future__ import annotations

import contextlib
import json
import math
import signal
import time
from pathlib import Path

import jax
import numpy as np
import optax
import orbax.checkpoint as ocp
from flax import nnx
from jax.sharding import NamedSharding, PartitionSpec
from tqdm import tqdm

from canvasdraw.files import write_atomic
from canvasdraw.renderer import UserError


class NonFiniteLossError(RuntimeError):
    pass


def data_mesh() -> jax.sharding.Mesh:
    """A 1-D mesh over every device of every host, axis "data" (pure data parallelism)."""
    return jax.make_mesh((jax.device_count(),), ("data",), axis_types=(jax.sharding.AxisType.Auto,))


def shard_batch(mesh, tree):
    """Places a host-local batch (leading axis = batch) split along the mesh's "data" axis."""
    sharding = NamedSharding(mesh, PartitionSpec("data"))
    if jax.process_count() == 1:
        return jax.device_put(tree, sharding)
    return jax.tree.map(lambda x: jax.make_array_from_process_local_data(sharding, x), tree)


def replicate(mesh, tree):
    """Places a pytree (e.g. model state) in full on every device of the mesh."""
    return jax.device_put(tree, NamedSharding(mesh, PartitionSpec()))


def check_finite(step: int, **losses) -> None:
    """Raises NonFiniteLossError naming the step if any loss is NaN or inf."""
    for name, value in losses.items():
        if not math.isfinite(float(value)):
            raise NonFiniteLossError(f"{name} became {float(value)} at step {step}; "
                                     "the last good checkpoint is kept")


def _flat(facts: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in facts.items():
        out.update(_flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value})
    return out


def _describe_mismatch(saved: dict, wanted: dict) -> str:
    saved, wanted = _flat(saved), _flat(wanted)
    keys = sorted(k for k in set(saved) | set(wanted) if saved.get(k) != wanted.get(k))
    return "; ".join(f"{k}: checkpoint has {saved.get(k)!r}, this run wants {wanted.get(k)!r}"
                     for k in keys)


def _read_facts(facts_file: Path) -> dict:
    try:
        return json.loads(facts_file.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise UserError(f"{facts_file} is unreadable or corrupt: {err}") from None


class RunFolder:
    """A training run's folder: checkpoints, run facts and metric logs (see module docstring)."""

    def __init__(self, path: str | Path, facts: dict, keep: int = 2):
        self.path = Path(path)
        facts = json.loads(json.dumps(facts))  # tuples -> lists, as they read back from disk
        facts_file = self.path / "run.json"
        # The processes of a multi-process run all open the folder; one of them may be creating it.
        for _ in range(20):  # its window is mkdir .. rename of run.json: microseconds
            if facts_file.exists() or not self.path.exists() or not any(self.path.iterdir()):
                break
            time.sleep(0.1)
        if facts_file.exists():
            saved = _read_facts(facts_file)
            if saved != facts:
                raise UserError(f"{self.path} holds a different run ({_describe_mismatch(saved, facts)})")
        elif self.path.exists() and any(self.path.iterdir()):
            raise UserError(f"{self.path} is not empty and has no run.json: not a canvasdraw workdir")
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            write_atomic(facts_file, json.dumps(facts, indent=2) + "\n")  # never seen half-written
        self.facts = facts
        self.manager = ocp.CheckpointManager(
            self.path.resolve() / "checkpoints", item_names=("model", "opt"),
            options=ocp.CheckpointManagerOptions(max_to_keep=keep, enable_async_checkpointing=False))
        self._tb = None

    @classmethod
    def existing(cls, path: str | Path, kind: str) -> "RunFolder":
        """The folder of an earlier run of `kind` ("canvas", "drawer"), opened with its own
        facts for loading; a clear error if it is not one."""
        facts_file = Path(path) / "run.json"
        if not facts_file.exists():
            raise UserError(f"{path} is not a {kind} workdir (no run.json)")
        facts = _read_facts(facts_file)
        if facts.get("kind") != kind:
            raise UserError(f"{path} holds a {facts.get('kind')} run, not a {kind}")
        return cls(path, facts)

    def load_latest(self, model: nnx.Module) -> None:
        """Loads the latest checkpoint into `model` and closes the folder."""
        if self.restore(model) is None:
            raise UserError(f"{self.path} has no checkpoint yet")
        self.close()

    def latest_step(self) -> int | None:
        return self.manager.latest_step()

    def save(self, step: int, model: nnx.Module, optimizer: nnx.Optimizer | None = None) -> None:
        items = {"model": ocp.args.StandardSave(nnx.state(model, nnx.Param))}
        if optimizer is not None:
            items["opt"] = ocp.args.StandardSave(nnx.state(optimizer, nnx.optimizer.OptState))
        self.manager.save(step, args=ocp.args.Composite(**items), force=True)
        self.manager.wait_until_finished()

    def restore(self, model: nnx.Module, optimizer: nnx.Optimizer | None = None,
                step: int | None = None) -> int | None:
        """Loads the latest (or given) checkpoint into model (and optimizer, if given); returns
        its step, or None when the folder has no checkpoint yet."""
        step = self.latest_step() if step is None else step
        if step is None:
            return None
        targets = {"model": nnx.state(model, nnx.Param)}
        if optimizer is not None:
            targets["opt"] = nnx.state(optimizer, nnx.optimizer.OptState)
        items = {name: ocp.args.StandardRestore(jax.tree.map(ocp.utils.to_shape_dtype_struct, target))
                 for name, target in targets.items()}
        try:
            restored = self.manager.restore(step, args=ocp.args.Composite(**items))
        except Exception as err:  # noqa: BLE001 - any Orbax failure means a corrupt checkpoint
            raise UserError(f"checkpoint {step} in {self.path} cannot be read: "
                            f"{str(err).splitlines()[0]}") from None
        nnx.update(model, restored["model"])
        if optimizer is not None:
            nnx.update(optimizer, restored["opt"])
        return step

    def log(self, step: int, metrics: dict) -> None:
        """Appends metrics to metrics.jsonl and TensorBoard (process 0 only)."""
        if jax.process_index() != 0:
            return
        row = {"step": step, **{k: float(v) for k, v in metrics.items()}}
        with open(self.path / "metrics.jsonl", "a") as f:
            f.write(json.dumps(row) + "\n")
        if self._tb is None:
            from tensorboardX import SummaryWriter

            self._tb = SummaryWriter(str(self.path / "tb"))
        for name, value in metrics.items():
            self._tb.add_scalar(name, float(value), step)
        self._tb.flush()

    def image(self, step: int, name: str, rgb: np.ndarray) -> None:
        """Writes an (H, W, 3) float picture as <name>-<step>.png and to TensorBoard."""
        from canvasdraw import images

        if jax.process_index() != 0:
            return
        (self.path / "images").mkdir(exist_ok=True)
        (self.path / "images" / f"{name}-{step:07d}.png").write_bytes(images.png_bytes(rgb))
        if self._tb is not None:
            self._tb.add_image(name, np.clip(rgb, 0, 1), step, dataformats="HWC")

    def close(self) -> None:
        self.manager.close()
        if self._tb is not None:
            self._tb.close()


def learning_rate(config):
    """Adam's learning rate: constant, or linear warm-up then cosine decay to 1% over the run."""
    if config.schedule == "constant":
        return config.learning_rate
    if config.schedule == "cosine":
        return optax.warmup_cosine_decay_schedule(0.0, config.learning_rate, min(500, config.steps // 10 + 1),
                                                  config.steps, end_value=config.learning_rate / 100)
    raise UserError(f"schedule must be constant or cosine, got {config.schedule!r}")


class StopRequests:
    """Turns Ctrl-C and `kill` (SIGINT, SIGTERM) into a flag the training loop checks after each
    step, so it stops at a step boundary and writes its checkpoint. Raising from the handler
    instead could land inside a library that swallows the exception."""

    def __init__(self):
        self.requested = False

    def __enter__(self):
        self._previous = {s: signal.signal(s, self._handle) for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def _handle(self, signum, frame):
        self.requested = True

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)


def fit(run: RunFolder, model, optimizer, stream, train_on, evaluate_now, config, step: int, desc: str) -> int:
    """The loop every trainer shares; returns the last step.

    train_on(batch) -> dict of scalar metrics, the first one the loss; evaluate_now(step) logs
    held-out numbers. Cadence from config: log_every, checkpoint_every, eval_every, steps (the
    total, so a resumed run continues from `step`), batch_size. Logs train/<metric>,
    train/elapsed_s (wall time of this process, evaluations included) and train/samples_per_s. A non-finite loss
    raises NonFiniteLossError; SIGINT/SIGTERM save a checkpoint and raise KeyboardInterrupt.
    """
    started, start_step = time.perf_counter(), step
    with StopRequests() as stop, contextlib.closing(stream), \
            tqdm(total=config.steps, initial=step, desc=desc, unit="step") as bar:
        for batch in stream:
            metrics = train_on(batch)
            step += 1
            bar.update()
            if step % config.log_every == 0 or step == config.steps:
                name, loss = next(iter(metrics.items()))
                check_finite(step, **{name: loss})
                elapsed = time.perf_counter() - started
                run.log(step, {**{f"train/{k}": v for k, v in metrics.items()}, "train/elapsed_s": elapsed,
                               "train/samples_per_s": (step - start_step) * config.batch_size / elapsed})
                bar.set_postfix({k: f"{float(v):.4f}" for k, v in metrics.items()})
            if step % config.checkpoint_every == 0 or stop.requested:
                run.save(step, model, optimizer)
            if stop.requested:
                run.close()
                raise KeyboardInterrupt
            if step % config.eval_every == 0 or step == config.steps:
                evaluate_now(step)
    if run.latest_step() != step:
        run.save(step, model, optimizer)
    return step
