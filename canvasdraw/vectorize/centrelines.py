"""Centreline strokes read off line art's skeleton: the classical start of large drawings.

The ink (pixels of at least `choice.INK`) is thinned to its one-pixel skeleton (scikit-image). The skeleton
is a graph: its *junctions* are the clusters of pixels with other than two skeleton neighbours
(line ends, forks, crossings), its *edges* the simple paths of two-neighbour pixels between them.
An edge from a fork to a free end shorter than the line is wide is a spur of the thinning (the
corner of a thick pen) and is dropped; an edge that short between two forks is contracted (the
skeleton of a crossing of thick lines is two forks and a short edge). At a junction, the two edges that continue each other
most straightly (they turn by less than TURN) are one line, greedily, straightest first; a line
goes on through a junction of exactly two edges whatever it turns. Each line is cut into
quadratic Bézier pieces, each within TOLERANCE px of the skeleton and small enough that the page
refinement draws it on its smallest patch (its points' span plus its width at most
`page_refine.PATCHES[0]` less the margins: one compiled program for the pieces of most pages).

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
from scipy import ndimage, sparse
from scipy.sparse import csgraph
from skimage.morphology import skeletonize

from canvasdraw.vectorize.choice import INK
from canvasdraw.vectorize.page_refine import MARGIN, PATCHES
from canvasdraw.vectorize.window_strokes import Strokes

TURN = 0.5         # cosine: at a fork, two edges are one line when it turns by less than ~60°
TOLERANCE = 0.8    # px: a piece's largest distance to the skeleton it stands for
SPAN = PATCHES[0] - 2 * MARGIN - 2   # px: a piece's extent with its width, anti-aliasing and margins fits
WINDOW = 64        # px: each piece's window side (a window a sliding drawer would draw it in)
CENTRELINE_STEP = 0.005   # Adam's step (window fractions, 0.3 px) refining pieces, which start on their
                          # lines: on 4 training pages, 10 steps at 0.003 / 0.005 / 0.008 / 0.015 gave L2
                          # 0.00108 / 0.00103 / 0.00143 / 0.00325
HEADING = 6        # skeleton pixels from a junction over which an edge's direction is read
NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
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


def _junction_graph(skeleton: np.ndarray):
    """The skeleton's junctions and edges: (the centres (J, 2) (y, x) of its junction clusters,
    edges [(points (n, 2) (y, x) from one end to the other, the junctions' centres first and last,
    (junction, junction) at its two ends, -1 where none: a loop)])."""
    degree = ndimage.convolve(skeleton.astype(np.uint8), np.ones((3, 3), np.uint8), mode="constant") - 1
    junction = skeleton & (degree != 2)
    clusters, count = ndimage.label(junction, np.ones((3, 3)))
    centres = np.array(ndimage.center_of_mass(junction, clusters, range(1, count + 1))).reshape(-1, 2)
    paths, _ = ndimage.label(skeleton & ~junction, np.ones((3, 3)))
    height, width = skeleton.shape
    edges = []
    for k, box in enumerate(ndimage.find_objects(paths), 1):
        ys, xs = np.nonzero(paths[box] == k)
        pixels = set(zip((ys + box[0].start).tolist(), (xs + box[1].start).tolist()))
        path = _walk(pixels)
        ends = []
        for y, x in (path[0], path[-1]):   # the clusters next to each end, a different one for each if it can
            near = sorted({int(clusters[y + dy, x + dx]) - 1 for dy, dx in NEIGHBOURS
                           if 0 <= y + dy < height and 0 <= x + dx < width and clusters[y + dy, x + dx]})
            ends.append(next((j for j in near if j not in ends), near[0] if near else -1))
        points = np.array(path, float)
        if len(path) > 2 and ends == [-1, -1] and max(abs(path[0][0] - path[-1][0]), abs(path[0][1] - path[-1][1])) <= 1:
            points = np.vstack([points, points[:1]])   # a closed loop
        edges.append((np.vstack([centres[j] for j in ends[:1] if j >= 0] + [points] +
                                [centres[j] for j in ends[1:] if j >= 0]), tuple(ends)))
    return centres, edges


def _walk(pixels: set) -> list[tuple[int, int]]:
    """The pixels of one simple 8-connected path in order, from an end (any pixel of a loop);
    a step goes to a side neighbour before a diagonal one."""
    ends = [p for p in pixels if sum((p[0] + dy, p[1] + dx) in pixels for dy, dx in NEIGHBOURS) <= 1]
    path = [min(ends) if ends else min(pixels)]
    seen = {path[0]}
    while True:
        y, x = path[-1]
        step = min(((abs(dy) + abs(dx), (y + dy, x + dx)) for dy, dx in NEIGHBOURS
                    if (y + dy, x + dx) in pixels and (y + dy, x + dx) not in seen), default=None)
        if step is None:
            return path
        path.append(step[1])
        seen.add(step[1])


def _length(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def _contracted(edges, centres: np.ndarray, width_along, widest: float):
    """The graph (`_junction_graph`'s centres and edges) with each edge between two forks (three
    or more edges meet) that is shorter than the line is wide (at most `widest` px) contracted: its junctions are one, at their mean (the
    skeleton of a crossing of thick lines is two forks and a short edge between them)."""
    degree = np.bincount([j for _, ends in edges for j in ends if j >= 0], minlength=len(centres))
    short = [k for k, (points, (a, b)) in enumerate(edges)   # (a skeleton step is at least a pixel long)
             if min(a, b) >= 0 and a != b and min(degree[a], degree[b]) >= 3 and len(points) <= widest + 2
             and _length(points) < width_along(points)]
    pairs = np.array([edges[k][1] for k in short], int).reshape(-1, 2)
    links = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(centres),) * 2)
    count, junction_of = csgraph.connected_components(links, directed=False)
    merged = np.zeros((count, 2))
    np.add.at(merged, junction_of, centres)
    merged /= np.bincount(junction_of, minlength=count)[:, None]
    kept = []
    for k, (points, ends) in enumerate(edges):
        if k not in short:
            points, ends = points.copy(), tuple(int(junction_of[j]) if j >= 0 else -1 for j in ends)
            for index, j in ((0, ends[0]), (-1, ends[1])):
                if j >= 0:
                    points[index] = merged[j]
            kept.append((points, ends))
    return kept, merged


def _lines(edges, count: int, width_along) -> list[tuple[np.ndarray, tuple[bool, bool]]]:
    """The edges (`_junction_graph`) joined into lines (module docstring): per line its points
    (n, 2) (y, x) and whether its start and its end are free (no other line meets them).
    `width_along(points)` is the line's width (px) there."""
    at = [[] for _ in range(count)]   # per junction: the (edge, end) pairs that meet there
    for k, (_, ends) in enumerate(edges):
        for end, j in enumerate(ends):
            if j >= 0:
                at[j].append((k, end))
    degree = [len(a) for a in at]
    kept = [not (sum(degree[j] == 1 for j in ends if j >= 0) == 1 and any(degree[j] >= 3 for j in ends if j >= 0)
                 and _length(points) < width_along(points))
            for points, ends in edges]

    def heading(edge: int, end: int) -> np.ndarray:   # unit direction leaving the junction
        points = edges[edge][0] if end == 0 else edges[edge][0][::-1]
        away = points[min(len(points) - 1, HEADING)] - points[0]
        return away / max(np.linalg.norm(away), 1e-9)

    joined = {}   # (edge, end) -> the (edge, end) the line goes on through
    for meeting in at:
        ends = [e for e in meeting if kept[e[0]]]
        turns = sorted(((-float(heading(*a) @ heading(*b)), a, b) for i, a in enumerate(ends) for b in ends[i + 1:]
                        if a[0] != b[0]), key=lambda t: -t[0])
        for straightness, a, b in turns:
            if a not in joined and b not in joined and (straightness > TURN or len(ends) == 2):
                joined[a], joined[b] = b, a
    lines, done = [], set()
    firsts = [(k, e) for k in range(len(edges)) for e in (0, 1) if kept[k] and (k, e) not in joined]
    for k, end in firsts + [(k, 0) for k in range(len(edges)) if kept[k]]:   # line ends first, then loops
        if k in done:
            continue
        parts, first = [], edges[k][1][end]
        while k not in done:
            done.add(k)
            points = edges[k][0] if end == 0 else edges[k][0][::-1]
            parts.append(points if not parts else points[1:])
            last = edges[k][1][1 - end]
            k, end = joined.get((k, 1 - end), (k, end))
        lines.append((np.vstack(parts), (first >= 0 and degree[first] == 1, last >= 0 and degree[last] == 1)))
    return lines


