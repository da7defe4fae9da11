"""Where a sliding drawer's windows meet: the error in strips along the window edges vs elsewhere."""

from __future__ import annotations

import numpy as np


def seam_l2(target: np.ndarray, drawn: np.ndarray, stride: int, strip: int = 4) -> tuple[float, float]:
    """(L2 in `strip`-px strips centred on the window edges, L2 elsewhere) of drawn vs target,
    both (H, W) in [0, 1]; window edges lie on the multiples of `stride` inside the picture.
    Grid artefacts (strokes that stop or double at window edges) raise the first."""
    def near_edge(n):
        offset = np.arange(n) % stride
        inside = (np.arange(n) >= strip // 2) & (np.arange(n) < n - strip // 2)
        return inside & ((offset < strip // 2) | (offset >= stride - strip // 2))

    error = (drawn - target) ** 2
    seams = near_edge(target.shape[0])[:, None] | near_edge(target.shape[1])[None, :]
    return float(error[seams].mean()), float(error[~seams].mean())
