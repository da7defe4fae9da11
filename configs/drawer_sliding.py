"""Sliding drawer for large line drawings (paper §4.2, Table 2) through the shipped `bezier_soft`
canvas: a 64×64 drawer trained on windows of the drawings (canvasdraw.drawings), run over whole
pictures by canvasdraw.sliding.

Run book (DATA made by `python scripts/prepare_drawings.py --out DATA`):
    canvasdraw train-drawer --config configs/drawer_sliding.py:10lstm --workdir runs/sliding_10lstm --config.data=windows:DATA
    ... the same with :4lstm, :10plain, :10fixed (one stroke thickness) for Table 2
    python scripts/reproduce_table2.py --drawings DATA --runs runs

Variants: <N>lstm / <N>plain (N strokes per window), <N>fixed (LSTM, thickness fixed at
FIXED_THICKNESS: the data's median pen of 3.5 px in a 64 px window), smoke (16 px, tests).
"""

import re

from canvasdraw.drawer_config import drawer_config

FIXED_THICKNESS = 0.32  # (3.5 / 64 - 0.01) / 0.14, see renderers/bezier.py


def get_config(arg=None):
    variant = arg or "10lstm"
    fixed = re.fullmatch(r"(\d+)fixed", variant)
    config = drawer_config("windows:data/drawings", "bezier_soft", f"{fixed[1]}lstm" if fixed else variant)
    if fixed:
        config.drawer.fixed = ((6, FIXED_THICKNESS),)
    config.pyramid = 5  # thin lines: without it the drawer learns to draw nothing (docs/results.md)
    if variant != "smoke":
        config.steps, config.eval_every, config.checkpoint_every = 3_000, 500, 500
    return config
