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
before any training) and fine-tunes it for 4,000 updates at a lower rate (MNIST-64 0.0051); the
shipped `mnist_20lstm` then ran five more cosine cycles (0.0047, 0.00457, 0.0042, 0.00407, then with ±2 px
shift augmentation 0.00398), each from the last:
    canvasdraw train-drawer --config configs/drawer_mnist.py:20lstm --workdir runs/mnist_20lstm_b --config.data=mnist:DATA \
        --config.init_from=runs/mnist_20lstm --config.learning_rate=4e-4 --config.steps=5000
    ... --workdir runs/mnist_20lstm_c --config.init_from=runs/mnist_20lstm_b --config.learning_rate=2e-4 --config.steps=3000
    ... --workdir runs/mnist_20lstm_d --config.init_from=runs/mnist_20lstm_c --config.learning_rate=2e-4 --config.steps=10000
    ... --workdir runs/mnist_20lstm_e --config.init_from=runs/mnist_20lstm_d --config.learning_rate=1.5e-4 --config.steps=11000 --config.seed=1
    ... --workdir runs/mnist_20lstm_f --config.init_from=runs/mnist_20lstm_e --config.learning_rate=1e-4 --config.steps=10000 --config.seed=2 --config.shift=2
"""

from canvasdraw_configs.drawer import drawer_config


def get_config(arg=None):
    config = drawer_config("mnist:data/mnist", "bezier_alpha", arg)
    if arg == "20lstm":
        config.init_from, config.learning_rate, config.steps = "mnist_4lstm", 3e-4, 4_000
    return config
