"""What `vectorize` writes for a program renderer (canvasdraw.render.programs, e.g. knitting):
the recovered program as text (`<stem>.txt`, one row per line, top row first) and, for Neural
Inverse Knitting's vocabulary, as Knitout for a V-bed machine (`<stem>.k`); the JSON holds the
program instead of the D = rows·cols·K soft weights."""

from __future__ import annotations

import numpy as np

from canvasdraw.data.knitting import CROSSES, MOVES, PLAIN
from canvasdraw.render import format_program
from canvasdraw.render.programs import ProgramRenderer
from canvasdraw.vectorize.knitout import knitout_of


def writes_program(renderer) -> bool:
    return isinstance(renderer, ProgramRenderer)


def knits(renderer) -> bool:
    """Whether the renderer's instructions are the knitting machine's (so Knitout can be written)."""
    return set(renderer.instructions) == set(PLAIN + MOVES + CROSSES)


def program_outputs(renderer, actions: np.ndarray, stem: str) -> tuple[dict, dict]:
    """(JSON fields, {file name: text}) for the program drawn by the last action (N, D)."""
    program = renderer.program_of(actions[-1])
    text = format_program(program, renderer.instructions)
    record = {"program": [" ".join(renderer.instructions[i] for i in row) for row in program]}
    files = {f"{stem}.txt": text}
    if knits(renderer):
        knitout = knitout_of(program, renderer.instructions)
        files[f"{stem}.k"] = knitout.text
        record["knitout_cells_changed"] = knitout.cells_changed  # made knittable (data.knitting.legalize)
    return record, files
