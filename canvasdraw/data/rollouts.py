"""Rollouts (paper §3.2): a deterministic stream of transitions (x_n, y_n, x_n+1).

Episode e of a stream with (seed, episode_length L) starts from x_0 = blank(size) and draws L
actions sampled from the renderer's prior with `np.random.default_rng((seed, e))`; transition i
is step n = i mod L of episode i // L. Every transition is thus a pure function of
(renderer, size, seed, L, i), whatever the worker or host count.

Batches travel in *episode form*, {"states": (E, L+1, S, S, C), "actions": (E, L, D)}: batch k
holds episodes [kE, (k+1)E), i.e. transitions [kEL, (k+1)EL). `transitions` flattens a batch to
x_n, y_n, x_n+1 (on NumPy or on device). This ships (L+1)/2L of the pixels that transition
triples would, which matters: moving pixels between processes costs as much as drawing them.
Grain renders batches in worker processes. On multi-host runs each host renders only its own
episodes of every batch (`shard_index` p of `shard_count` P: episodes [pE/P, (p+1)E/P) of it), so
the global stream is the same for any P.
"""

from __future__ import annotations

import dataclasses

import grain
import numpy as np
from absl import flags

from canvasdraw.processes import die_with_parent
from canvasdraw.render.contract import Renderer, check_size


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


def render_states(renderer: Renderer, actions: np.ndarray, size: int) -> np.ndarray:
    """The states x_0 (blank) .. x_N of drawing actions (N, D) in order: (N+1, S, S, C)."""
    states = np.empty((len(actions) + 1, size, size, renderer.channels), np.float32)
    states[0] = renderer.blank(size)
    for n, action in enumerate(actions):
        states[n + 1] = renderer.step(states[n], action)
    return states


def render_episodes(spec: RolloutSpec, first: int, count: int) -> dict[str, np.ndarray]:
    """Episodes [first, first + count) as {"states": (count, L+1, S, S, C), "actions": (count, L, D)}."""
    actions = np.stack([episode_actions(spec, first + e) for e in range(count)])
    states = np.stack([render_states(spec.renderer, a, spec.size) for a in actions])
    return {"states": states, "actions": actions}


def transitions(batch: dict) -> dict:
    """Episode-form batch -> {"state", "action", "next_state"} with E·L rows, in stream order.

    Works on NumPy and jax.numpy arrays alike (plain slicing and reshapes)."""
    states, actions = batch["states"], batch["actions"]
    pixels = states.shape[2:]
    return {"state": states[:, :-1].reshape((-1,) + pixels),
            "action": actions.reshape((-1, actions.shape[-1])),
            "next_state": states[:, 1:].reshape((-1,) + pixels)}


def render_transitions(spec: RolloutSpec, start: int, stop: int) -> dict[str, np.ndarray]:
    """Transitions [start, stop) of the stream as {"state", "action", "next_state"} arrays."""
    length = spec.episode_length
    first = start // length
    rows = transitions(render_episodes(spec, first, -(-stop // length) - first))
    return {key: value[start - first * length:stop - first * length] for key, value in rows.items()}


class RenderBatch(grain.transforms.Map):
    """Grain transform: batch index k -> this host's episodes of batch k (see module docstring)."""

    def __init__(self, spec: RolloutSpec, episodes_per_batch: int, shard_index: int = 0,
                 shard_count: int = 1):
        if episodes_per_batch % shard_count:
            raise ValueError(f"{episodes_per_batch} episodes per batch are not divisible by "
                             f"{shard_count} hosts")
        self.spec, self.episodes_per_batch = spec, episodes_per_batch
        self.count = episodes_per_batch // shard_count
        self.offset = shard_index * self.count

    def map(self, k: int) -> dict[str, np.ndarray]:
        return render_episodes(self.spec, k * self.episodes_per_batch + self.offset, self.count)


def batches(spec: RolloutSpec, episodes_per_batch: int, num_batches: int, start_batch: int = 0,
            workers: int = 0, shard_index: int = 0, shard_count: int = 1, buffer_per_worker: int = 4):
    """An iterator over batches [start_batch, start_batch + num_batches) of the stream.

    Each item is an episode-form dict of NumPy arrays with episodes_per_batch // shard_count
    episodes (see `transitions`).
    `workers` = 0 renders in this process; > 0 uses that many Grain worker processes.
    Resuming training at batch k is `start_batch=k`.
    """
    dataset = grain.MapDataset.range(start_batch, start_batch + num_batches)
    dataset = dataset.map(RenderBatch(spec, episodes_per_batch, shard_index, shard_count))
    # One render thread per process: Cairo strokes are too short for threads to beat the GIL.
    dataset = dataset.to_iter_dataset(grain.ReadOptions(num_threads=1, prefetch_buffer_size=2))
    if workers > 0:
        _mark_absl_flags_parsed()
        # Batches travel pickled, not in shared memory: Grain's shared-memory blocks outlive a
        # stopped or killed trainer and are reported as leaked (google/grain#398).
        dataset = grain.experimental.WithOptionsIterDataset(
            dataset, grain.experimental.DatasetOptions(min_shm_size=2**62))
        dataset = dataset.mp_prefetch(grain.MultiprocessingOptions(
            num_workers=workers, per_worker_buffer_size=buffer_per_worker), worker_init_fn=die_with_parent)
    return iter(dataset)


def _mark_absl_flags_parsed():
    """Grain's worker processes read absl flags, which plain scripts never parse
    (google/grain#1355); accept the defaults unless the program parsed them itself."""
    if not flags.FLAGS.is_parsed():
        flags.FLAGS.mark_as_parsed()
