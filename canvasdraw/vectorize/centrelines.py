"""Centreline strokes read off line art's skeleton: the classical start of large drawings.

The ink (pixels of at least `choice.INK`) is thinned to its one-pixel skeleton (scikit-image), read
as lines (canvasdraw.vectorize.skeleton_lines: spurs dropped, crossings contracted, lines going on
straight through junctions). Each line is cut into quadratic Bézier pieces, each within TOLERANCE
px of the skeleton and small enough that the page refinement draws it on its smallest patch (its
curve's span plus its width along it at most `page_refine.PATCHES[0]` less the margins: one
compiled program for the pieces of most pages): at the point farthest off the curve, or, where a
piece is only too long, into as few parts of equal length as fit.

Two corrections make the pieces lie on their lines, not merely near them: the skeleton of a line
an even number of pixels wide runs half a pixel off its middle, so each point moves across its
line onto the centroid of the ink in a box a little wider than most lines; and a piece is as wide
as the ink's mass in that box over its side (the width of a straight line crossing it; the lower
quartile along the piece, as junctions and bends only add mass), or for lines wider than the box
twice their pixels' distance to the paper less half a pixel (counted between pixel centres).
At a free end, where the thinning of a round cap bends towards one of its corners and stops
short of it or not, the line's last half-width follows the line's own heading instead, to half
its width short of where the ink ends: the centre of the cap.

Each piece is one stroke of a stroke renderer (quadratic Bézier actions: `traces`), in a window of
side WINDOW centred on it (twice that for a line wider than such a window's widest stroke; moved
inside the picture where it fits), as the sliding drawer's strokes are (canvasdraw.vectorize.window_strokes):
the page refinement moves them together (canvasdraw.vectorize.page_refine) and pieces of one line
are written as one path (canvasdraw.vectorize.joining).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage.morphology import skeletonize

from canvasdraw.vectorize.choice import INK
from canvasdraw.vectorize.page_refine import MARGIN, PATCHES
from canvasdraw.vectorize.skeleton_lines import HEADING, arc_lengths, contracted, junction_graph, skeleton_lines
from canvasdraw.vectorize.window_strokes import Strokes

TOLERANCE = 0.8    # px: a piece's largest distance to the skeleton it stands for
SPAN = PATCHES[0] - 2 * MARGIN - 2   # px: a piece's extent with its width, anti-aliasing and margins fits
WINDOW = 64        # px: each piece's window side (a window a sliding drawer would draw it in)
CENTRELINE_STEP = 0.005   # Adam's step (window fractions, 0.3 px) refining pieces, which start on their
                          # lines: on 4 training pages, 10 steps at 0.003 / 0.005 / 0.008 / 0.015 gave L2
                          # 0.00108 / 0.00103 / 0.00143 / 0.00325; 30 steps at 0.0035 / 0.005 / 0.008 on 4
                          # training mosaics 0.0029 / 0.0027 / 0.0026, on 4 pages 0.0004 / 0.0004 / 0.0005
CURVE = ("x0", "y0", "cx", "cy", "x1", "y1", "thickness")   # the action parameters a piece sets
OPTIONAL = {"opacity": 1.0}                                  # others it may set, to these values


def traces(renderer) -> bool:
    """Whether pieces can be written as this renderer's actions: an `ink` renderer of quadratic
    Bézier strokes (parameters CURVE, in canvas fractions, and optionally OPTIONAL)."""
    names = [p.name for p in renderer.action_spec]
    return renderer.composite == "ink" and names[:len(CURVE)] == list(CURVE) and set(names[len(CURVE):]) <= set(OPTIONAL)


def stroke_widths(renderer, side: int) -> tuple[float, float]:
    """The widths (px) of the renderer's thinnest and thickest stroke at `side` px, measured on a
    horizontal stroke across the canvas (its ink summed down the middle column)."""
    names = [p.name for p in renderer.action_spec]
    widths = []
    for thickness in (0.0, 1.0):
        values = dict(OPTIONAL, x0=0.1, y0=0.5, cx=0.5, cy=0.5, x1=0.9, y1=0.5, thickness=thickness)
        ink = renderer.render(np.array([[values[n] for n in names]], np.float32), side)
        widths.append(float(ink[:, side // 2, 0].sum()))
    return widths[0], widths[1]


def _tips(line: np.ndarray, free: tuple[bool, bool], width: float, mask: np.ndarray) -> np.ndarray:
    """The line (n, 2) with each `free` end (start, end) straightened and placed (module
    docstring): its last width/2 px replaced by one point on the heading of the HEADING points
    before, half the width short of where the ink `mask` (H, W) ends along that heading."""
    for end in (0, 1):
        points = line[::-1] if end == 0 else line
        length = arc_lengths(points)
        cut = int(np.searchsorted(length, length[-1] - width / 2))   # the first point of the tip
        if not free[end] or cut <= HEADING:
            continue
        heading = points[cut - 1] - points[cut - 1 - HEADING]
        heading /= max(np.linalg.norm(heading), 1e-9)
        ahead = points[cut - 1] + heading * np.arange(0, 2 * width + 2, 0.5)[:, None]   # (k, 2) on into the cap
        y, x = np.clip(np.round(ahead).astype(int), 0, np.array(mask.shape) - 1).T
        inked = int(np.argmin(mask[y, x])) if not mask[y, x].all() else len(ahead)   # the first step off the ink
        tip = points[cut - 1] + heading * max(0.0, inked * 0.5 - width / 2)
        points = np.vstack([points[:cut], tip])
        line = points[::-1] if end == 0 else points
    return line


def _fit(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The quadratic Bézier through the first and last of points (n, 2), its control point by
    least squares at chord-length parameters: (control point (2,), each point's distance to its
    place on the curve (n,), each point's chord length from the first (n,))."""
    chord = arc_lengths(points)
    t = (chord / max(chord[-1], 1e-9))[:, None]
    weight = 2 * t * (1 - t)
    rest = points - (1 - t) ** 2 * points[0] - t ** 2 * points[-1]
    control = (weight * rest).sum(0) / max(float((weight ** 2).sum()), 1e-9) if len(points) > 2 else points.mean(0)
    curve = (1 - t) ** 2 * points[0] + weight * control + t ** 2 * points[-1]
    return control, np.linalg.norm(curve - points, axis=1), chord


