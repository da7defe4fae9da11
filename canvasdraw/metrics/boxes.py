"""Boxes matched one-to-one (Hungarian) at IoU >= 0.5, in any dimension: floor-plan rooms
(x0, y0, x1, y1) and 3D boxes (x0, y0, z0, x1, y1, z1) alike. A box is its min corner then its
max corner, in one frame for predictions and truth."""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.optimize import linear_sum_assignment

IOU_MATCH = 0.5


def box_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 2d), (M, 2d) boxes -> (N, M) area (d = 2) or volume (d = 3) they share."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    d = a.shape[-1] // 2
    a, b = a.reshape(-1, 2 * d), b.reshape(-1, 2 * d)
    sides = np.clip(np.minimum(a[:, None, d:], b[None, :, d:]) - np.maximum(a[:, None, :d], b[None, :, :d]), 0, None)
    return sides.prod(axis=-1)


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 2d), (M, 2d) boxes -> (N, M) intersection over union (area for d = 2, volume for d = 3)."""
    inter = box_intersection(a, b)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    d = a.shape[-1] // 2
    a, b = a.reshape(-1, 2 * d), b.reshape(-1, 2 * d)
    size = lambda x: (x[:, d:] - x[:, :d]).prod(axis=-1)  # noqa: E731
    union = size(a)[:, None] + size(b)[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


@dataclasses.dataclass
class BoxCounts:
    """Matches summed over pictures: true/false positives, misses, and the corner errors of the
    matched boxes (the mean over a box's two corners of their distance; typed matches when `add`
    is given types)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    corner_errors: list = dataclasses.field(default_factory=list)

    def add(self, pred, gt, pred_types=None, gt_types=None) -> tuple[np.ndarray, np.ndarray]:
        """One picture's predicted and true boxes (P, 2d), (G, 2d); with types given, a match needs
        equal types. Returns the matched (prediction, truth) indices."""
        d = np.asarray(gt).shape[-1] // 2 if np.asarray(gt).size else np.asarray(pred).shape[-1] // 2
        pred, gt = np.asarray(pred, np.float64).reshape(-1, 2 * d), np.asarray(gt, np.float64).reshape(-1, 2 * d)
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
            corners = (pred[r] - gt[c]).reshape(2, d)
            self.corner_errors.append(float(np.linalg.norm(corners, axis=1).mean()))
        return rows[matched], cols[matched]

    def scores(self) -> dict:
        """{"precision", "recall", "f1", "corner_error"} (corner_error: mean over matched boxes, in
        the boxes' units)."""
        p = self.tp / max(self.tp + self.fp, 1)
        r = self.tp / max(self.tp + self.fn, 1)
        return {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-12),
                "corner_error": float(np.mean(self.corner_errors)) if self.corner_errors else float("nan")}
