"""Coloured MNIST (paper §4.3, Fig. 11a): a drawer of `bezier_color` strokes through the 64 px
`bezier_color` canvas, trained to translate the grey MNIST-64 digit (hint) into the same digit
drawn in its class's colour (target, `mnist_color:DIR`, canvasdraw.data.mnist): it must draw the
digit and name its class, from pixels alone.

Each stroke's colour is chosen from the ten class colours (`DrawerSpec.palette`), so a stroke is
drawn in exactly a class colour, as the SVG writes it. It trains on the softmax mixture of the ten
(`palette_mix`: descent on a convex function of the choice) and draws the most likely one: a
straight-through choice (runs a-c) learned slowly, as its linear estimate can favour a colour past
the right one (93.6 % -> 98.7 % of classes in 5,000 updates; docs/results.md).

Run book (MNIST IDX files with labels in DATA, e.g. ../shared/data/mnist; 2 CPU cores):
    canvasdraw train-canvas --config configs/canvas.py:renderer=bezier_color --workdir runs/canvas_bezier_color \
        --config.steps=25000
    canvasdraw export-canvas --workdir runs/canvas_bezier_color -o canvasdraw/weights/bezier_color.msgpack --half
    canvasdraw train-drawer --config configs/drawer_color_mnist.py --workdir runs/color_mnist --config.data=mnist_color:DATA
    ... --workdir runs/color_mnist_b --config.init_from=runs/color_mnist --config.steps=5000     # 92.3 % of classes
    ... --workdir runs/color_mnist_c --config.init_from=runs/color_mnist_b --config.steps=5000   # 93.6 %
    (runs a-c with --config.drawer.palette_mix=False: straight through the softmax)
    ... --workdir runs/color_mnist_e --config.init_from=runs/color_mnist_c --config.steps=5000   # 98.7 %, shipped
    canvasdraw export-model --workdir runs/color_mnist_e -o canvasdraw/weights/models/color_mnist.msgpack \
        --name color_mnist --half
    python scripts/bench_color.py --model color_mnist --data DATA

The drawer starts from the shipped grey `mnist_4lstm` (`init_from`; its first layer reads each
colour channel with the ink weights, the colour choice starts fresh: train.drawer.start_from), so
it already draws digits and learns to name them.

Variants: (default) 4 strokes; smoke (16 px, tests).
"""

from canvasdraw.data.mnist import class_palette
from canvasdraw_configs.drawer import task_config


def get_config(arg=None):
    config = task_config(arg, "mnist_color:data/mnist", "bezier_color", "4lstm")
    config.drawer.palette, config.drawer.palette_at = tuple(map(tuple, class_palette().tolist())), 7
    config.drawer.palette_mix = True
    if arg != "smoke":
        config.init_from, config.steps, config.learning_rate = "mnist_4lstm", 4_000, 5e-4
    return config
