"""3D boxes from three orthogonal views (paper §4.4) with the anchors drawer (canvasdraw.nets.anchors,
views "three"): every cell of a 16×16 grid over the picture writes the box it sees (its two
view axes fixed by its place, the hidden third read from the other views by `ViewLift`) and
that box's colour, all in one step, through the shipped 64 px `prisms` canvas; no box is ever
given (canvasdraw.train.anchors: each box drawn alone by the canvas, scored in its own view and,
for its hidden axis, in the two others). `vectorize` merges the anchors of one solid
(canvasdraw.vectorize.solids) before it refines and writes them.

Run book (CPU 2 cores):
    canvasdraw train-drawer --config configs/drawer_prisms_anchors.py --workdir runs/prisms_anchors2 \
        --config.steps=4000
    canvasdraw export-model --workdir runs/prisms_anchors2 -o runs/prisms_anchors2.msgpack --name prisms --half
    python scripts/bench_prisms.py --model runs/prisms_anchors2.msgpack

Variants: (default) the run above; smoke (a 16 px picture through a 16 px canvas, tests).
"""

import ml_collections

from canvasdraw_configs.drawer import task_config


def get_config(arg=None):
    config = task_config(arg, "prisms:40000", "prisms", "4lstm", smoke_data="prisms:32", hint_channels=3)
    smoke = arg == "smoke"
    config.drawer = ml_collections.ConfigDict(dict(variant="anchors", views="three", patch=2,
                                                   widths=(8, 8) if smoke else (48, 96), depth=1 if smoke else 6))
    grid = config.size // (2 * 2 ** (len(config.drawer.widths) - 1))
    config.steps_per_image = grid * grid            # one box per anchor
    config.anchors = ml_collections.ConfigDict(dict(
        per_plan=8 if smoke else 24,                # anchors of each picture drawn per update
        margin=2.0,                                 # (boxes on a plane only)
        colour=1.0))                                # weight of the colour loss beside the geometry's
    if not smoke:
        config.steps, config.batch_size, config.learning_rate = 3_000, 16, 1e-3
        config.eval_images, config.final_eval_images = 64, 300
        config.eval_every, config.checkpoint_every, config.log_every = 500, 250, 50
    return config
