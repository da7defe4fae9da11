"""Accuracy of recovered programs (Neural Inverse Knitting's definitions, test/eval_results.py).

full: correct cells / all cells. foreground: correct cells among those whose true instruction is
not the most frequent one of their own program (ties: the lower index), i.e. the cells that make
a pattern more than its background. Both are micro-averages: counts summed over all programs,
then divided.
"""

from __future__ import annotations

import numpy as np


def program_accuracy(true: np.ndarray, predicted: np.ndarray) -> dict:
    """true, predicted (M, rows, cols) instruction indices -> {"full", "foreground", "programs",
    "foreground_cells"} with accuracies in [0, 1]."""
    true, predicted = np.asarray(true), np.asarray(predicted)
    if true.shape != predicted.shape:
        raise ValueError(f"true programs {true.shape} and predicted {predicted.shape} differ in shape")
    flat = true.reshape(len(true), -1)
    background = np.array([np.bincount(row).argmax() for row in flat])
    foreground = flat != background[:, None]
    correct = flat == predicted.reshape(len(predicted), -1)
    cells = int(foreground.sum())
    return {"full": float(correct.mean()), "foreground": float((correct & foreground).sum() / max(cells, 1)),
            "programs": len(true), "foreground_cells": cells}


def per_instruction_recall(true: np.ndarray, predicted: np.ndarray, count: int) -> np.ndarray:
    """(count,) recall of each instruction over all cells (NaN where it never occurs)."""
    true, predicted = np.ravel(true), np.ravel(predicted)
    hits = np.bincount(true[true == predicted], minlength=count).astype(float)
    totals = np.bincount(true, minlength=count).astype(float)
    return np.divide(hits, totals, out=np.full(count, np.nan), where=totals > 0)
