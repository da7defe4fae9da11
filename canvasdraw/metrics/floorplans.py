"""Floor-plan scores: boxes matched one-to-one (Hungarian) at IoU >= 0.5, corner error, and the
room-type mIoU of a drawing vs the ground-truth segmentation.

Boxes are (x0, y0, x1, y1) in any one pixel frame; types are indices into ROOM_TYPES (or None for
a method that gives no types, which then has no type-aware score).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.optimize import linear_sum_assignment

from canvasdraw.data.floorplans import type_colors
from canvasdraw.data.floorplans.layout import ROOM_TYPES

IOU_MATCH = 0.5


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 4), (M, 4) boxes -> (N, M) intersection over union."""
    a, b = np.asarray(a, np.float64).reshape(-1, 4), np.asarray(b, np.float64).reshape(-1, 4)
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    inter = w * h
    union = area(a)[:, None] + area(b)[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


@dataclasses.dataclass
class BoxCounts:
    """Matches summed over plans: true/false positives, misses, and the corner errors (px) of the
    matched boxes (typed matches when `add` is given types)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    corner_errors: list = dataclasses.field(default_factory=list)

    def add(self, pred, gt, pred_types=None, gt_types=None) -> None:
        """One plan's predicted and true boxes; with types given, a match needs equal types."""
        pred, gt = np.asarray(pred, np.float64).reshape(-1, 4), np.asarray(gt, np.float64).reshape(-1, 4)
        iou = box_iou(pred, gt)
        if pred_types is not None:
            iou = np.where(np.asarray(pred_types)[:, None] == np.asarray(gt_types)[None, :], iou, 0.0)
        iou = np.where(iou >= IOU_MATCH, iou, 0.0)   # a pair below the threshold must not displace one above
        rows, cols = linear_sum_assignment(-iou) if iou.size else (np.array([], int), np.array([], int))
        matched = iou[rows, cols] >= IOU_MATCH
        self.tp += int(matched.sum())
        self.fp += len(pred) - int(matched.sum())
        self.fn += len(gt) - int(matched.sum())
        for r, c in zip(rows[matched], cols[matched]):
            corners = (pred[r] - gt[c]).reshape(2, 2)
            self.corner_errors.append(float(np.linalg.norm(corners, axis=1).mean()))

    def scores(self) -> dict:
        """{"precision", "recall", "f1", "corner_px"} (corner_px: mean over matched boxes)."""
        p = self.tp / max(self.tp + self.fp, 1)
        r = self.tp / max(self.tp + self.fn, 1)
        return {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-12),
                "corner_px": float(np.mean(self.corner_errors)) if self.corner_errors else float("nan")}


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
