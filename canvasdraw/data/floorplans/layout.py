"""Floor-plan geometry from a seed: outline, rooms, doors and windows, no pixels.

Coordinates are plan pixels (x right, y down) on a square sheet; a box is (x0, y0, x1, y1) with
x0 < x1, y0 < y1. Walls run along the boundaries of *cells* (a guillotine partition of the
outline); a room is one cell, or two cells joined where one cell's whole side lies along the
other (an L- or T-shaped room, two boxes of one type). A room's boxes are its *interior*: the
cell minus half a wall on every side, the joined cell reaching across the removed wall.
"""

from __future__ import annotations

import dataclasses

import numpy as np

ROOM_TYPES = ("living", "bedroom", "kitchen", "bathroom", "hall", "storage")
ROOM_COUNTS = (2, 12)   # the fewest and most rooms a plan has
MIN_CELL = 30       # no cell side shorter than this many px (a label or a door must fit)


@dataclasses.dataclass(frozen=True)
class Room:
    type: str
    boxes: tuple[tuple[int, int, int, int], ...]    # interior boxes, plan px


@dataclasses.dataclass(frozen=True)
class Opening:
    """A door or window: a gap in the wall along `axis` ("x": a horizontal wall) at `line` (the
    wall's centre line) from `start` to `start + length`; a door swings into the room on `side`
    (+1: towards larger coordinates) with its hinge at the gap's start (`hinge_at_start`)."""

    axis: str
    line: int
    start: int
    length: int
    side: int = 1
    hinge_at_start: bool = True


@dataclasses.dataclass(frozen=True)
class Layout:
    size: int
    wall: int
    cells: tuple[tuple[int, int, int, int], ...]   # wall centre lines
    rooms: tuple[Room, ...]
    doors: tuple[Opening, ...]
    windows: tuple[Opening, ...]

    def wall_span(self, line: int) -> tuple[int, int]:
        """[first, last + 1) of the pixels a wall centred on `line` covers."""
        return line - self.wall // 2, line + self.wall - self.wall // 2

    def interior(self, cell) -> tuple[int, int, int, int]:
        """The free floor of a cell: its box minus the walls on its sides."""
        return self.wall_span(cell[0])[1], self.wall_span(cell[1])[1], self.wall_span(cell[2])[0], \
            self.wall_span(cell[3])[0]


def _outline(rng: np.random.Generator, size: int) -> list[tuple[int, int, int, int]]:
    """Rectangular, L or T outline as 1–3 cells covering it."""
    x0, y0 = (int(v) for v in rng.integers(10, 40, 2))
    x1, y1 = (size - int(v) for v in rng.integers(10, 40, 2))
    shape = rng.choice(["rect", "L", "T"], p=[0.5, 0.3, 0.2])
    if shape == "rect" or min(x1 - x0, y1 - y0) < 4 * MIN_CELL:
        return [(x0, y0, x1, y1)]
    cx = int(x0 + (x1 - x0) * rng.uniform(0.4, 0.65))
    cy = int(y0 + (y1 - y0) * rng.uniform(0.35, 0.6))
    if shape == "L":   # keep the left part whole, the right part's top or bottom
        cells = [(x0, y0, cx, y1), (cx, cy, x1, y1) if rng.random() < 0.5 else (cx, y0, x1, cy)]
    else:              # a full-width band and the middle third of the rest
        a = int(x0 + (x1 - x0) * rng.uniform(0.2, 0.33))
        b = int(x1 - (x1 - x0) * rng.uniform(0.2, 0.33))
        cells = [(x0, y0, x1, cy), (a, cy, b, y1)]
    if rng.random() < 0.5:   # mirror left-right so every corner occurs
        cells = [(size - c[2], c[1], size - c[0], c[3]) for c in cells]
    return cells