def _tips(line: np.ndarray, free: tuple[bool, bool], width: float, mask: np.ndarray) -> np.ndarray:
    """The line (n, 2) with each `free` end (start, end) straightened and placed (module
    docstring): its last width/2 px replaced by one point on the heading of the HEADING points
    before, half the width short of where the ink `mask` (H, W) ends along that heading."""
    for end in (0, 1):
        points = line[::-1] if end == 0 else line
        length = np.r_[0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
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


def _fit(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The quadratic Bézier through the first and last of points (n, 2), its control point by
    least squares at chord-length parameters: (control point (2,), each point's distance to its
    place on the curve (n,), the chord length)."""
    chord = np.r_[0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    t = (chord / max(chord[-1], 1e-9))[:, None]
    weight = 2 * t * (1 - t)
    rest = points - (1 - t) ** 2 * points[0] - t ** 2 * points[-1]
    control = (weight * rest).sum(0) / max(float((weight ** 2).sum()), 1e-9) if len(points) > 2 else points.mean(0)
    curve = (1 - t) ** 2 * points[0] + weight * control + t ** 2 * points[-1]
    return control, np.linalg.norm(curve - points, axis=1), float(chord[-1])


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


def _pieces(points: np.ndarray, width: float) -> list[np.ndarray]:
    """A line (n, 2) of about `width` px as pieces (module docstring): (3, 2) start, control and
    end point each."""
    control, error, _ = _fit(points)
    span = np.ptp(points, axis=0).max() + width
    if len(points) <= 3 or (error.max() <= TOLERANCE and span <= SPAN):
        return [np.stack([points[0], control, points[-1]])]
    cut = int(np.argmax(error)) if error.max() > TOLERANCE else len(points) // 2
    cut = min(max(cut, 1), len(points) - 2)
    return _pieces(points[:cut + 1], width) + _pieces(points[cut:], width)


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
        thresholded = 2 * np.median(distance[y, x], axis=-1) - 0.5   # the pixels' distance to the paper
        return np.where(thresholded > box - 2, thresholded, box * np.percentile(mass[y, x], 25, axis=-1))

    centres, edges = _junction_graph(skeleton)
    edges, centres = _contracted(edges, centres, width_along, 2 * float(distance.max()))
    lonely = np.delete(centres, [j for _, ends in edges for j in ends if j >= 0], axis=0)   # dots: no edge
    lines = [(line, free, float(width_along(line))) for line, free in _lines(edges, len(centres), width_along)]
    pieces = np.array([p for line, free, width in lines for p in _pieces(_tips(_centred(line, centroids), free, width,
                                                                                   mask), width)] +
                      [np.stack([c, c, c]) for c in lonely]).reshape(-1, 3, 2)   # (N, start/control/end, y/x)
    t = np.linspace(0, 1, 9)[:, None]
    along = (1 - t) ** 2 * pieces[:, None, 0] + 2 * t * (1 - t) * pieces[:, None, 1] + t ** 2 * pieces[:, None, 2]
    widths = width_along(along)
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
