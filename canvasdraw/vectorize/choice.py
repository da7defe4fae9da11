"""How `canvasdraw vectorize` draws a picture when no model is named: by the picture's pen.

A drawer draws well the pen widths it was trained on. The pen of a picture is measured
(`pen_width`: twice the median distance from the centre line of its strokes to the paper), and the
picture is drawn at the working scale that gives it such a pen:

* `single` with SINGLE_MODEL when the whole picture, shrunk to the model's 64 px window, keeps a
  pen of at least SINGLE_PENS[0] px (symbols, digits, small sketches), then REFINE Adam steps on
  the strokes through the renderer's differentiable twin (`vectorize --refine`: on held-out pen
  drawings, symbols and digits it cuts the L2 of the SVG 3-6×, docs/results.md), in up to PASSES
  passes of the drawer for pictures that need more strokes than its steps
  (canvasdraw.vectorize.single);
* else `centrelines`: strokes along the centrelines of its lines, read off its skeleton
  (canvasdraw.vectorize.centrelines), as SLIDING_MODEL's strokes, then CENTRELINE_REFINE Adam steps
  on all of them together through the renderer's twin (canvasdraw.vectorize.page_refine). The
  picture keeps its own size unless its pen is wider than WIDEST px, the widest stroke a window
  draws well (then it is shrunk to that, fewer pixels to refine — but never so far that its
  thinnest lines fall below THINNEST px: a picture mixing pens keeps its fine lines). On held-out
  512² pages and mosaics of pen drawings this beat the sliding drawer (`--model sliding_10lstm`,
  70 steps of refinement) in L2, paths and time (docs/results.md, sessions 26-27; on 4 training
  mosaics 10 / 20 / 30 steps left 2.9 / 1.9 / 1.5 % of the empty drawing's error, pages 1.3 / 0.7
  / 0.5 %). Where the lines are too close or too thick for their skeleton and the refined
  centreline drawing leaves more than ROUGH of the empty drawing's error, `vectorize` also draws
  the picture with SLIDING_MODEL window by window, then PAGE_REFINE steps, the strokes that add
  little dropped on the way, and keeps the closer drawing.

No JAX here: choosing runs on the thread that reads the inputs.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PIL import Image
from scipy import ndimage

SINGLE_MODEL, SINGLE_SIZE = "lineart_20lstm", 64
SINGLE_PENS = (1.5, 12.0)      # px at 64 px: the pens of its training drawings (canvasdraw.data.pen)
SLIDING_MODEL = "sliding_10lstm"   # its renderer draws the centreline strokes
SMALLEST_SCALE = 1 / 8
REFINE = 100
PASSES = 4
CENTRELINE_REFINE = 30
ROUGH = 0.03                   # of the empty drawing's error: a centreline drawing leaving more is redrawn by
                               # the sliding drawer with PAGE_REFINE steps, the closer drawing kept
PAGE_REFINE = 70
WIDEST = 8.0                   # px: a wider pen is shrunk to this (the widest stroke of a 64 px window is 9.6 px)
INK = 128                      # a pixel with at least this much ink belongs to a stroke
THINNEST = 3.0                 # px: shrinking stops where the picture's thin lines (THIN_QUANTILE of its pen) would be thinner
THIN_QUANTILE = 10             # percentile of the ridge's widths


@dataclasses.dataclass(frozen=True)
class Choice:
    """model: a shipped model name; drawer: single or centrelines; scale: working pixels per input
    pixel (single: 64 / the padded square's side); pen_px: the input's pen width (None: no ink);
    refine: Adam steps after the drawer; passes: at most this many passes of the
    drawer (single window only); reason: one sentence for the JSON."""

    model: str
    drawer: str
    scale: float
    pen_px: float | None
    refine: int
    passes: int
    reason: str


def pen_width(ink: np.ndarray, percentile: float = 50) -> float | None:
    """The pen width in px of (H, W) uint8 ink (255 = ink): twice the median (or another
    `percentile`) of the distance to the paper over the strokes' ridge (pixels at least as far from
    the paper as their 8 neighbours); within ~10 % on generated pen drawings of 1.5–48 px. None
    without ink."""
    return _width(_ridge(ink), percentile)


def _ridge(ink: np.ndarray) -> np.ndarray | None:
    """The distances to the paper over the strokes' ridge of (H, W) uint8 ink (`pen_width`); None
    with fewer than 4 inked pixels."""
    mask = ink >= INK
    if mask.sum() < 4:
        return None
    distance = ndimage.distance_transform_edt(mask)
    return distance[mask & (distance >= ndimage.maximum_filter(distance, 3))]


def _width(ridge: np.ndarray | None, percentile: float) -> float | None:
    return None if ridge is None else float(2 * np.percentile(ridge, percentile))


def choose(ink: np.ndarray) -> Choice:
    """The drawing for (H, W) uint8 ink at the input's own size (module docstring)."""
    side = max(ink.shape)
    single_scale = SINGLE_SIZE / side
    ridge = _ridge(ink)   # one distance transform for both widths below
    pen = _width(ridge, 50)
    if pen is None:
        return Choice(SINGLE_MODEL, "single", single_scale, None, 0, 1, "no ink: one window")
    if pen * single_scale >= SINGLE_PENS[0]:
        return Choice(SINGLE_MODEL, "single", single_scale, pen, REFINE, PASSES,
                      f"the {pen:.1f} px pen is {pen * single_scale:.1f} px in one {SINGLE_SIZE} px window "
                      f"({SINGLE_MODEL} was trained on {SINGLE_PENS[0]}-{SINGLE_PENS[1]:g} px)")
    smallest = min(1.0, THINNEST / _width(ridge, THIN_QUANTILE))   # shrinking keeps thin lines THINNEST px
    scale = float(np.clip(WIDEST / pen, max(SMALLEST_SCALE, smallest), 1.0))
    return Choice(SLIDING_MODEL, "centrelines", scale, pen, CENTRELINE_REFINE, 1,
                  f"the {pen:.1f} px pen would be {pen * single_scale:.1f} px in one {SINGLE_SIZE} px window, "
                  f"thinner than {SINGLE_PENS[0]} px: centreline strokes of the picture"
                  + (f" scaled ×{scale:.2f}, where its pen is {pen * scale:.1f} px," if scale < 1 else "")
                  + f" refined {CENTRELINE_REFINE} steps ({SLIDING_MODEL}'s strokes)")


def scaled(ink: np.ndarray, scale: float) -> np.ndarray:
    """(H, W) uint8 ink resized by `scale` (at least 8 px a side), with Pillow's area-averaging
    filter when shrinking (thin lines stay grey instead of breaking up), bilinear when enlarging."""
    if scale == 1:
        return ink
    h, w = ink.shape
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    return np.asarray(Image.fromarray(ink).resize(size, Image.BOX if scale < 1 else Image.BILINEAR))
