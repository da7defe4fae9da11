"""Canvas training step throughput (samples/s) per form and renderer, on pre-rendered batches.

    python scripts/bench_canvas.py [--renderers bezier,rectangles,prisms] [--forms action,state]
                                   [--size 64] [--batch 64] [--seconds 10]

Times the jitted `canvasdraw.train.canvas.canvas_update` alone (rollouts are rendered beforehand, so this is
the network's cost; `train-canvas` logs the end-to-end rate as train/samples_per_s). Each cell is
the median over three windows of about `--seconds / 3` after compilation.
"""

import argparse
import statistics
import time

import jax
import optax
from flax import nnx

from canvasdraw.data.rollouts import RolloutSpec, render_transitions
from canvasdraw.nets.canvas import make_canvas, spec_for
from canvasdraw.render.registry import load_renderer
from canvasdraw.train.canvas import canvas_update
from canvasdraw_configs.canvas import canvas_config


def samples_per_second(renderer, form: str, size: int, batch_size: int, seconds: float) -> tuple[float, int]:
    arch = dict(canvas_config(renderer.name).canvas)
    arch["form"] = form
    model = make_canvas(spec_for(renderer, size, **arch), nnx.Rngs(0))
    optimizer = nnx.Optimizer(model, optax.adam(1e-3), wrt=nnx.Param)
    batch = jax.device_put(render_transitions(RolloutSpec(renderer, size, seed=1), 0, batch_size))
    jax.block_until_ready(canvas_update(model, optimizer, batch))  # compile
    rates = []
    for _ in range(3):
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            loss, _ = canvas_update(model, optimizer, batch)
            steps += 1
        jax.block_until_ready(loss)
        rates.append(steps * batch_size / (time.perf_counter() - start))
    params = sum(x.size for x in jax.tree.leaves(nnx.state(model, nnx.Param)))
    return statistics.median(rates), params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renderers", default="bezier,rectangles,prisms")
    parser.add_argument("--forms", default="action,state")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(f"devices: {jax.device_count()} x {jax.devices()[0].device_kind}")
    print("| renderer | form | size | parameters | samples/s |")
    print("|---|---|---|---|---|")
    for name in args.renderers.split(","):
        for form in args.forms.split(","):
            rate, params = samples_per_second(load_renderer(name), form, args.size, args.batch, args.seconds)
            print(f"| {name} | {form} | {args.size} | {params:,} | {rate:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