def _centred(line: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """The points (n, 2) (y, x) of a line moved across it (along its normal only: its ends stay)
    onto the ink's centroid `centroids` (2, H, W) near each: the skeleton of a line an even number
    of pixels wide runs half a pixel off its middle, on a side its thinning order picks."""
    if len(line) < 3:
        return line
    tangent = np.gradient(line, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1) / np.maximum(np.linalg.norm(tangent, axis=1), 1e-9)[:, None]
    y, x = np.round(line).astype(int).T
    shift = centroids[:, y, x].T - line
    return line + (shift * normal).sum(1, keepdims=True) * normal


def _quantile(values: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile of values (..., n) over its last axis, interpolated as np.quantile's default
    (which costs ~10× more on the few values of one piece, called for every piece)."""
    ordered = np.sort(values, axis=-1)
    at = q * (values.shape[-1] - 1)
    below = int(np.floor(at))
    above = min(below + 1, values.shape[-1] - 1)
    return ordered[..., below] + (at - below) * (ordered[..., above] - ordered[..., below])


def _curve(pieces: np.ndarray, samples: int = 9) -> np.ndarray:
    """Points (..., samples, 2) along quadratic Béziers (..., 3, 2) (start, control, end)."""
    t = np.linspace(0, 1, samples)[:, None]
    start, control, end = (pieces[..., None, k, :] for k in range(3))
    return (1 - t) ** 2 * start + 2 * t * (1 - t) * control + t ** 2 * end


def _dense(line: np.ndarray) -> np.ndarray:
    """The line (n, 2) with points added on its steps longer than a pixel (a free end's tip is
    one step of up to half the width): every part of it can then be cut into pieces."""
    if len(line) < 2:
        return line
    counts = np.maximum(1, np.ceil(np.linalg.norm(np.diff(line, axis=0), axis=1))).astype(int)
    step = np.repeat(np.arange(len(counts)), counts)
    fraction = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts, counts)
    return np.vstack([line[step] + fraction[:, None] * (line[step + 1] - line[step]), line[-1:]])


def _pieces(points: np.ndarray, width_along) -> list[np.ndarray]:
    """A line (n, 2) as pieces (module docstring): (3, 2) start, control and end point each;
    `width_along(points)`: the line's width (px) along points (k, 2)."""
    control, error, along = _fit(points)
    piece = np.stack([points[0], control, points[-1]])
    curve = _curve(piece)   # its own extent (it may bulge past its points' box) and width
    extent, width = np.ptp(curve, axis=0).max(), width_along(curve)
    if len(points) <= 3 or (error.max() <= TOLERANCE and extent + width <= SPAN):
        return [piece]
    if error.max() > TOLERANCE:   # at the point farthest off the curve
        cut = int(np.argmax(error))
    else:                         # too long: into as few parts of equal length as fit
        cut = int(np.searchsorted(along, along[-1] / np.ceil(extent / max(SPAN - width, 1.0)), "right")) - 1
    cut = min(max(cut, 1), len(points) - 2)
    return _pieces(points[:cut + 1], width_along) + _pieces(points[cut:], width_along)


def _piece_width(piece: np.ndarray, caps: list, width: float, width_along) -> float:
    """A piece's (3, 2) width: `width_along` its curve, but for the points within half the line's
    `width` of the free ends `caps` it holds (the ink thins out around a cap's centre); `width`
    if that leaves nothing."""
    curve = _curve(piece)
    off = np.all([np.linalg.norm(curve - cap, axis=1) >= width / 2 for cap in caps] + [np.ones(len(curve), bool)],
                 axis=0)
    return float(width_along(curve[off])) if np.any(off) else width


def centreline_strokes(renderer, ink: np.ndarray) -> Strokes:
    """The centreline pieces (module docstring) of ink (H, W) uint8, 255 = ink, as one stroke of
    `renderer` (`traces`) per WINDOW-px window; no ink: no windows."""
    mask = ink >= INK
    distance = ndimage.distance_transform_edt(mask)
    skeleton = skeletonize(mask)
    # Boxes wider than most lines: the ink's centroid in one lies on the line's middle, its mass
    # over the box's side is the line's width (a straight line across the box).
    box = 2 * max(1, round(np.median(distance[skeleton]))) + 3 if skeleton.any() else 3
    mass = ndimage.uniform_filter(ink.astype(np.float32) / 255, box) + 1e-6
    grid = np.mgrid[:ink.shape[0], :ink.shape[1]].astype(np.float32)
    centroids = np.stack([ndimage.uniform_filter(ink / 255 * g, box) for g in grid]) / mass

    def width_along(points):   # points (..., n, 2) (y, x) -> the widths (...) of the lines along them
        y, x = np.moveaxis(np.clip(np.round(points).astype(int), 0, np.array(mask.shape) - 1), -1, 0)
        thresholded = 2 * _quantile(distance[y, x], 0.5) - 0.5   # the pixels' distance to the paper
        return np.where(thresholded > box - 2, thresholded, box * _quantile(mass[y, x], 0.25))

    centres, edges = junction_graph(skeleton)
    edges, centres = contracted(edges, centres, width_along, 2 * float(distance.max()))
    lonely = np.delete(centres, [j for _, ends in edges for j in ends if j >= 0], axis=0)   # dots: no edge
    lines = [(line, free, float(width_along(line))) for line, free in skeleton_lines(edges, len(centres), width_along)]
    drawn = [(_pieces(_dense(_tips(_centred(line, centroids), free, width, mask)), width_along), free, width)
             for line, free, width in lines]
    dots = [np.stack([c, c, c]) for c in lonely]
    pieces = np.array([p for line, _, _ in drawn for p in line] + dots).reshape(-1, 3, 2)   # (N, start/control/end, y/x)
    widths = np.array([_piece_width(p, [p[0]] * (k == 0 and free[0]) + [p[-1]] * (k == len(line) - 1 and free[1]),
                                    width, width_along)
                       for line, free, width in drawn for k, p in enumerate(line)] +
                      [float(width_along(_curve(dot))) for dot in dots])
    thinnest, thickest = np.array(stroke_widths(renderer, WINDOW)), np.array(stroke_widths(renderer, 2 * WINDOW))
    wide = widths > thinnest[1]   # wider than a window's widest stroke: in a window twice as large
    sides, thinnest, thickest = np.where(wide, 2 * WINDOW, WINDOW), *np.where(wide, thickest[:, None], thinnest[:, None])
    xy = pieces[..., ::-1] + 0.5   # (N, 3, 2) (x, y) in px, pixel centres at +0.5
    # (N, 2) (x, y), each window inside the picture where it fits: the page refinement then works
    # on the picture's own size, one compiled program for every page of that size
    room = np.maximum(np.array(ink.shape[::-1]) - sides[:, None], 0)
    corners = np.clip(np.round((xy.min(1) + xy.max(1) - sides[:, None]) / 2).astype(int), 0, room)
    values = dict(OPTIONAL, thickness=np.clip((widths - thinnest) / (thickest - thinnest), 0, 1))
    values.update(zip(CURVE[:6], ((xy - corners[:, None]) / sides[:, None, None]).reshape(-1, 6).T))
    actions = np.stack([np.broadcast_to(values[p.name], len(pieces)) for p in renderer.action_spec], -1)
    return Strokes(corners[:, ::-1], sides, actions[:, None].astype(np.float32))
