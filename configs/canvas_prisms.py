"""Canvas for the `prisms` renderer (3D boxes in three views, 64 px).

Run book:
    canvasdraw train-canvas --config configs/canvas_prisms.py --workdir runs/canvas_prisms
    canvasdraw train-canvas --config configs/canvas_prisms.py:paper --workdir runs/canvas_prisms_paper
    canvasdraw train-canvas --config configs/canvas_prisms.py:smoke --workdir /tmp/smoke_prisms
    canvasdraw eval-canvas --workdir runs/canvas_prisms

Variants: (default) the CPU schedule; `paper` = 30k updates × batch 64 (paper appendix);
`smoke` = 16 px and a few steps, for tests. Override any field, e.g. --config.steps=500.
"""

from canvasdraw.canvas_config import canvas_config


def get_config(arg=None):
    return canvas_config("prisms", arg)
