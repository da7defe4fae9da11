"""A large picture drawn window by window at its own (or its chosen) size: the windows' strokes
from a drawer (sliding, hierarchical) or from the picture's centrelines, then refined all
together through the renderer's twin, thinned, joined and written as one SVG."""

from __future__ import annotations

import dataclasses

import numpy as np
from tqdm import tqdm

from canvasdraw.render import svg
from canvasdraw.vectorize.centrelines import CENTRELINE_STEP, centreline_strokes
from canvasdraw.vectorize.economy import written_strokes
from canvasdraw.vectorize.page_refine import LEARNING_RATE, refine_windows
from canvasdraw.vectorize.sliding import hierarchical, slide
from canvasdraw.vectorize.window_strokes import Strokes, joined_strokes, render_strokes, strokes_svg


@dataclasses.dataclass
class WindowDrawing:
    """strokes: as written; svg_text: the file; state (H, W, C): its drawing (the SVG as Cairo
    draws it when strokes are joined, else the real renderer's); l2: of that drawing against
    the picture's ink; drawer, refine: how it was made."""

    strokes: Strokes
    svg_text: str
    state: np.ndarray
    l2: float
    drawer: str
    refine: int


def draw_windows(model, ink: np.ndarray, shown: tuple[int, int], drawer: str, refine: int, options, map=map,
                 stem: str | None = None) -> WindowDrawing:
    """Draws ink (H, W) uint8 (255 = ink) with `drawer` (sliding, hierarchical or centrelines)
    and `refine` Adam steps; `shown` (height, width): the size the SVG asks to be shown at;
    `options`: vectorize's (overlap, order, coarse); `map` runs the drawer's renderer calls;
    `stem`: the picture's, for a progress bar of its windows (None: no bar)."""
    target, state = ink.astype(np.float32) / 255, None
    if drawer == "centrelines":
        strokes, step = centreline_strokes(model.renderer, ink), CENTRELINE_STEP
    else:
        step = LEARNING_RATE
        with tqdm(desc=f"  windows of {stem}", unit="window", leave=False, disable=stem is None) as windows:
            def progress(done, total):
                windows.total = total
                windows.update(done - windows.n)

            if drawer == "hierarchical":
                strokes, state = hierarchical(model.drawer, model.renderer, target, options.overlap, options.order,
                                              map, options.coarse.drawer if options.coarse else None, progress)
            else:
                strokes, state = slide(model.drawer, model.renderer, target, options.overlap, options.order, map=map,
                                       progress=progress)
    strokes = refine_windows(model.renderer, strokes, target, refine, step)
    if model.renderer.composite == "ink":  # strokes that draw nothing are not written, lines are joined
        strokes = joined_strokes(model.renderer, written_strokes(model.renderer, strokes, target.shape, target))
    svg_text = strokes_svg(model.renderer, strokes, *target.shape, shown=shown)
    if strokes.chains:  # a joined path is no action: the drawing is the file as Cairo draws it
        state = svg.drawn(model.renderer, svg_text, target.shape[1], target.shape[0])
    elif state is None or refine or (strokes.kept is not None and not strokes.kept.all()):
        state = render_strokes(model.renderer, strokes, *target.shape)
    l2 = float(np.mean((svg.picture_of(model.renderer, state)[..., 0] - target) ** 2))
    return WindowDrawing(strokes, svg_text, state, l2, drawer, refine)
