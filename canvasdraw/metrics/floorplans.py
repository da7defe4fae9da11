"""Floor-plan scores: the room-type mIoU of a drawing vs the ground-truth segmentation. Room
boxes are scored by canvasdraw.metrics.boxes ((x0, y0, x1, y1) in any one pixel frame; types are
indices into ROOM_TYPES, or None for a method that gives no types, which then has no type-aware
score)."""

from __future__ import annotations

import dataclasses

import numpy as np

from canvasdraw.data.floorplans import type_colors
from canvasdraw.data.floorplans.layout import ROOM_TYPES


def class_map(image: np.ndarray) -> np.ndarray:
    """Room-type pictures ([N,] S, S, 3) in sRGB (uint8, or float in [0, 1]) -> ([N,] S, S) int:
    0 = no room, k = ROOM_TYPES[k - 1]. A pixel is the type whose colour, scaled by the pixel's
    coverage a in [0, 1] (anti-aliased and area-averaged edges are the colour dimmed towards
    black), explains it best, and no room where that coverage is under one half."""
    image = np.asarray(image)
    if image.ndim == 4:  # one picture at a time: the distances of a whole set would not fit in memory
        return np.stack([class_map(picture) for picture in image]) if len(image) else np.zeros(image.shape[:3], int)
    x = image.astype(np.float32) / 255 if image.dtype == np.uint8 else image.astype(np.float32)
    colors = np.array([type_colors()[t] for t in ROOM_TYPES], np.float32) / 255          # (K, 3)
    coverage = np.clip(x @ colors.T / np.sum(colors**2, axis=1), 0, 1)                 # (S, S, K)
    residual = np.linalg.norm(x[..., None, :] - coverage[..., None] * colors, axis=-1)
    best = np.argmin(residual, axis=-1)
    return np.where(np.take_along_axis(coverage, best[..., None], -1)[..., 0] >= 0.5, best + 1, 0)


@dataclasses.dataclass
class SegmentationCounts:
    """Per-type intersections and unions summed over plans (the usual dataset-level mIoU)."""

    inter: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(len(ROOM_TYPES)))
    union: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(len(ROOM_TYPES)))

    def add(self, pred: np.ndarray, true: np.ndarray) -> None:
        """Class maps (S, S) int as `class_map` gives them."""
        for k in range(1, len(ROOM_TYPES) + 1):
            p, t = pred == k, true == k
            self.inter[k - 1] += np.sum(p & t)
            self.union[k - 1] += np.sum(p | t)

    def miou(self) -> float:
        """Mean over the room types that occur of intersection / union."""
        seen = self.union > 0
        return float(np.mean(self.inter[seen] / self.union[seen])) if seen.any() else float("nan")
