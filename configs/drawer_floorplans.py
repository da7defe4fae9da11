"""Floor plans -> room boxes (paper §4.3): the anchors drawer (canvasdraw.nets.anchors) of
`rectangles` through the shipped 64 px canvas, trained to translate the plan drawing (hint, read
at 128 px so that 2 px walls and the labels stay visible) into its room-type image (target: each
room's floor in its type's colour, canvasdraw.data.floorplans); no paired actions are ever used.

Each of the 16×16 anchors writes the box of the room it lies in and chooses that room's type, or
none, from `room_choices` (canvasdraw.train.anchors: every box is drawn alone through the frozen
canvas and scored against the target; its gradient is scaled to unit length per anchor; the
anchors drawn are balanced over the room types, `anchors.balance`; the choice learns by the
likelihood of the box's pixels under it, `anchors.choice`). `vectorize` merges the anchors of
one room into one box, drops those that see no room and moves each side onto its wall
(canvasdraw.vectorize.rooms, walls).
The sequential LSTM drawer's curriculum, which this replaces, reached box F1 0.12 (docs/results.md).

Run book (the shipped `floorplans` model; CPU 2 cores):
    # a: the colour written freely (3 components), 3,000 updates, 49 min (shipped until 2026-12-03)
    canvasdraw train-drawer --config configs/drawer_floorplans.py:free --workdir runs/floorplans_anchors
    # b: the colour chosen from room_choices, from a (the corners' head columns kept), 3,000 updates, ~30 min
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_palette \
        --config.init_from=runs/floorplans_anchors
    # (b and c ran before the anchors' balance and likelihood choice: add
    #  --config.anchors.balance=0 --config.anchors.choice=drawn to repeat them)
    # c: b continued to 6,000 updates in a copy of its folder, 25 min (shipped until 2026-12-03)
    cp -r runs/floorplans_palette runs/floorplans_palette_c
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_palette_c \
        --config.steps=6000 --allow-changes
    # d: from c, the anchors balanced over the room types (the choice still learnt as drawn), 3,000 updates, 25 min
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_balanced \
        --config.init_from=runs/floorplans_palette_c --config.anchors.choice=drawn
    # e: from d, the choice learnt by likelihood, 3,000 updates, 22 min
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_likelihood \
        --config.init_from=runs/floorplans_balanced
    # f: from e, on 16,000 plans at half the learning rate, 3,000 updates, 23 min (shipped until 2026-12-04)
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_more \
        --config.init_from=runs/floorplans_likelihood --config.data=floorplans:16000 --config.learning_rate=5e-4
    # g (shipped): from f, on 32,000 plans, 4,000 updates, 43 min (run on 2026-12-04 from f's shipped
    # half-precision file, --config.init_from=floorplans, as f's folder was gone)
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_g \
        --config.init_from=runs/floorplans_more --config.data=floorplans:32000 --config.learning_rate=5e-4 --config.steps=4000
    canvasdraw export-model --workdir runs/floorplans_g -o canvasdraw/weights/models/floorplans.msgpack \
        --name floorplans --half
    python scripts/bench_floorplans.py --model floorplans   # metrics, baselines, contact sheet

Variants: (default) runs d, e (f, g: their data, learning rate and updates on the command line); free (run a); smoke (a 32 px hint through a 16 px canvas, tests).
"""

import ml_collections
import numpy as np

from canvasdraw.data.floorplans import palette
from canvasdraw.render.color import rgb_to_lab
from canvasdraw_configs.drawer import task_config


def room_choices() -> tuple:
    """What an anchor may paint: each room type's colour (ROOM_TYPES order), then the background's
    (black: no room)."""
    return tuple(map(tuple, np.concatenate([palette(), rgb_to_lab(np.zeros((1, 3)))]).tolist()))


def get_config(arg=None):
    if arg not in (None, "", "smoke", "free"):
        raise ValueError(f"unknown variant {arg!r}: use smoke, free or nothing")
    free = arg == "free"
    config = task_config(None if free else arg, "floorplans:8000", "rectangles", "4lstm", smoke_data="floorplans:32")
    smoke = arg == "smoke"
    config.size = 32 if smoke else 128              # the hint's side; the canvas draws at 16 / 64 px
    config.drawer = ml_collections.ConfigDict(dict(variant="anchors", patch=2, widths=(8, 8) if smoke else (32, 64, 128),
                                                   depth=1 if smoke else 6,
                                                   # run a wrote the colour as 3 free components
                                                   palette=() if free else room_choices(), palette_at=0 if free else 4,
                                                   palette_mix=not free))
    grid = config.size // (2 * 2 ** (len(config.drawer.widths) - 1))
    config.steps_per_image = grid * grid            # one box per anchor
    config.anchors = ml_collections.ConfigDict(dict(
        per_plan=8 if smoke else 24,                # anchors of each plan drawn per update
        margin=2.0,                                 # px around a box where the canvas's alpha counts
        colour=1.0,                                 # weight of the colour loss beside the geometry's
        balance=0.0 if free else 1.0,               # β: anchors drawn with weights n_type^-β (0: uniform)
        choice="drawn" if free else "likelihood"))  # how a palette choice learns (canvasdraw.train.anchors)
    if not smoke:
        config.steps, config.batch_size, config.learning_rate = 3_000, 16, 1e-3
        config.eval_images, config.final_eval_images = 64, 300
        config.eval_every, config.checkpoint_every, config.log_every = 500, 250, 50
    return config
