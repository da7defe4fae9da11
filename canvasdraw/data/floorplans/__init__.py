"""Synthetic floor plans with their ground truth (paper §4.3): plan drawing -> room-type image.

`make_plan(seed, style)` draws one plan on a 256 px sheet (`layout` makes the geometry, `drawing`
the pictures) and returns the plan, the target (each room's floor in its type's colour on black)
and the rooms as typed boxes. `plan_set(count, split, size, style)` gives model-size arrays:
training plans use seeds 0, 1, ...; held-out plans seeds from `TEST_SEED` on, so no held-out plan
is ever trained on. Room types and their colours (`ROOM_TYPES`, `PALETTE_LAB`) are fixed: a model
records them, and a drawn rectangle's type is the palette colour nearest its own
(canvasdraw.vectorize.rooms).
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
from PIL import Image

from canvasdraw.data.floorplans.drawing import STYLES, Style, draw_plan, draw_target, scanned
from canvasdraw.data.floorplans.layout import ROOM_COUNTS, ROOM_TYPES, make_layout
from canvasdraw.data.ink import to_ink
from canvasdraw.render.color import lab_to_srgb8, normalised_lab

SHEET = 256                 # plans are drawn at this many px a side
TEST_SEED = 1_000_000       # held-out plans: seeds TEST_SEED, TEST_SEED + 1, ...
PER_PROCESS = 1000          # plans a worker process draws at a time

__all__ = ["PALETTE_LAB", "ROOM_COUNTS", "ROOM_TYPES", "SHEET", "STYLES", "TEST_SEED", "Plan", "make_plan", "palette",
           "plan_set", "type_colors"]

# CIELAB (L*, a*, b*) of each room type, far apart so a drawn colour names its type unambiguously.
PALETTE_LAB = {
    "living": (72, 38, 62),      # orange
    "bedroom": (50, 12, -62),    # blue
    "kitchen": (68, -58, 52),    # green
    "bathroom": (82, -38, -22),  # cyan
    "hall": (92, -12, 82),       # yellow
    "storage": (48, 62, -30),    # purple
}


def palette() -> np.ndarray:
    """(6, 3) normalised LAB (the rectangles renderer's colour actions), in `ROOM_TYPES` order."""
    return normalised_lab([PALETTE_LAB[t] for t in ROOM_TYPES])


def type_colors() -> dict[str, tuple[int, int, int]]:
    """Room type -> the 8-bit sRGB colour the target and the renderer use for it."""
    return {t: tuple(int(v) for v in lab_to_srgb8(lab)) for t, lab in zip(ROOM_TYPES, palette())}


@dataclasses.dataclass
class Plan:
    """plan: mode "L" black on white; target: mode "RGB" room colours on black (both SHEET px);
    rooms: (type, [x0, y0, x1, y1]) per ground-truth box in sheet px (an L-shaped room gives two
    boxes of one type; after scan rotation, the box around the rotated one)."""

    plan: Image.Image
    target: Image.Image
    rooms: list[tuple[str, list[float]]]


def _rotated(box, angle: float, size: int) -> list[float]:
    """The axis-aligned box around `box` turned by `angle` degrees counter-clockwise about the
    sheet's centre (what Image.rotate does)."""
    c, t = size / 2, np.radians(angle)
    xs, ys = np.array([box[0], box[2], box[2], box[0]]) - c, np.array([box[1], box[1], box[3], box[3]]) - c
    rx, ry = c + xs * np.cos(t) + ys * np.sin(t), c - xs * np.sin(t) + ys * np.cos(t)
    return [float(rx.min()), float(ry.min()), float(rx.max()), float(ry.max())]


def make_plan(seed: int, style: Style | str = "train") -> Plan:
    """The plan of `seed` in `style` (a Style or a name in drawing.STYLES)."""
    style = STYLES[style] if isinstance(style, str) else style
    rng = np.random.default_rng([seed, 1])
    layout = make_layout(seed, SHEET, style.walls, style.rooms)
    plan, target = draw_plan(layout, style, rng), draw_target(layout, type_colors())
    rooms = [(room.type, [float(v) for v in box]) for room in layout.rooms for box in room.boxes]
    if rng.random() < style.noise:
        plan, target, angle = scanned(plan, target, rng)
        rooms = [(kind, _rotated(box, angle, SHEET)) for kind, box in rooms]
    return Plan(plan, target, rooms)


def _plans_at(seeds: range, size: int, style: Style | str):
    hints = np.empty((len(seeds), size, size, 1), np.uint8)
    targets = np.empty((len(seeds), size, size, 3), np.uint8)
    rooms = []
    for i, seed in enumerate(seeds):
        p = make_plan(seed, style)
        hints[i, ..., 0] = to_ink(p.plan, size, invert=True)
        targets[i] = np.asarray(p.target.resize((size, size), Image.BOX))
        rooms.append(p.rooms)
    return hints, targets, rooms


def plan_set(count: int, split: str, size: int, style: Style | str = "train"):
    """`count` plans of `split` ("train" or "test") at the model size S: hints (N, S, S, 1) uint8
    (255 = ink, by the rule `vectorize` reads pictures with), targets (N, S, S, 3) uint8 sRGB (an
    area average of the sheet) and each plan's rooms in sheet px (`Plan.rooms`). Large sets are
    drawn by one process per core (~9 ms a plan)."""
    first = 0 if split == "train" else TEST_SEED
    chunks = [range(first + a, first + min(a + PER_PROCESS, count)) for a in range(0, count, PER_PROCESS)]
    if len(chunks) == 1 or (os.cpu_count() or 1) == 1:
        parts = [_plans_at(c, size, style) for c in chunks]
    else:
        with ProcessPoolExecutor(min(os.cpu_count(), len(chunks)), mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(_plans_at, chunks, [size] * len(chunks), [style] * len(chunks)))
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            [rooms for p in parts for rooms in p[2]])
