"""Canvas networks for every renderer (paper §3.2): `configs/canvas.py:renderer=NAME[,variant=V]`.

Run book (the shipped canvases: bezier, bezier_alpha, rectangles, prisms at 64 px). The SVG
issue changed every renderer's pixels (`ink`/sRGB compositing), so each shipped canvas was
warm-started from its previous version's weights (git history) and fine-tuned:
    canvasdraw train-canvas --config configs/canvas.py:renderer=bezier_alpha --workdir runs/canvas_bezier_alpha \
        --config.init_from=bezier_soft --config.steps=15000 --config.learning_rate=5e-4
    canvasdraw train-canvas --config configs/canvas.py:renderer=bezier_alpha --workdir runs/canvas_bezier_alpha_b \
        --config.init_from=runs/canvas_bezier_alpha --config.steps=25000 --config.learning_rate=3e-4
    canvasdraw train-canvas --config configs/canvas.py:renderer=bezier --workdir runs/canvas_bezier_v2 \
        --config.init_from=bezier --config.steps=4000 --config.learning_rate=3e-4     # also rectangles, prisms
From nothing: canvasdraw train-canvas --config configs/canvas.py:renderer=bezier_alpha --workdir runs/canvas_new
    canvasdraw train-canvas --config configs/canvas.py:renderer=bezier,variant=paper --workdir runs/canvas_bezier_paper
    canvasdraw train-canvas --config configs/canvas.py:renderer=prisms,variant=smoke --workdir /tmp/smoke_prisms
    canvasdraw eval-canvas --workdir runs/canvas_bezier_alpha_b
    canvasdraw export-canvas --workdir runs/canvas_bezier_alpha_b -o bezier_alpha.msgpack --half

Variants: (default) the CPU schedule; `paper` = 30k updates × batch 64 at a constant rate (paper
appendix); `smoke` = 16 px and a few steps, for tests. Override any field, e.g. --config.steps=500.
"""

import ml_collections

from canvasdraw_configs import parse_arg


def get_config(arg=None):
    args = parse_arg(arg, renderer="bezier_alpha", variant="")
    return canvas_config(args["renderer"], args["variant"])


def canvas_config(renderer: str, variant: str = ""):
    """The canvas config of `renderer` (fields documented inline) in `variant` (module docstring)."""
    c = ml_collections.ConfigDict()
    c.renderer = renderer
    c.size = 64
    c.seed = 0
    c.episode_length = 8          # actions between resets to x_0 (paper §3.2)
    c.batch_size = 64             # transitions per update (paper: 64)
    c.learning_rate = 1e-3        # Adam's peak rate (paper appendix: 1e-3)
    c.schedule = "cosine"         # "cosine" (warm-up, decay to 1%) or "constant" (paper)
    c.steps = 40_000
    c.workers = 1                 # Grain render processes (the trainer uses the other core)
    c.log_every = 50
    c.checkpoint_every = 500
    c.eval_every = 1000
    c.eval_episodes = 256         # held-out episodes of eval_steps actions
    c.eval_steps = 10
    c.init_from = None            # a canvas (run folder, weights file or shipped name) of the same
                                  # architecture and action width whose weights start the run
    # Architecture (canvasdraw.nets.canvas.CanvasSpec): the per-patch action form; for the paper's
    # state-conditioned conv form use --config.canvas.form=state (fields coarse, widths).
    c.canvas = ml_collections.ConfigDict(dict(form="action", hidden=512, patch=16, depth=2,
                                              coarse=8, widths=(64, 32, 16, 8)))
    if variant == "paper":
        c.steps, c.schedule = 30_000, "constant"
    elif variant == "smoke":
        c.size, c.steps, c.batch_size, c.episode_length = 16, 6, 8, 4
        c.workers, c.log_every, c.checkpoint_every, c.eval_every, c.eval_episodes = 0, 2, 3, 6, 8
        c.canvas = ml_collections.ConfigDict(dict(form="action", hidden=32, patch=8, depth=1,
                                                  coarse=8, widths=(16, 8)))
    elif variant:
        raise ValueError(f"unknown variant {variant!r}: use paper or smoke")
    return c
