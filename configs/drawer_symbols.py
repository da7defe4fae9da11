"""Drawer for KanjiVG symbols of at most 8 strokes (`kanjivg:8`, 1,887 training / 210 test
characters) at 64 px through the shipped `bezier_soft` canvas (the paper's Omniglot experiment,
§4.1; needs `pip install 'canvasdraw[symbols]'`).

Run book:
    canvasdraw train-drawer --config configs/drawer_symbols.py:4lstm --workdir runs/symbols_4lstm
    canvasdraw eval-drawer --workdir runs/symbols_4lstm --data kanjivg:8
    canvasdraw eval-drawer --workdir runs/symbols_4lstm --data mnist:DATA   # out of distribution

Variants as in configs/drawer_mnist.py: <N>lstm / <N>plain, smoke.
"""

from canvasdraw.drawer_config import drawer_config


def get_config(arg=None):
    return drawer_config("kanjivg:8", "bezier_soft", arg)
