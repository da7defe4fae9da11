"""Canvas for the `rectangles` renderer (filled LAB rectangles, 64 px).

Run book:
    canvasdraw train-canvas --config configs/canvas_rectangles.py --workdir runs/canvas_rectangles
    canvasdraw train-canvas --config configs/canvas_rectangles.py:paper --workdir runs/canvas_rectangles_paper
    canvasdraw train-canvas --config configs/canvas_rectangles.py:smoke --workdir /tmp/smoke_rectangles
    canvasdraw eval-canvas --workdir runs/canvas_rectangles

Variants: (default) the CPU schedule; `paper` = 30k updates × batch 64 (paper appendix);
`smoke` = 16 px and a few steps, for tests. Override any field, e.g. --config.steps=500.
"""

from canvasdraw.canvas_config import canvas_config


def get_config(arg=None):
    return canvas_config("rectangles", arg)