def _split(rng: np.random.Generator, cells: list, count: int) -> list:
    """Splits the largest splittable cell across its longer side until there are `count` cells."""
    cells = list(cells)
    while len(cells) < count:
        order = sorted(range(len(cells)), key=lambda i: -(cells[i][2] - cells[i][0]) * (cells[i][3] - cells[i][1]))
        for i in order:
            x0, y0, x1, y1 = cells[i]
            vertical = (x1 - x0) > (y1 - y0) if abs((x1 - x0) - (y1 - y0)) > 8 else rng.random() < 0.5
            lo, hi = (x0, x1) if vertical else (y0, y1)
            if hi - lo >= 2 * MIN_CELL:
                cut = int(np.clip(lo + (hi - lo) * rng.uniform(0.3, 0.7), lo + MIN_CELL, hi - MIN_CELL))
                cells[i:i + 1] = ([(x0, y0, cut, y1), (cut, y0, x1, y1)] if vertical
                                  else [(x0, y0, x1, cut), (x0, cut, x1, y1)])
                break
        else:
            break
    return cells


def shared_wall(a, b):
    """(axis, line, start, end) of the wall two cells share, or None."""
    for axis, (lo, hi) in (("y", (0, 2)), ("x", (1, 3))):   # a vertical wall is along y
        if a[hi] == b[lo] or b[hi] == a[lo]:
            line = a[hi] if a[hi] == b[lo] else a[lo]
            other = (1, 3) if axis == "y" else (0, 2)
            start, end = max(a[other[0]], b[other[0]]), min(a[other[1]], b[other[1]])
            if end > start:
                return axis, line, start, end
    return None


def _joined(a, b, wall: int, interior):
    """Interior boxes of a room made of cells a and b when a's whole side lies along b, else None."""
    shared = shared_wall(a, b)
    if shared is None:
        return None
    axis, line, start, end = shared
    lo, hi = (1, 3) if axis == "y" else (0, 2)
    if (a[lo], a[hi]) != (start, end) or b[hi] - b[lo] <= end - start:
        return None
    box = list(interior(a))
    near = 0 if axis == "y" else 1      # index of the coordinate that crosses the wall
    if a[near] == line:                 # a lies after the wall: reach back across it
        box[near] -= wall
    else:
        box[near + 2] += wall
    return tuple(box), interior(b)


def _types(rng: np.random.Generator, cells: list) -> list[str]:
    """Plausible types: the largest room is the living room, long narrow ones halls, small ones
    bathrooms or storage, one kitchen; the rest bedrooms (with a few more bathrooms)."""
    area = [(c[2] - c[0]) * (c[3] - c[1]) for c in cells]
    order = np.argsort(area)[::-1]
    types = ["bedroom"] * len(cells)
    types[order[0]] = "living"
    free = list(order[1:])
    for i in list(free):
        w, h = cells[i][2] - cells[i][0], cells[i][3] - cells[i][1]
        if max(w, h) >= 2.2 * min(w, h) and min(w, h) <= 50 and rng.random() < 0.8:
            types[i] = "hall"
            free.remove(i)
        elif area[i] < 2600 and rng.random() < 0.8:
            types[i] = "storage" if area[i] < 2400 and rng.random() < 0.4 else "bathroom"
            free.remove(i)
    if free:
        kitchen = free.pop(int(rng.integers(len(free))))
        types[kitchen] = "kitchen"
    for i in free:
        if rng.random() < 0.2:
            types[i] = "bathroom"
    return types


def _doors(rng: np.random.Generator, cells: list, room_of: list, wall: int) -> list[Opening]:
    """Doors along a random spanning tree of the rooms' adjacency (plus some extra), one front door."""
    walls = [(i, j, w) for i in range(len(cells)) for j in range(i + 1, len(cells))
             if room_of[i] != room_of[j] and (w := shared_wall(cells[i], cells[j])) and w[3] - w[2] >= 14 + 2 * wall]
    rng.shuffle(walls)
    group = list(range(max(room_of) + 1))

    def find(k):
        while group[k] != k:
            k = group[k]
        return k

    doors = []
    for i, j, (axis, line, start, end) in walls:
        ri, rj = find(room_of[i]), find(room_of[j])
        if ri == rj and rng.random() > 0.15:
            continue
        group[ri] = rj
        width = int(min(rng.integers(12, 19), end - start - 2 * wall))
        at = int(rng.integers(start + wall, end - wall - width + 1))
        doors.append(Opening(axis, line, at, width, side=int(rng.choice([-1, 1])),
                             hinge_at_start=bool(rng.random() < 0.5)))
    return doors


