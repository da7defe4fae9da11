"""What every trainer shares: the data-parallel mesh, the learning-rate schedule, the training
loop over a run folder (canvasdraw.store.runs) with its stop requests and non-finite-loss guard."""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import time

import jax
import optax
from flax import nnx
from jax.sharding import NamedSharding, PartitionSpec
from tqdm import tqdm

from canvasdraw.data.rollouts import RolloutSpec, batches
from canvasdraw.errors import NonFiniteLossError, UserError
from canvasdraw.store.runs import RunFolder


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


def host_rollouts(spec: RolloutSpec, episodes_per_batch: int, num_batches: int, **kwargs):
    """Rollout `batches` for this JAX process: host p of P renders its own episodes of each batch."""
    return batches(spec, episodes_per_batch, num_batches, shard_index=jax.process_index(),
                   shard_count=jax.process_count(), **kwargs)


def check_finite(step: int, **losses) -> None:
    """Raises NonFiniteLossError naming the step if any loss is NaN or inf."""
    for name, value in losses.items():
        if not math.isfinite(float(value)):
            raise NonFiniteLossError(f"{name} became {float(value)} at step {step}; the run folder keeps "
                                     "its metrics and the checkpoints written before")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_config(config, positive: tuple[str, ...] = (), non_negative: tuple[str, ...] = ()) -> None:
    """Checks a training config before any file is written: the fields every trainer has, plus
    the trainer's own whole-number fields that must be >= 1 (`positive`) or >= 0 (`non_negative`).
    Raises UserError naming the first bad field."""
    for name in ("steps", "batch_size", "log_every", "checkpoint_every", "eval_every") + positive:
        if not _whole(config[name]) or config[name] < 1:
            raise UserError(f"config.{name} must be a whole number >= 1, got {config[name]!r}")
    for name in non_negative:
        if not _whole(config[name]) or config[name] < 0:
            raise UserError(f"config.{name} must be a whole number >= 0, got {config[name]!r}")
    rate = config.learning_rate
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < math.inf:
        raise UserError(f"config.learning_rate must be a number >= 0, got {rate!r}")
    learning_rate(config)  # an unknown schedule is a UserError
    if config.batch_size % jax.device_count():
        raise UserError(f"config.batch_size {config.batch_size} is not divisible by the {jax.device_count()} "
                        f"devices: use a multiple of {jax.device_count()}")


def describe_devices(mesh, batch_size: int) -> str:
    """One line on where training runs: devices, processes, mesh and per-device batch."""
    device = jax.devices()[0]
    return (f"training on {jax.device_count()} {device.platform} device(s) in {jax.process_count()} process(es), "
            f"mesh {dict(mesh.shape)}, batch {batch_size} ({batch_size // jax.device_count()} per device)")


def resume_on_mesh(run: RunFolder, model, config) -> tuple:
    """Adam for `model` (learning_rate(config)), both loaded from the run's latest checkpoint if
    it has one and replicated over the data mesh, whose devices are logged. Returns (optimizer,
    the step to go on from, mesh)."""
    optimizer = nnx.Optimizer(model, optax.adam(learning_rate(config)), wrt=nnx.Param)
    step = run.restore(model, optimizer) or 0
    mesh = data_mesh()
    tqdm.write(describe_devices(mesh, config.batch_size), file=sys.stderr)
    nnx.update(model, replicate(mesh, nnx.state(model)))
    nnx.update(optimizer, replicate(mesh, nnx.state(optimizer)))
    return optimizer, step, mesh


def learning_rate(config):
    """Adam's learning rate: constant, or linear warm-up then cosine decay to 1% over the run."""
    if config.schedule == "constant":
        return config.learning_rate
    if config.schedule == "cosine":
        return optax.warmup_cosine_decay_schedule(0.0, config.learning_rate, min(500, config.steps // 10 + 1),
                                                  config.steps, end_value=config.learning_rate / 100)
    raise UserError(f"config.schedule must be constant or cosine, got {config.schedule!r}")


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
    run.forget_after(step)
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
