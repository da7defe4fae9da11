"""Canvas for the `bezier` renderer (white quadratic strokes, 64 px).

Run book:
    canvasdraw train-canvas --config configs/canvas_bezier.py --workdir runs/canvas_bezier
    canvasdraw train-canvas --config configs/canvas_bezier.py:paper --workdir runs/canvas_bezier_paper
    canvasdraw train-canvas --config configs/canvas_bezier.py:smoke --workdir /tmp/smoke_bezier
    canvasdraw eval-canvas --workdir runs/canvas_bezier

Variants: (default) the CPU schedule; `paper` = 30k updates × batch 64 (paper appendix);
`smoke` = 16 px and a few steps, for tests. Override any field, e.g. --config.steps=500.
"""

from canvasdraw.canvas_config import canvas_config


def get_config(arg=None):
    return canvas_config("bezier", arg)
