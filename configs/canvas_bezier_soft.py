"""Canvas for the `bezier_soft` renderer (white soft-edged quadratic strokes, 64 px).

Run book:
    canvasdraw train-canvas --config configs/canvas_bezier_soft.py --workdir runs/canvas_bezier_soft
    canvasdraw train-canvas --config configs/canvas_bezier_soft.py:paper --workdir runs/canvas_bezier_soft_paper
    canvasdraw train-canvas --config configs/canvas_bezier_soft.py:smoke --workdir /tmp/smoke_bezier
    canvasdraw eval-canvas --workdir runs/canvas_bezier_soft

Variants: (default) the CPU schedule; `paper` = 30k updates × batch 64 (paper appendix);
`smoke` = 16 px and a few steps, for tests. Override any field, e.g. --config.steps=500.
"""

from canvasdraw.canvas_config import canvas_config


def get_config(arg=None):
    return canvas_config("bezier_soft", arg)
