"""3D box scores (the PlankAssembly protocol): boxes matched one-to-one (Hungarian) at 3D IoU >=
0.5, precision/recall/F1, the mean corner error of matched boxes in units of the cube side, and
their colour error ΔE (CIE76, in CIELAB). Boxes come as `prisms` actions (K, 9): two opposite
corners in any order and a normalised LAB colour."""

from __future__ import annotations

import dataclasses

import numpy as np

from canvasdraw.metrics.boxes import BoxCounts
from canvasdraw.render.color import cielab_of


def boxes_of(actions: np.ndarray) -> np.ndarray:
    """prisms actions (K, 9) -> boxes (K, 6): min corner (x, y, z), then max corner."""
    corners = np.asarray(actions, np.float64).reshape(-1, 9)[:, :6].reshape(-1, 2, 3)
    return np.concatenate([corners.min(axis=1), corners.max(axis=1)], axis=1)


@dataclasses.dataclass
class SceneCounts:
    """Box matches and the colour errors of matched boxes, summed over scenes."""

    boxes: BoxCounts = dataclasses.field(default_factory=BoxCounts)
    color_errors: list = dataclasses.field(default_factory=list)

    def add(self, pred: np.ndarray, true: np.ndarray) -> None:
        """One scene's predicted and true prisms actions, (P, 9) and (G, 9)."""
        pred, true = np.asarray(pred).reshape(-1, 9), np.asarray(true).reshape(-1, 9)
        rows, cols = self.boxes.add(boxes_of(pred), boxes_of(true))
        delta = cielab_of(pred[rows, 6:9]) - cielab_of(true[cols, 6:9])
        self.color_errors += np.linalg.norm(delta, axis=-1).tolist()

    def scores(self) -> dict:
        """{"precision", "recall", "f1", "corner_error" (cube sides), "delta_e"} (means over matches)."""
        return {**self.boxes.scores(),
                "delta_e": float(np.mean(self.color_errors)) if self.color_errors else float("nan")}
