"""Room boxes moved onto the plan's walls: the finishing step of the floor-plan models' rooms.

The anchors drawer places a box through a 64 px canvas, so its sides land within a pixel or two
of the canvas (2–4 px of the 128 px plan) of the walls (corner error ~3 px on the 256 px sheet,
docs/results.md). The plan itself shows where each wall's inner face is: along the middle of a
side (its ends may meet other walls, doors or fixtures), a wall is a band of columns (rows) whose
mean ink is at least WALL. Each side moves to the face of the first such band found walking
outward from REACH px inside it, to sub-pixel precision (the ink of the two pixels at the face:
area-averaged coverage, the face lies that far into them); a side with no wall in reach (an
L-shaped room's two boxes meet without one) stays where it is.
"""

from __future__ import annotations

import numpy as np

REACH = 4      # px at the model size either side of a side searched for its wall (two canvas pixels)
MIDDLE = 0.15  # share of a side's length left out at each end when its wall is looked for
WALL = 0.5     # mean ink of a column (row) along the side's middle that counts as wall


def snapped_to_walls(boxes: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Boxes (R, 4) (x0, y0, x1, y1 as fractions of the picture, min corner first) and the plan's
    ink (S, S) (uint8, 255 = ink) -> the boxes (R, 4) with each side on its wall's inner face."""
    size = ink.shape[0]
    ink = ink.astype(np.float32) / 255
    boxes = np.array(boxes, np.float64).reshape(-1, 4) * size
    for box in boxes:
        for side in range(4):       # x0, y0, x1, y1
            lo, hi = (box[1], box[3]) if side % 2 == 0 else (box[0], box[2])
            start, stop = int(np.floor(lo + MIDDLE * (hi - lo))), int(np.ceil(hi - MIDDLE * (hi - lo)))
            if stop <= start:
                continue
            band = ink[start:stop, :] if side % 2 == 0 else ink[:, start:stop].T
            profile = np.pad(band.mean(axis=0), 1, constant_values=1.0)   # the picture's edge is a wall
            box[side] = _face(profile, box[side] + 1, outward=-1 if side < 2 else 1) - 1   # padded px
    return boxes / size


def _face(profile: np.ndarray, at: float, outward: int) -> float:
    """Where the first wall (profile ≥ WALL; mean ink per pixel) walking `outward` (−1: left or
    up) from REACH px inside the side at `at` begins, in the profile's pixels; `at` itself when
    there is none in reach or the walk starts inside one."""
    inner = (int(np.floor(at)) if outward < 0 else int(np.ceil(at)) - 1) - outward * REACH
    for step in range(2 * REACH + 1):
        wall = inner + outward * step
        if not 0 <= wall < len(profile):
            break
        if profile[wall] >= WALL:
            if step == 0:
                break       # the walk began inside a wall
            # the face lies as far into its two pixels as the wall covers them (area-averaged ink)
            if outward < 0:
                return wall + 1 + profile[wall + 1] - (1 - profile[wall])
            return wall - profile[wall - 1] + (1 - profile[wall])
    return at
