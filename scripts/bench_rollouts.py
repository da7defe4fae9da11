"""Rollout throughput: transitions/s at 64 px for 1 and 2 Grain workers, per renderer.

    python scripts/bench_rollouts.py [--renderers bezier,prisms] [--seconds 4]

Each cell renders batches of 256 transitions (episode length 8) for about `--seconds` after a
warm-up and reports the median of three runs.
"""

import argparse
import contextlib
import statistics
import time

from canvasdraw.data.rollouts import RolloutSpec, batches
from canvasdraw.render.registry import entry_points, load_renderer

EPISODES, LENGTH = 32, 8  # 256 transitions per batch


def throughput(spec: RolloutSpec, workers: int, seconds: float) -> float:
    stream = batches(spec, EPISODES, 10**9, workers=workers)
    with contextlib.closing(stream):
        for _ in range(4 * max(workers, 1)):  # warm-up: worker start and first batches
            next(stream)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            next(stream)
            count += EPISODES * LENGTH
        return count / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renderers", default=",".join(sorted(entry_points())))
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    print("| renderer | size | 1 worker (transitions/s) | 2 workers (transitions/s) |")
    print("|---|---|---|---|")
    for name in args.renderers.split(","):
        spec = RolloutSpec(load_renderer(name), args.size, seed=0, episode_length=LENGTH)
        cells = [statistics.median(throughput(spec, w, args.seconds) for _ in range(3)) for w in (1, 2)]
        print(f"| {name} | {args.size} | {cells[0]:,.0f} | {cells[1]:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
