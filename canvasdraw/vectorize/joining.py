"""Strokes that continue one another are written as one SVG path (stroke economy).

A drawer draws a long line as several strokes: step after step in one window, and across window
borders, where the next window picks the line up. Two strokes are joined when, in the picture's
pixels,
- an end of one lies within `reach` of an end of the other: JOIN_DISTANCE px, or half the
  thinner stroke's width if that is more (their round caps then overlap);
- the line goes on: the strokes' outward tangents at those ends point against each other (the
  cosine of the angle between them is at most −MIN_CONTINUE);
- they look alike: the same SVG attributes apart from the path and opacities within
  OPACITY_DIFF; round caps; and the chain's widest and narrowest stroke differ by at most
  WIDTH_SPREAD px (its width is their mean, so each stroke's edge moves by at most half that: the
  error is in pixels along the line, whatever its width — a bound in percent let 10 px lines
  of 512² mosaics move their edges by 1.5 px, and raised their L2 by 25 %);
- neither is cut by its window's clip (its control points, widened by half its width, lie inside
  the window), since a joined path is written unclipped in the picture's coordinates.
Ends are paired greedily, nearest first, each end at most once, and no chain closes on itself.

A chain is one `<path>` of its strokes' segments in order, each meeting pair of ends moved to its
midpoint, with the chain's length-weighted mean width and opacity and round joins. With round
caps and joins a stroked path covers the union of its segments' strokes, so the drawing changes
only where ends moved, where widths or opacities were averaged, and where two overlapping caps
had been inked twice. Only `ink` renderers are joined: their strokes are one colour composited by
alpha *over*, which gives the same picture in any order, so chains can be written after the
windows' strokes. Works on the SVG elements the renderer writes (`to_svg`), so any renderer whose
strokes are one-segment paths (M then one L, Q or C) gains from it; other elements are never joined.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ElementTree

import numpy as np
from scipy.spatial import cKDTree

from canvasdraw.render import svg

JOIN_DISTANCE = 1.5   # px in the picture
MIN_CONTINUE = 0.7    # cosine: the line turns by at most ~45° where two strokes meet
WIDTH_SPREAD = 0.75    # px: a chain's widest and narrowest stroke differ by at most this
OPACITY_DIFF = 0.1
SEGMENT = {"L": 1, "Q": 2, "C": 3}   # points after the start
SHAPE = ("d", "stroke-width", "stroke-opacity")   # the attributes a chain sets itself
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclasses.dataclass(frozen=True)
class Piece:
    """One stroke as a one-segment SVG path, placed in the picture."""

    command: str          # "L", "Q" or "C"
    points: np.ndarray    # (P, 2) x, y in the picture's pixels: the start, control points, the end
    width: float          # px
    opacity: float        # in [0, 1]
    style: tuple          # the element's tag and other attributes, sorted: joined strokes share them

    @property
    def length(self) -> float:
        """Length of the control polygon (px): the weight of the stroke's width and opacity."""
        return float(np.linalg.norm(np.diff(self.points, axis=0), axis=1).sum())

    def outward(self, end: int) -> np.ndarray:
        """Unit tangent (2,) pointing out of the stroke at its start (end 0) or its end (end 1)."""
        points = self.points if end else self.points[::-1]
        for before in points[-2::-1]:   # the nearest point that differs from the end
            step = points[-1] - before
            if np.hypot(*step) > 1e-6:
                return step / np.hypot(*step)
        return np.zeros(2)


def local(tag: str) -> str:
    """An element's tag without its namespace ("{http://www.w3.org/2000/svg}path" -> "path")."""
    return tag.rpartition("}")[2]


def piece_of(node: ElementTree.Element, corner_xy=(0, 0), side: float | None = None) -> Piece | None:
    """An SVG element in its window's pixels (the window's top-left `corner_xy` in the picture,
    its `side`, or None for no clip) as a Piece, or None when it cannot be joined."""
    attributes = dict(node.attrib)
    d = attributes.pop("d", "")
    if local(node.tag) != "path" or attributes.get("stroke-linecap") != "round" or \
            attributes.get("fill", "none") != "none":
        return None
    commands = re.findall(r"[A-Za-z]", d)
    numbers = [float(n) for n in NUMBER.findall(d)]
    if len(commands) != 2 or commands[0] != "M" or commands[1] not in SEGMENT or \
            len(numbers) != 2 * (1 + SEGMENT[commands[1]]):
        return None
    points = np.array(numbers).reshape(-1, 2)
    width = float(attributes.pop("stroke-width", 1))
    if side is not None and (points.min() - width / 2 < 0 or points.max() + width / 2 > side):
        return None   # the window's clip cuts it: unclipped, it would draw more
    opacity = float(attributes.pop("stroke-opacity", 1))
    return Piece(commands[1], points + np.asarray(corner_xy, float), width, opacity,
                 (local(node.tag), *sorted(attributes.items())))


