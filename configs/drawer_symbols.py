"""Drawer for KanjiVG symbols of at most 8 strokes (`kanjivg:8`, 1,887 training / 210 test
characters) at 64 px through the shipped `bezier_soft` canvas (the paper's Omniglot experiment,
§4.1; needs `pip install 'canvasdraw[symbols]'`).

Run book:
    canvasdraw train-drawer --config configs/drawer_symbols.py:4lstm --workdir runs/symbols_4lstm
    canvasdraw eval-drawer --workdir runs/symbols_4lstm --data kanjivg:8
    canvasdraw eval-drawer --workdir runs/symbols_4lstm --data mnist:DATA   # out of distribution

    canvasdraw train-drawer --config configs/drawer_symbols.py:20lstm --workdir runs/symbols_20lstm \
        --config.init_from=runs/symbols_4lstm

Variants as in configs/drawer_mnist.py: <N>lstm / <N>plain, smoke. 20lstm fine-tunes a 4-step
drawer (`init_from`) for 600 updates with the pyramid loss (thin 1.8 px strokes; see
configs/drawer_sliding.py).
"""

from canvasdraw.drawer_config import drawer_config


def get_config(arg=None):
    config = drawer_config("kanjivg:8", "bezier_soft", arg)
    if arg == "20lstm":
        config.learning_rate, config.steps, config.pyramid = 3e-4, 600, 5
    return config