def _exterior(cells: list) -> list[tuple[int, str, int, int, int]]:
    """(cell, axis, line, start, end) of cell sides no other cell touches (outer walls; a side
    another cell touches even in part is left out)."""
    out = []
    for i, c in enumerate(cells):
        for axis, line, start, end in (("x", c[1], c[0], c[2]), ("x", c[3], c[0], c[2]),
                                       ("y", c[0], c[1], c[3]), ("y", c[2], c[1], c[3])):
            touched = any(j != i and (w := shared_wall(c, d)) and w[0] == axis and w[1] == line
                          for j, d in enumerate(cells))
            if not touched:
                out.append((i, axis, line, start, end))
    return out


def make_layout(seed: int, size: int = 256, wall_range: tuple[int, int] = (2, 8),
                rooms: tuple[int, int] = ROOM_COUNTS) -> Layout:
    """A plan's geometry from `seed`: rooms[0]–rooms[1] rooms (fewer when the outline cannot hold more)."""
    rng = np.random.default_rng(seed)
    wall = int(rng.integers(wall_range[0], wall_range[1] + 1))
    cells = _split(rng, _outline(rng, size), int(rng.integers(rooms[0], rooms[1] + 1)))
    rng.shuffle(cells)
    probe = Layout(size, wall, tuple(cells), (), (), ())
    room_of, boxes = list(range(len(cells))), {i: (probe.interior(c),) for i, c in enumerate(cells)}
    if len(cells) >= 3 and rng.random() < 0.35:          # one L/T-shaped room of two cells
        pairs = [(i, j, joined) for i in range(len(cells)) for j in range(len(cells))
                 if i != j and (joined := _joined(cells[i], cells[j], wall, probe.interior))]
        if pairs:
            i, j, joined = pairs[int(rng.integers(len(pairs)))]
            room_of[i] = j
            boxes[j], boxes[i] = joined, ()
    ids = sorted(set(room_of))
    room_of = [ids.index(r) for r in room_of]
    members = [[k for k in range(len(cells)) if room_of[k] == r] for r in range(len(ids))]
    merged_cells = [tuple(int(f(cells[k][n] for k in m)) for n, f in enumerate((min, min, max, max)))
                    for m in members]
    types = _types(rng, merged_cells)
    room_list = tuple(Room(types[r], tuple(b for k in members[r] for b in boxes[k])) for r in range(len(ids)))
    doors = _doors(rng, cells, room_of, wall)
    outer = _exterior(cells)
    front = [o for o in outer if types[room_of[o[0]]] in ("living", "hall") and o[4] - o[3] >= 20 + 2 * wall]
    if front:
        cell, axis, line, start, end = front[int(rng.integers(len(front)))]
        at = int(rng.integers(start + wall, end - wall - 16 + 1))
        inward = 1 if line == cells[cell][1 if axis == "x" else 0] else -1   # towards the cell's inside
        doors.append(Opening(axis, line, at, 16, side=inward))
    windows = []
    for _, axis, line, start, end in outer:
        if end - start >= 24 + 2 * wall and rng.random() < 0.6:
            length = int(rng.integers(12, min(40, end - start - 2 * wall) + 1))
            at = int(rng.integers(start + wall, end - wall - length + 1))
            if not any(d.axis == axis and d.line == line and d.start < at + length and at < d.start + d.length
                       for d in doors):
                windows.append(Opening(axis, line, at, length))
    return Layout(size, wall, tuple(cells), room_list, tuple(doors), tuple(windows))
