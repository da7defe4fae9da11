"""3D boxes from three orthogonal views (paper §4.4): a drawer of `prisms` actions (two opposite
corners in [0, 1]³ and a LAB colour) through the shipped 64 px `prisms` canvas, trained only to
redraw generated scenes of 1-6 coloured boxes (canvasdraw.data.prisms); no box is ever given.

Six steps, the most boxes a scene has. A step may place no box: a box collapsed to a sliver
draws nothing, and a box drawn again over itself changes nothing; neither is written
(`vectorize.economy.visible_actions`). The hint is the sRGB picture (3 channels).

Run book (the shipped `prisms` model; 2 CPU cores, ~6 updates/s). Trained on 1-6 boxes from the
start, the drawer covers every scene with one box in the scene's mean colour (SVG L2 0.022 after
4,000 updates); a curriculum in the number of boxes, each stage starting from the last, does better:
    canvasdraw train-drawer --config configs/drawer_prisms.py --workdir runs/prisms_a   # stopped after 4,000 updates
    canvasdraw train-drawer --config configs/drawer_prisms.py --workdir runs/prisms_b --config.init_from=runs/prisms_a \
        --config.data=prisms:20000:mixed:1-2 --config.steps=2500
    ... --workdir runs/prisms_c --config.init_from=runs/prisms_b --config.data=prisms:20000:mixed:1-4 --config.steps=3000
    ... --workdir runs/prisms_e --config.init_from=runs/prisms_c --config.data=prisms:40000:mixed:1-6 --config.steps=4000
    canvasdraw export-model --workdir runs/prisms_e -o canvasdraw/weights/models/prisms.msgpack --name prisms --half
    python scripts/bench_prisms.py --model prisms     # metrics, the optimisation baseline, figure

Variants: (default) the run above; smoke (16 px, a few updates, tests).
"""

from canvasdraw_configs.drawer import task_config


def get_config(arg=None):
    config = task_config(arg, "prisms:40000", "prisms", "6lstm", smoke_data="prisms:32", hint_channels=3)
    if arg != "smoke":
        config.steps, config.eval_every, config.checkpoint_every = 12_000, 2_000, 500
        config.drawer.widths = (32, 64, 128)
    return config
