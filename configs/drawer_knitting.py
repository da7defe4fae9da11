"""Knitting images -> machine instruction programs, learned without paired data: the grid drawer
(canvasdraw.nets.drawer.GridDrawer) writes a whole 20×20 program as a softmax per stitch, drawn
by the frozen grid canvas of the knitting renderer; the loss is the pixel L2 between that drawing
and the image. The programs that made the training images are never shown to it.

Run book (2 CPU cores; style=chart for the chart renderer and model `knitting_chart`; times of the
shipped models, 2026-11-30: canvas 1,551 s / 931 s chart, drawer 688 s / 709 s chart):
    canvasdraw train-canvas --config configs/canvas_knitting.py:renderer=knitting --workdir runs/canvas_knitting
    canvasdraw train-drawer --config configs/drawer_knitting.py:style=fabric --workdir runs/knitting \
        --config.canvas=runs/canvas_knitting
    canvasdraw export-model --workdir runs/knitting -o canvasdraw/weights/models/knitting.msgpack --half
    python scripts/bench_knitting.py --model knitting      # accuracy beside the supervised upper bound

Variants: style=fabric|chart; variant=smoke (a few steps, tests; give --config.canvas).
"""

import ml_collections

from canvasdraw_configs import parse_arg
from canvasdraw_configs.drawer import drawer_config

RENDERERS = {"fabric": "knitting", "chart": "knitting_chart"}


def get_config(arg=None):
    args = parse_arg(arg, style="fabric", variant="")
    if args["style"] not in RENDERERS or args["variant"] not in ("", "smoke"):
        raise ValueError(f"unknown style or variant in {arg!r}: style=fabric|chart, variant=smoke or nothing")
    renderer, smoke = RENDERERS[args["style"]], args["variant"] == "smoke"
    c = drawer_config(f"{renderer}:{32 if smoke else 8000}", renderer, "smoke" if smoke else "1lstm")
    c.size, c.steps_per_image = 160, 1
    c.drawer = ml_collections.ConfigDict(dict(variant="grid", grid=(20, 20), hidden=8 if smoke else 64,
                                              depth=1 if smoke else 4, temperature=1.0, straight_through=False))
    if not smoke:
        c.steps, c.batch_size, c.eval_every, c.checkpoint_every, c.eval_images = 3000, 32, 1000, 250, 256
    return c
