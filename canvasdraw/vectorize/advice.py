"""Every vectorize result beside its baseline, and a one-line warning when it is not good.

The baseline is the empty drawing: its L2 is the target's ink energy, mean(target²). A result
explains the share 1 − L2/L2_blank of that energy (1 = perfect, 0 = no better than drawing
nothing, < 0 = worse). A picture is judged far from the model's training data when its drawing
explains less than EXPLAINED_FLOOR of the ink, when more than PHOTO_INK of its pixels are ink
(filled areas or a photo, not line art on paper), or when a large picture is shrunk to a
single-window model's size. The warning names a model or option that fits better.
"""

from __future__ import annotations

import numpy as np

EXPLAINED_FLOOR = 0.5
PHOTO_INK = 0.5
SLIDING_MODEL = "sliding_10lstm"
SYMBOL_MODEL = "symbols_20lstm"


def baseline(target: np.ndarray, l2: float) -> dict:
    """{"blank_l2", "explained"} of a result with pixel L2 `l2` on `target` (ink in [0, 1])."""
    blank = float(np.mean(target ** 2))
    return {"blank_l2": blank, "explained": 1 - l2 / blank if blank > 0 else None}


def warning(target: np.ndarray, explained: float | None, input_size: tuple[int, int], model: dict,
            windowed: bool) -> str | None:
    """One line on what is wrong and what to try instead, or None. `target` is the model's view
    (ink (S, S) in [0, 1], or a colour picture (S, S, 3)); `model` holds the facts name, size, slides and data
    (and "translates", see store.models.Model, if true); `windowed`: the picture
    was drawn window by window at its own size rather than shrunk to the model's."""
    width, height = input_size
    line_art = target.ndim == 2 and not model.get("task")   # not colour, boxes or coloured digits
    if line_art and not windowed and max(width, height) > 2 * model["size"]:
        other = ("--drawer auto, which slides this model over large pictures" if model.get("slides") else
                 f"--model {SLIDING_MODEL}, which draws large pictures window by window at their own size")
        return f"a {width}×{height} picture is shrunk to {model['size']} px for {model['name']}; try {other}"
    if line_art and np.mean(target > 0.5) > PHOTO_INK:
        return ("more than half of the picture is ink: canvasdraw draws line art on plain paper (if the ink is "
                "light on dark, check --invert/--no-invert)")
    if explained is None or explained >= EXPLAINED_FLOOR:
        return None
    what = "ink" if target.ndim == 2 else "picture"
    verdict = (f"the drawing explains none of the {what} (no better than an empty drawing)" if explained <= 0 else
               f"the drawing explains only {explained:.0%} of the {what}")
    other = (f"--model {SYMBOL_MODEL} or --refine 100" if model["name"].startswith("mnist")
             else "another model (canvasdraw models)" if model.get("translates")   # nothing to refine against
             else "--refine 100 or another model (canvasdraw models)")
    return f"{verdict}: the picture is far from what {model['name']} was trained on ({model['data']}); try {other}"
