"""Canvases of the knitting renderers (`knitting` = fabric, `knitting_chart`): the grid form
(canvasdraw.nets.canvas.GridCanvas) at 160 px, 8 px a stitch (Neural Inverse Knitting's size).
One action is a whole 20×20 program, so an episode is one action. The prior is the renderer's:
programs relaxed as one-hot + noise through a softmax (NIK's prog2img), drawn as their most
likely instructions, so the canvas learns to draw soft programs as the hard ones they stand for.

Run book (2 CPU cores; `renderer=knitting_chart` for the chart):
    canvasdraw train-canvas --config configs/canvas_knitting.py:renderer=knitting --workdir runs/canvas_knitting
    canvasdraw export-canvas --workdir runs/canvas_knitting -o canvasdraw/weights/knitting.msgpack --half

Variants: (default) the run above; smoke (a few steps of a tiny canvas, tests).
"""

import ml_collections

from canvasdraw_configs import parse_arg
from canvasdraw_configs.canvas import canvas_config


def get_config(arg=None):
    args = parse_arg(arg, renderer="knitting", variant="")
    c = canvas_config(args["renderer"], "smoke" if args["variant"] == "smoke" else "")
    c.size, c.episode_length, c.eval_steps = 160, 1, 1
    if args["variant"] == "smoke":
        c.canvas = ml_collections.ConfigDict(dict(form="grid", hidden=8, depth=1))
    elif not args["variant"]:
        c.steps, c.batch_size, c.eval_every, c.checkpoint_every, c.eval_episodes = 4000, 32, 1000, 250, 32
        c.canvas = ml_collections.ConfigDict(dict(form="grid", hidden=64, depth=3))
    else:
        raise ValueError(f"unknown variant {args['variant']!r}: use smoke or nothing")
    return c
