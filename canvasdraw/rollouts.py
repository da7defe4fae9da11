"""Rollouts (paper §3.2): a deterministic stream of transitions (x_n, y_n, x_n+1).

Transition i of a stream with (seed, episode_length L) is step n = i mod L of episode
e = i // L: episode e starts from x_0 = blank(size) and draws L actions sampled from the
renderer's prior with `np.random.default_rng((seed, e))`. So every transition is a pure
function of (renderer, size, seed, L, i), whatever the worker count or host count.

The stream is cut into batches of B transitions; batch k holds transitions [kB, (k+1)B). Grain
renders batches in worker processes. On multi-host runs each host renders only its own rows of
every batch (host p of P: rows [pB/P, (p+1)B/P)), so the global stream is the same for any P.
Tip: with B a multiple of L no episode is rendered twice.
"""

from __future__ import annotations

import dataclasses

import grain
import numpy as np

from canvasdraw.renderer import Renderer, check_size


@dataclasses.dataclass(frozen=True)
class RolloutSpec:
    """What a rollout stream draws: the renderer, size, seed and episode length L (>= 1)."""

    renderer: Renderer
    size: int
    seed: int = 0
    episode_length: int = 8

    def __post_init__(self):
        check_size(self.size)
        if self.episode_length < 1:
            raise ValueError(f"episode_length must be >= 1, got {self.episode_length}")


def episode_actions(spec: RolloutSpec, episode: int, steps: int | None = None) -> np.ndarray:
    """The first `steps` (default L) actions of an episode, (steps, D) float32."""
    rng = np.random.default_rng((spec.seed, episode))
    count = spec.episode_length if steps is None else steps
    return np.stack([spec.renderer.sample_action(rng) for _ in range(count)])


def render_transitions(spec: RolloutSpec, start: int, stop: int) -> dict[str, np.ndarray]:
    """Transitions [start, stop) as {"state": (N, S, S, C), "action": (N, D), "next_state": ...}."""
    r, size, length = spec.renderer, spec.size, spec.episode_length
    count = stop - start
    out = {
        "state": np.empty((count, size, size, r.channels), np.float32),
        "action": np.empty((count, r.action_dim), np.float32),
        "next_state": np.empty((count, size, size, r.channels), np.float32),
    }
    i = start
    while i < stop:
        episode, first = divmod(i, length)
        last = min(length, first + stop - i)  # steps of this episode needed: [first, last)
        actions = episode_actions(spec, episode, last)
        state = r.blank(size)
        for n in range(last):
            nxt = r.step(state, actions[n])
            if n >= first:
                row = i - start + n - first
                out["state"][row], out["action"][row], out["next_state"][row] = state, actions[n], nxt
            state = nxt
        i += last - first
    return out


class RenderBatch(grain.transforms.Map):
    """Grain transform: batch index k -> this host's rows of batch k (see module docstring)."""

    def __init__(self, spec: RolloutSpec, batch_size: int, shard_index: int = 0, shard_count: int = 1):
        if batch_size % shard_count:
            raise ValueError(f"batch size {batch_size} is not divisible by {shard_count} hosts")
        self.spec, self.batch_size = spec, batch_size
        self.rows = batch_size // shard_count
        self.offset = shard_index * self.rows

    def map(self, k: int) -> dict[str, np.ndarray]:
        start = k * self.batch_size + self.offset
        return render_transitions(self.spec, start, start + self.rows)


def batches(spec: RolloutSpec, batch_size: int, num_batches: int, start_batch: int = 0,
            workers: int = 0, shard_index: int = 0, shard_count: int = 1, buffer_per_worker: int = 4):
    """An iterator over batches [start_batch, start_batch + num_batches) of the stream.

    Each item is a dict of NumPy arrays with a leading axis of batch_size // shard_count.
    `workers` = 0 renders in this process; > 0 uses that many Grain worker processes.
    Resuming training at batch k is `start_batch=k`.
    """
    dataset = grain.MapDataset.range(start_batch, start_batch + num_batches)
    dataset = dataset.map(RenderBatch(spec, batch_size, shard_index, shard_count))
    # One render thread per process: Cairo strokes are too short for threads to beat the GIL.
    dataset = dataset.to_iter_dataset(grain.ReadOptions(num_threads=1, prefetch_buffer_size=2))
    if workers > 0:
        _mark_absl_flags_parsed()
        dataset = dataset.mp_prefetch(grain.MultiprocessingOptions(
            num_workers=workers, per_worker_buffer_size=buffer_per_worker))
    return iter(dataset)


def _mark_absl_flags_parsed():
    """Grain's worker processes read absl flags, which plain scripts never parse
    (google/grain#1355); accept the defaults unless the program parsed them itself."""
    from absl import flags

    if not flags.FLAGS.is_parsed():
        flags.FLAGS.mark_as_parsed()


def host_batches(spec: RolloutSpec, batch_size: int, num_batches: int, **kwargs):
    """`batches` for this JAX process: host p of P renders its own rows of each global batch."""
    import jax

    return batches(spec, batch_size, num_batches, shard_index=jax.process_index(),
                   shard_count=jax.process_count(), **kwargs)