def alike(a: Piece, b: Piece) -> bool:
    return a.style == b.style and abs(a.opacity - b.opacity) <= OPACITY_DIFF


def chains(pieces: list[Piece | None]) -> list[list[tuple[int, bool]]]:
    """The chains of two or more pieces (module docstring), each a list of (piece index, reversed)
    in path order; pieces that are None or join nothing are in none."""
    ids = [i for i, p in enumerate(pieces) if p is not None]
    if len(ids) < 2:
        return []
    ends = np.array([pieces[i].points[[0, -1][e]] for i in ids for e in (0, 1)])
    widest = max(pieces[i].width for i in ids)
    candidates = []
    for u, v in cKDTree(ends).query_pairs(max(JOIN_DISTANCE, widest / 2)):
        (a, ea), (b, eb) = (divmod(u, 2), divmod(v, 2))
        pa, pb = pieces[ids[a]], pieces[ids[b]]
        distance = float(np.hypot(*(ends[u] - ends[v])))
        if a != b and distance <= max(JOIN_DISTANCE, min(pa.width, pb.width) / 2) and alike(pa, pb) \
                and pa.outward(ea) @ pb.outward(eb) <= -MIN_CONTINUE:
            candidates.append((distance, u, v))
    root = list(range(len(ids)))
    widths = {k: (pieces[i].width,) * 2 for k, i in enumerate(ids)}   # per chain's root: its narrowest, widest

    def find(k):
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    partner = {}
    for _, u, v in sorted(candidates):
        a, b = find(u // 2), find(v // 2)
        low, high = min(widths[a][0], widths[b][0]), max(widths[a][1], widths[b][1])
        if u in partner or v in partner or a == b or high - low > WIDTH_SPREAD:
            continue
        partner[u], partner[v] = v, u
        root[a], widths[b] = b, (low, high)
    found, seen = [], set()
    for a in range(len(ids)):   # walk each chain from one of its two free ends
        free = [e for e in (0, 1) if 2 * a + e not in partner]
        if len(free) != 1 or a in seen:
            continue
        chain, end = [], free[0]
        while True:   # enter piece a at `end`, leave at the other end
            chain.append((a, end == 1))
            seen.add(a)
            out = 2 * a + 1 - end
            if out not in partner:
                break
            a, end = divmod(partner[out], 2)
        found.append(chain)
    return [[(ids[k], flipped) for k, flipped in chain] for chain in found]


def chain_element(pieces: list[Piece], chain: list[tuple[int, bool]]) -> str:
    """One SVG `<path>` of a chain's pieces in the picture's pixels (module docstring)."""
    parts = [(pieces[i].points[::-1] if flipped else pieces[i].points).copy() for i, flipped in chain]
    for before, after in zip(parts, parts[1:]):   # the meeting ends move to their midpoint
        before[-1] = after[0] = (before[-1] + after[0]) / 2
    members = [pieces[i] for i, _ in chain]
    weights = np.array([max(p.length, 1e-6) for p in members])
    d = f"M {svg.num(parts[0][0, 0])} {svg.num(parts[0][0, 1])}" + "".join(
        f" {piece.command} " + " ".join(svg.num(v) for v in part[1:].ravel()) for piece, part in zip(members, parts))
    tag, *style = members[0].style
    node = ElementTree.Element(tag, {"d": d, **dict(style), "stroke-linejoin": "round",
                                     "stroke-width": svg.num(np.average([p.width for p in members], weights=weights)),
                                     "stroke-opacity": svg.num(np.average([p.opacity for p in members],
                                                                          weights=weights))})
    if all(p.opacity == 1 for p in members):
        del node.attrib["stroke-opacity"]
    return ElementTree.tostring(node, encoding="unicode", short_empty_elements=True)
