"""Colour recreation: a drawer of `bezier_color` strokes (free LAB colours) through the 64 px
`bezier_color` canvas, trained to redraw generated colour line art (`pen_color:N`: 1-4 shapes
per drawing, each in its own colour, pens 1.5-12 px; canvasdraw.data.pen). It reads the picture
in colour (sRGB hint) and writes coloured strokes.

Run book (after the bezier_color canvas of configs/drawer_color_mnist.py; 2 CPU cores):
    canvasdraw train-drawer --config configs/drawer_color_pen.py --workdir runs/color_pen
    canvasdraw export-model --workdir runs/color_pen -o canvasdraw/weights/models/color_pen.msgpack --half

The drawer starts from the shipped grey `lineart_20lstm` (`init_from`: its first layer reads each
colour channel of hint and state with the ink weights; the LAB colour rows of its head start
fresh, its opacity row writes the alpha: train.drawer.start_from).

Variants: (default) 8 strokes; smoke (16 px, tests).
"""

from canvasdraw_configs.drawer import task_config


def get_config(arg=None):
    config = task_config(arg, "pen_color:20000", "bezier_color", "8lstm", smoke_data="pen_color:32", hint_channels=3)
    if arg != "smoke":
        config.init_from, config.steps, config.learning_rate = "lineart_20lstm", 5_000, 5e-4
    return config
