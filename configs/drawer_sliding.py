"""Sliding drawer for large line drawings (paper §4.2, Table 2) through the shipped `bezier_alpha`
canvas: a 64×64 drawer trained on windows of the drawings (canvasdraw.data.pages), run over whole
pictures by canvasdraw.vectorize.sliding.

Run book (DATA made by `python scripts/prepare_drawings.py --out DATA`; R = runs/table2). The
shipped `sliding_10lstm` is five stages. Three on `windows:DATA` — the pyramid loss finds the
lines, then is annealed away so the strokes sit on them (L2 of the 30 held-out pages: 0.0426,
then 0.0382 after the last):
    canvasdraw train-drawer --config configs/drawer_sliding.py:10lstm --workdir R/10lstm --config.data=windows:DATA \
        --config.init_from=mnist_4lstm --config.learning_rate=5e-4
    canvasdraw train-drawer ... --workdir R/10lstm_p2 --config.init_from=R/10lstm --config.pyramid=2 \
        --config.learning_rate=2e-4 --config.steps=1000
    canvasdraw train-drawer ... --workdir R/10lstm_p0 --config.init_from=R/10lstm_p2 --config.pyramid=0 \
        --config.learning_rate=1e-4 --config.steps=2000
Then two rounds on the drawer's own contexts: windows that start from what the drawer itself
drew before them when sliding over the training pages, not from a perfect neighbour (held-out
pages: 0.0382 → 0.0297 → 0.0279; round one's contexts came from R/10lstm_p0's float16 export):
    python scripts/prepare_contexts.py --drawings DATA --model R/10lstm_p0 --out DATA/contexts
    canvasdraw train-drawer ... --workdir R/10lstm_own --config.data=arrays:DATA/contexts \
        --config.init_from=R/10lstm_p0 --config.pyramid=0 --config.learning_rate=1e-4 --config.steps=1500
    python scripts/prepare_contexts.py --drawings DATA --model R/10lstm_own --out DATA/contexts2
    canvasdraw train-drawer ... --workdir R/10lstm_own2 --config.data=arrays:DATA/contexts2 \
        --config.init_from=R/10lstm_own --config.pyramid=0 --config.learning_rate=1e-4 --config.steps=1000
    canvasdraw export-model --workdir R/10lstm_own2 -o sliding_10lstm.msgpack --half --slides --coarse sliding_coarse_10lstm
Table 2's ablations (first stage only, 1,500 updates, lr 5e-4): :4lstm and :10fixed from
mnist_4lstm, :10plain from a 4-step plain MNIST drawer; the hierarchical drawer's coarse module:
    canvasdraw train-drawer ... --workdir R/coarse_10lstm --config.data=windows:DATA@2 \
        --config.init_from=R/10lstm --config.learning_rate=5e-4 --config.steps=1500
    python scripts/reproduce_table2.py --drawings DATA --runs R

Variants: <N>lstm / <N>plain (N strokes per window), <N>fixed (LSTM, thickness fixed at
FIXED_THICKNESS: the data's median pen of 3.5 px in a 64 px window), smoke (16 px, tests).
"""

import re

from canvasdraw_configs.drawer import drawer_config

FIXED_THICKNESS = 0.32  # (3.5 / 64 - 0.01) / 0.14, see renderers/bezier.py


def get_config(arg=None):
    variant = arg or "10lstm"
    fixed = re.fullmatch(r"(\d+)fixed", variant)
    config = drawer_config("windows:data/drawings", "bezier_alpha", f"{fixed[1]}lstm" if fixed else variant)
    if fixed:
        config.drawer.fixed = ((6, FIXED_THICKNESS),)
    config.pyramid = 5  # thin lines: without it the drawer learns to draw nothing (docs/results.md)
    if variant != "smoke":
        config.steps, config.eval_every, config.checkpoint_every = 3_000, 500, 500
    return config
