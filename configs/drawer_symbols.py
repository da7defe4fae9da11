"""Drawer for KanjiVG symbols of at most 8 strokes (`kanjivg:8`, 1,887 training / 210 test
characters) at 64 px through the shipped `bezier_alpha` canvas (the paper's Omniglot experiment,
§4.1; needs `pip install 'canvasdraw[symbols]'`).

Run book:
    canvasdraw train-drawer --config configs/drawer_symbols.py:4lstm --workdir runs/symbols_4lstm
    canvasdraw eval-drawer --workdir runs/symbols_4lstm --data kanjivg:8
    canvasdraw eval-drawer --workdir runs/symbols_4lstm --data mnist:DATA   # out of distribution

    canvasdraw train-drawer --config configs/drawer_symbols.py:20lstm --workdir runs/symbols_20lstm \
        --config.init_from=runs/table2/10lstm_p0
    canvasdraw train-drawer --config configs/drawer_symbols.py:20lstm --workdir runs/symbols_20lstm_p0 \
        --config.init_from=runs/symbols_20lstm --config.pyramid=0 --config.learning_rate=1e-4 --config.steps=600

Variants as in configs/drawer_mnist.py: <N>lstm / <N>plain, smoke. The shipped `symbols_20lstm`
starts from the annealed window drawer of configs/drawer_sliding.py (R/10lstm_p0; we used its
float16 export), which already follows thin lines (0.0589 at N = 20 before training; starting
from the 4-step symbol drawer got worse, 0.0682), trains 1,000 updates with the pyramid loss at
2 scales (thin 1.8 px strokes; see configs/drawer_sliding.py), then 600 without: held-out real
L2 0.0525, then 0.0514 (4-step: 0.0569; blank: 0.0650).
"""

from canvasdraw_configs.drawer import drawer_config


def get_config(arg=None):
    config = drawer_config("kanjivg:8", "bezier_alpha", arg)
    if arg == "20lstm":
        config.learning_rate, config.steps, config.pyramid = 3e-4, 1_000, 2
    return config
