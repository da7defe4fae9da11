"""Floor plans -> room boxes (paper §4.3): a drawer of `rectangles` through the 64 px canvas,
trained to translate the plan drawing (hint) into its room-type image (target: each room's floor
in its type's colour, canvasdraw.data.floorplans); no paired actions are ever used.

A curriculum in rooms and steps, as for prisms (docs/results.md): a drawer with many more steps
than a plan has rooms paints (a mean-coloured box over the footprint, details layered over it),
and one that starts on all 2–12 rooms never leaves that; with 4 steps on plans of 2–3 rooms each
step must be a room. Then 8 steps on 2–6 rooms and 12 (the most boxes a plan has) on 2–12. A step
may draw nothing (a box of no area) or a room hidden by later ones; such boxes are not written
(`vectorize.rooms`). Colours are emitted in LAB; a room's type is the nearest palette colour.

Run book (the shipped `floorplans` model; CPU 2 cores; the 64 px `rectangles` canvas is shipped):
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_a \
        --config.data=floorplans:8000::2-3 --config.steps_per_image=4 --config.steps=6000 \
        --config.eval_every=1000                                                 # ~7 min
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_b \
        --config.data=floorplans:16000::2-6 --config.steps_per_image=8 --config.init_from=runs/floorplans_a   # ~18 min
    canvasdraw train-drawer --config configs/drawer_floorplans.py --workdir runs/floorplans_c \
        --config.init_from=runs/floorplans_b                                     # ~27 min
    canvasdraw export-model --workdir runs/floorplans_c -o canvasdraw/weights/models/floorplans.msgpack \
        --name floorplans --half
    python scripts/bench_floorplans.py --model floorplans   # metrics, baselines, contact sheet

Variants: (default) the stages above; smoke (16 px through a smoke canvas, tests).
"""

from canvasdraw_configs.drawer import task_config


def get_config(arg=None):
    config = task_config(arg, "floorplans:40000", "rectangles", "12lstm", smoke_data="floorplans:32")
    if arg != "smoke":
        config.steps, config.batch_size, config.eval_images = 8_000, 32, 300
        config.eval_every, config.checkpoint_every = 2_000, 500
        config.drawer.widths = (32, 64, 128)
    return config
