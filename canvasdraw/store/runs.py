"""A training run's folder ("workdir"): Orbax checkpoints, the run's facts, checked on resume,
and its JSONL + TensorBoard metrics. It holds:
    run.json          facts a checkpoint is only valid with (renderer name/version/actions,
                      size, architecture), which a resumed run must match exactly; the
                      training settings ("config") and their allowed changes ("history")
    checkpoints/      Orbax steps, items "model" (nnx params) and "opt" (optimizer state)
    metrics.jsonl     one JSON object per logged step
    tb/               TensorBoard event files
    images/           pictures logged during training
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from pathlib import Path

import jax
import numpy as np
import orbax.checkpoint as ocp
from flax import nnx
from tensorboardX import SummaryWriter

from canvasdraw import pictures
from canvasdraw.errors import NonFiniteLossError, UserError
from canvasdraw.files import check_creatable, write_atomic


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


# Config fields that change how a run is watched, not what it computes: a resumed run may change them.
CADENCE = {"log_every", "checkpoint_every", "eval_every", "eval_images", "eval_episodes", "final_eval_images",
           "workers"}
RECORDS = ("config", "history")  # run.json entries that are not facts: the settings and their changes


def config_changes(saved: dict, wanted: dict) -> dict:
    """{field: [saved value, wanted value]} of the flattened configs, cadence fields left out."""
    saved, wanted = _flat(saved), _flat(wanted)
    return {k: [saved.get(k), wanted.get(k)] for k in sorted(set(saved) | set(wanted))
            if saved.get(k) != wanted.get(k) and k.split(".")[0] not in CADENCE}


def has_checkpoint(path: str | Path) -> bool:
    """Whether a run folder holds a finished checkpoint (a step folder Orbax completed)."""
    checkpoints = Path(path) / "checkpoints"
    return checkpoints.is_dir() and any(p.name.isdigit() for p in checkpoints.iterdir())


class RunFolder:
    """A training run's folder: checkpoints, run facts and metric logs (see module docstring).

    `facts` must equal those of an existing folder; `config` (the training settings, for trainers)
    may differ only in CADENCE fields unless `allow_changes`, and then run.json records the
    change in its "history". `created`: this object made the folder (see discarded_if_start_fails)."""

    def __init__(self, path: str | Path, facts: dict, keep: int = 2, config: dict | None = None,
                 allow_changes: bool = False):
        self.path = Path(path)
        facts = json.loads(json.dumps(facts))  # tuples -> lists, as they read back from disk
        config = json.loads(json.dumps(config)) if config is not None else None
        facts_file = self.path / "run.json"
        check_creatable(self.path, f"{self.path} is a file, not a run folder")
        # The processes of a multi-process run all open the folder; one of them may be creating it.
        for _ in range(20):  # its window is mkdir .. rename of run.json: microseconds
            if facts_file.exists() or not self.path.exists() or not any(self.path.iterdir()):
                break
            time.sleep(0.1)
        self.created = False
        if facts_file.exists():
            saved = _read_facts(facts_file)
            records = {k: saved.pop(k) for k in RECORDS if k in saved}
            if saved != facts:
                raise UserError(f"{self.path} holds a different run ({_describe_mismatch(saved, facts)})")
            if config is not None:
                self._resume_with(facts_file, {**saved, **records}, config, allow_changes)
        elif self.path.exists() and any(self.path.iterdir()):
            raise UserError(f"{self.path} is not empty and has no run.json: not a canvasdraw workdir")
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self.created = True
            record = facts if config is None else {**facts, "config": config}
            write_atomic(facts_file, json.dumps(record, indent=2) + "\n")  # never seen half-written
        self.facts = facts
        self.manager = ocp.CheckpointManager(
            self.path.resolve() / "checkpoints", item_names=("model", "opt"),
            options=ocp.CheckpointManagerOptions(max_to_keep=keep, enable_async_checkpointing=False))
        self._tb = None

    def _resume_with(self, facts_file: Path, saved: dict, config: dict, allow_changes: bool) -> None:
        """Refuses changed settings (listing them) unless allowed; records allowed ones."""
        changes = config_changes(saved.get("config", config), config)
        if changes and not allow_changes:
            listed = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in changes.items())
            raise UserError(f"{self.path} was trained with other settings ({listed}); "
                            "pass --allow-changes to go on with the new ones")
        if changes or "config" not in saved:
            note = {"changes": changes} if changes else {"recorded": "the settings of this resume; earlier ones unknown"}
            history = saved.get("history", []) + [note]
            write_atomic(facts_file, json.dumps({**saved, "config": config, "history": history}, indent=2) + "\n")

    @contextlib.contextmanager
    def discarded_if_start_fails(self):
        """A block (the training) after which, if it raised, the folder is removed when this object
        created it and no checkpoint was written: a start that failed leaves nothing behind. A
        non-finite loss keeps the folder: its metrics show where the loss blew up."""
        try:
            yield
        except NonFiniteLossError:
            raise
        except BaseException:
            if self.created and self.latest_step() is None:
                self.close()
                shutil.rmtree(self.path, ignore_errors=True)
            raise

    def forget_after(self, step: int) -> None:
        """Drops metric rows logged after `step` (the checkpoint a resumed run goes on from), so a
        step redone after a resume is not logged twice."""
        metrics = self.path / "metrics.jsonl"
        if jax.process_index() != 0 or not metrics.exists():
            return
        rows = metrics.read_text().splitlines()
        kept = [row for row in rows if json.loads(row)["step"] <= step]
        if len(kept) != len(rows):
            write_atomic(metrics, "".join(row + "\n" for row in kept))

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
        return cls(path, {k: v for k, v in facts.items() if k not in RECORDS})

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
            self._tb = SummaryWriter(str(self.path / "tb"))
        for name, value in metrics.items():
            self._tb.add_scalar(name, float(value), step)
        self._tb.flush()

    def image(self, step: int, name: str, rgb: np.ndarray) -> None:
        """Writes an (H, W, 3) float picture as <name>-<step>.png and to TensorBoard."""
        if jax.process_index() != 0:
            return
        (self.path / "images").mkdir(exist_ok=True)
        (self.path / "images" / f"{name}-{step:07d}.png").write_bytes(pictures.png_bytes(rgb))
        if self._tb is not None:
            self._tb.add_image(name, np.clip(rgb, 0, 1), step, dataformats="HWC")

    def close(self) -> None:
        self.manager.close()
        if self._tb is not None:
            self._tb.close()
