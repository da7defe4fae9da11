"""The canvas-training config shared by configs/canvas_*.py: a renderer name and a variant in,
an ml_collections.ConfigDict out (fields documented inline)."""

import ml_collections


def canvas_config(renderer: str, variant: str | None):
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
    c.eval_episodes = 256         # held-out episodes of 10 actions
    # Architecture (canvasdraw.canvas.CanvasSpec): the per-patch action form; for the paper's
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
    elif variant not in (None, ""):
        raise ValueError(f"unknown variant {variant!r}: use paper or smoke")
    return c
