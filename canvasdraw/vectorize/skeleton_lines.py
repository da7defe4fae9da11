"""Line art's skeleton read as lines: the graph of its junctions and edges, spurs dropped,
crossings contracted, edges joined into lines through junctions (canvasdraw.vectorize.centrelines
cuts them into strokes).

The skeleton's *junctions* are the clusters of pixels with other than two skeleton neighbours
(line ends, forks, crossings), its *edges* the simple paths of two-neighbour pixels between them.
An edge from a fork to a free end shorter than the line is wide is a spur of the thinning (the
corner of a thick pen) and is dropped — unless every edge at the fork is one (a blob's skeleton:
its two longest are its line); an edge that short between two forks is contracted (the skeleton
of a crossing of thick lines is two forks and a short edge). At a junction, the two edges that
continue each other most straightly (they turn by less than TURN) are one line, greedily,
straightest first; a line goes on through a junction of exactly two edges whatever it turns. A
line's end is free where no other kept edge meets it.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage, sparse
from scipy.sparse import csgraph

TURN = 0.5         # cosine: at a fork, two edges are one line when it turns by less than ~60°
HEADING = 6        # skeleton pixels from a junction over which an edge's direction is read
NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def junction_graph(skeleton: np.ndarray):
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


def arc_lengths(points: np.ndarray) -> np.ndarray:
    """Each point's distance (n,) along the polyline points (n, 2) from its first (0 there)."""
    return np.r_[0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]


def _length(points: np.ndarray) -> float:
    return float(arc_lengths(points)[-1])


def contracted(edges, centres: np.ndarray, width_along, widest: float):
    """The graph (`junction_graph`'s centres and edges) with each edge between two forks (three
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


def skeleton_lines(edges, count: int, width_along) -> list[tuple[np.ndarray, tuple[bool, bool]]]:
    """The edges (`junction_graph`) joined into lines (module docstring): per line its points
    (n, 2) (y, x) and whether its start and its end are free (no other line meets them).
    `width_along(points)` is the line's width (px) there."""
    at = [[] for _ in range(count)]   # per junction: the (edge, end) pairs that meet there
    for k, (_, ends) in enumerate(edges):
        for end, j in enumerate(ends):
            if j >= 0:
                at[j].append((k, end))
    degree = [len(a) for a in at]
    lengths = [_length(points) for points, _ in edges]
    kept = [not (sum(degree[j] == 1 for j in ends if j >= 0) == 1 and any(degree[j] >= 3 for j in ends if j >= 0)
                 and lengths[k] < width_along(points))
            for k, (points, ends) in enumerate(edges)]
    for meeting in at:   # a fork of spurs only (a blob's skeleton) is a line through its two longest
        if len(meeting) >= 3 and not any(kept[k] for k, _ in meeting):
            for k, _ in sorted(meeting, key=lambda e: -lengths[e[0]])[:2]:
                kept[k] = True
    degree = [sum(kept[k] for k, _ in meeting) for meeting in at]   # a line ending where spurs were is free

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
