"""A general line-art drawer, the default of `canvasdraw vectorize` for pictures of up to a few
hundred px (canvasdraw.vectorize.choice): 20 `bezier_alpha` strokes at 64 px through the shipped
canvas, trained on a broad mix rather than one data set — generated pen drawings with widths
1.5–12 px (canvasdraw.data.pen), KanjiVG characters of every stroke count and MNIST digits
(scripts/prepare_lineart.py writes them as `arrays:DATA`; held-out items of each source only in
its test split).

Run book (DATA = data/lineart). Two stages, as for the symbol drawer: the pyramid loss finds thin
lines, then is annealed away so the strokes sit on them. Started from the shipped
`symbols_20lstm`, which already follows thin lines.
    python scripts/prepare_lineart.py --mnist MNIST_DIR --out DATA --pen 20000 --digits 10000
    canvasdraw train-drawer --config configs/drawer_lineart.py:pyramid --workdir runs/lineart_p2
    canvasdraw train-drawer --config configs/drawer_lineart.py --workdir runs/lineart \
        --config.init_from=runs/lineart_p2
    canvasdraw export-model --workdir runs/lineart -o canvasdraw/weights/models/lineart_20lstm.msgpack \
        --name lineart_20lstm --half
On 2 CPU cores a 20-step update takes ~0.5 s; we trained on a lent GPU (scripts/device_train.sh,
docs/results.md). Variants: (default) the annealed stage; pyramid (the first stage); smoke (tests).
"""

from canvasdraw_configs.drawer import drawer_config


def get_config(arg=None):
    if arg not in (None, "", "pyramid", "smoke"):
        raise ValueError(f"unknown variant {arg!r}: use pyramid, smoke or nothing")
    config = drawer_config("arrays:data/lineart", "bezier_alpha", "smoke" if arg == "smoke" else "20lstm")
    if arg == "smoke":
        config.data = "pen:64"
        return config
    config.eval_every, config.checkpoint_every = 5_000, 2_000
    if arg == "pyramid":
        config.init_from, config.learning_rate, config.steps, config.pyramid = "symbols_20lstm", 3e-4, 20_000, 2
    else:
        config.learning_rate, config.steps, config.pyramid = 1e-4, 10_000, 0
    return config
