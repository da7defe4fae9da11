"""Drawer for MNIST-64 through the shipped `bezier_alpha` canvas (paper §4.1, Table 1).

Run book (MNIST IDX files in DATA, e.g. ../shared/data/mnist):
    canvasdraw train-drawer --config configs/drawer_mnist.py:4lstm --workdir runs/mnist_4lstm --config.data=mnist:DATA
    canvasdraw train-drawer --config configs/drawer_mnist.py:4plain --workdir runs/mnist_4plain --config.data=mnist:DATA
    canvasdraw train-drawer --config configs/drawer_mnist.py:20lstm --workdir runs/mnist_20lstm --config.data=mnist:DATA
    canvasdraw eval-drawer --workdir runs/mnist_4lstm --data mnist:DATA

Variants: <N>lstm / <N>plain (N actions per image), smoke (16 px, tests). Use another canvas
with --config.canvas=runs/canvas_bezier_alpha (a workdir) or a .msgpack file.

20lstm starts from the shipped 4-step drawer (a curriculum: trained from scratch, 20 steps through
the canvas sat at L2 ~0.028 for 1,300 updates, while the 4-step weights score 0.0085 at N = 20
before any training). The `bezier_soft` models (history in docs/results.md) were trained that
way; the shipped `bezier_alpha` models were fine-tuned from them when the SVG issue replaced the
renderer (C = runs/canvas_bezier_alpha_b, the shipped canvas; run book in configs/canvas.py):
    canvasdraw train-drawer --config configs/drawer_mnist.py:4lstm --workdir runs/mnist_4lstm_alpha --config.data=mnist:DATA \
        --config.canvas=runs/canvas_bezier_alpha --config.init_from=mnist_4lstm --config.learning_rate=3e-4 --config.steps=3000
    canvasdraw refit-canvas --workdir runs/mnist_4lstm_alpha --data mnist:DATA --steps 1500
    ... the same command with --config.steps=6000 --allow-changes
    ... --workdir runs/mnist_4lstm_alpha_c --config.canvas=C --config.init_from=runs/mnist_4lstm_alpha --config.learning_rate=2e-4 --config.steps=3000
    ... --workdir runs/mnist_4lstm_rf --config.canvas=C --config.init_from=runs/mnist_4lstm_alpha_c --config.learning_rate=2e-4 \
        --config.steps=1500 --config.real_forward=True
    ... --workdir runs/mnist_4lstm_rf2 --config.init_from=runs/mnist_4lstm_rf, otherwise the same with --config.steps=2500
    ... --workdir runs/mnist_4lstm_rf3 --config.init_from=mnist_4lstm (that run, shipped until 2026-12-01), otherwise
        the same with --config.steps=8000                    (shipped as mnist_4lstm, --half)
    canvasdraw train-drawer --config configs/drawer_mnist.py:20lstm --workdir runs/mnist_20lstm_alpha --config.data=mnist:DATA \
        --config.canvas=C --config.init_from=mnist_20lstm --config.learning_rate=1.5e-4 --config.steps=3000
    ... --workdir runs/mnist_20lstm_rf --config.init_from=runs/mnist_20lstm_alpha --config.learning_rate=1e-4 --config.steps=1000 \
        --config.real_forward=True
    ... --workdir runs/mnist_20lstm_rf2 --config.init_from=runs/mnist_20lstm_rf, otherwise the same with --config.steps=1500
                                                                (shipped as mnist_20lstm)
"""

from canvasdraw_configs.drawer import drawer_config


def get_config(arg=None):
    config = drawer_config("mnist:data/mnist", "bezier_alpha", arg)
    if arg == "20lstm":
        config.init_from, config.learning_rate, config.steps = "mnist_4lstm", 3e-4, 4_000
    return config
