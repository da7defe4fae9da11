"""Drawers through a frozen canvas (paper §3.3) on any image source: the fields every drawer
family (configs/drawer_*.py) builds on, documented inline.

Run book (your own pictures in DIR; see `canvasdraw.data.sources` for the sources):
    canvasdraw train-drawer --config configs/drawer.py:data=folder:DIR,variant=4lstm --workdir runs/my_4lstm
    canvasdraw train-drawer --config configs/drawer.py:data=strokes:4000,variant=smoke --workdir /tmp/smoke_drawer
    canvasdraw eval-drawer --workdir runs/my_4lstm --data folder:DIR

Arguments: data (image source), canvas (shipped name, canvas run folder or weights file),
variant: <N>lstm / <N>plain (N strokes per image), smoke (16 px through a smoke canvas of
configs/canvas.py, for tests).
"""

import re

import ml_collections

from canvasdraw_configs import parse_arg


def get_config(arg=None):
    args = parse_arg(arg, data="strokes:4000", canvas="bezier_alpha", variant="4lstm")
    return drawer_config(args["data"], args["canvas"], args["variant"])


def drawer_config(data: str, canvas: str, variant: str | None):
    """variant: "<N>lstm" or "<N>plain" with N actions per image (default "4lstm"), or "smoke"
    (16 px, a few updates, for tests)."""
    c = ml_collections.ConfigDict()
    c.data = data                 # image source, see canvasdraw.data.sources.load_images
    c.canvas = canvas             # shipped canvas name, canvas workdir or .msgpack weights file
    c.size = 64
    c.hint_channels = 1           # of the hint images: 1 (ink) or 3 (sRGB, e.g. prisms:N)
    c.steps_per_image = 4         # N actions per image
    c.seed = 0
    c.batch_size = 64
    c.learning_rate = 1e-3        # Adam (paper appendix)
    c.schedule = "cosine"
    c.steps = 10_000              # updates
    c.log_every = 50
    c.checkpoint_every = 500
    c.eval_every = 1000
    c.eval_images = 512           # held-out images scored at each eval_every
    c.final_eval_images = None    # None = the whole held-out split
    c.pyramid = 0                 # loss also on 2×2-average-pooled images at this many scales (thin lines)
    c.every_step = 0.0            # weight of the L2 of every intermediate drawing x_1..x_N vs the target:
                                  # each step must bring the drawing closer (boxes: one mean-coloured box
                                  # over the whole scene is no longer a cheap first step)
    c.overlap = 0.0               # weight of the boxes' pairwise overlap (renderers with box_axes:
                                  # rectangles, prisms): rooms and solids never share area, so a drawer
                                  # may not paint a background box and the details over it
    c.real_forward = False        # unroll with the real renderer's states, the canvas's gradients
                                  # (nets.frozen.RealForwardCanvas): no canvas errors to exploit
    c.shift = 0                   # augmentation: move each training image by up to this many pixels
    c.init_from = None            # a drawer model (shipped name, run folder or model file) whose
                                  # parameters start this run: same architecture, any N
    c.drawer = ml_collections.ConfigDict(dict(variant="lstm", patch=4, widths=(32, 64), hidden=256))
    variant = variant or "4lstm"
    if variant == "smoke":
        c.size, c.steps, c.batch_size, c.steps_per_image = 16, 6, 8, 2
        c.log_every, c.checkpoint_every, c.eval_every, c.eval_images, c.final_eval_images = 2, 3, 6, 16, 16
        c.drawer = ml_collections.ConfigDict(dict(variant="lstm", patch=4, widths=(8, 8), hidden=32))
    elif match := re.fullmatch(r"(\d+)(lstm|plain)", variant):
        c.steps_per_image, c.drawer.variant = int(match[1]), match[2]
    else:
        raise ValueError(f"unknown variant {variant!r}: use <N>lstm, <N>plain (e.g. 4lstm, 20lstm) or smoke")
    return c


def task_config(arg, data: str, canvas: str, variant: str, smoke_data: str | None = None, hint_channels: int = 1):
    """The config of a task's drawer family (configs/drawer_<task>.py) before its own settings:
    `arg` is nothing (the family's `variant`, e.g. "6lstm") or "smoke" (16 px, tests; data
    `smoke_data` when given); `hint_channels` 3 for colour hints."""
    if arg not in (None, "", "smoke"):
        raise ValueError(f"unknown variant {arg!r}: use smoke or nothing")
    smoke = arg == "smoke"
    c = drawer_config(smoke_data if smoke and smoke_data else data, canvas, "smoke" if smoke else variant)
    c.hint_channels = hint_channels
    return c
