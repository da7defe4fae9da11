"""Floor plans -> room boxes (paper §4.3): a drawer of `rectangles` through the 128 px canvas,
trained to translate the plan drawing (hint) into its room-type image (target: each room's floor
in its type's colour, canvasdraw.data.floorplans); no paired actions are ever used.

128 px, not the paper's 64: room names at 9-13 px on the 256 px sheet are 5-6 px tall here and
still tell BATH from BED; at 64 px they are blots. 14 steps: two more than the most boxes a plan
has (12); a step may draw nothing (a box of no area, where every step starts) or a room again,
and such boxes are not written (`vectorize.rooms`).

Run book (the shipped `floorplans` model; canvas run book in configs/canvas.py):
    canvasdraw train-canvas --config configs/canvas.py:renderer=rectangles --workdir runs/canvas_rectangles_128 \
        --config.size=128 --config.steps=12000            # CPU 2 cores, ~7 steps/s
    canvasdraw export-canvas --workdir runs/canvas_rectangles_128 -o canvasdraw/weights/rectangles_128.msgpack --half
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans   # on a GPU:
        STAGES=configs/drawer_floorplans.py@330 NAME=floorplans scripts/device_train.sh runs it and exports the model (2 CPU cores: ~0.3 updates/s)
    canvasdraw export-model --workdir runs/floorplans -o canvasdraw/weights/models/floorplans.msgpack --half
    python scripts/bench_floorplans.py --model floorplans   # metrics, baselines, contact sheet

Variants: (default) the run above; smoke (16 px through a smoke canvas, tests).
"""

from canvasdraw.data.floorplans import palette
from canvasdraw_configs.drawer import task_config


def get_config(arg=None):
    config = task_config(arg, "floorplans:40000", "rectangles_128", "14lstm", smoke_data="floorplans:32")
    if arg != "smoke":
        config.size, config.steps, config.batch_size = 128, 24_000, 64
        config.eval_every, config.checkpoint_every = 5_000, 1_000
        config.drawer.widths, config.drawer.hidden = (64, 128, 64), 512
    # The drawer picks each room's colour from the room-type palette (straight through a softmax
    # over the six types) instead of emitting LAB: with free colours it settled on one mean colour
    # for every room (first GPU run, docs/results.md).
    config.drawer.palette, config.drawer.palette_at = tuple(map(tuple, palette().tolist())), 4
    return config
