"""Generated scenes of coloured axis-aligned boxes for the `prisms` renderer (paper §4.4).

A scene is 1-6 solid boxes that never share volume (they may touch), each in its own colour,
drawn in three orthogonal views by the `prisms` renderer. Views occlude by depth as a draughtsman
draws them: the front view shows the surface nearest a viewer in front (small z), the side view
the one nearest a viewer at the right (large x), the top view the one nearest a viewer above
(small y; y points down). The renderer layers boxes in drawing order, so a scene is drawn in
`depth_order`: in every view, a box that hides part of another comes after it. (Such an order
exists for boxes that share no volume unless three or more boxes hide each other in a cycle;
those rare scenes are drawn again.)

Kinds: `random` boxes; `structured` arrangements (stacks, rows of touching boxes, boxes nested in
the front view, tables, chairs, shelves, beds), filled up with random boxes to the count asked
for; `mixed` (every other scene random). Scene i has seed i (train) or TEST_SEED + i (held out).
"""

from __future__ import annotations

import numpy as np

from canvasdraw.render.color import cielab_of, rgb_to_lab

TEST_SEED = 1_000_000
KINDS = ("mixed", "random", "structured")
MIN_SIDE, MAX_SIDE = 0.06, 0.55   # a random box's sides, in units of the cube side
MIN_COLOR_DISTANCE = 25.0         # ΔE (CIELAB) between any two boxes of a scene
VIEW_AXES = ((0, 1, 2, False), (2, 1, 0, True), (0, 2, 1, False))  # per view (front, side, top): the two
# axes it shows, its depth axis, and whether the viewer sits at the large end of that axis


def overlap(a: np.ndarray, b: np.ndarray, axis: int) -> bool:
    """Whether boxes a, b ((6,) min corner, max corner) overlap along `axis` by more than a sliver."""
    return min(a[3 + axis], b[3 + axis]) - max(a[axis], b[axis]) > 1e-6


def depth_order(boxes: np.ndarray) -> list[int] | None:
    """A drawing order (indices) of boxes (K, 6) in which, in every view, a box comes after every box
    it hides part of; None when the boxes hide each other in a cycle."""
    count = len(boxes)
    after = [set() for _ in range(count)]  # after[i]: boxes that must be drawn after i
    for i in range(count):
        for j in range(i + 1, count):
            for u, v, depth, from_high in VIEW_AXES:
                if overlap(boxes[i], boxes[j], u) and overlap(boxes[i], boxes[j], v):
                    centre_i, centre_j = boxes[i, depth] + boxes[i, 3 + depth], boxes[j, depth] + boxes[j, 3 + depth]
                    near, far = (i, j) if (centre_i > centre_j) == from_high else (j, i)
                    after[far].add(near)
    waiting = [sum(i in later for later in after) for i in range(count)]
    ready, order = [i for i in range(count) if waiting[i] == 0], []
    while ready:
        i = ready.pop(0)
        order.append(i)
        for j in sorted(after[i]):
            waiting[j] -= 1
            if waiting[j] == 0:
                ready.append(j)
    return order if len(order) == count else None


def _disjoint(box: np.ndarray, boxes: list[np.ndarray]) -> bool:
    return all(not all(overlap(box, other, axis) for axis in range(3)) for other in boxes)


def _random_box(rng: np.random.Generator) -> np.ndarray:
    sides = rng.uniform(MIN_SIDE, MAX_SIDE, 3)
    low = rng.uniform(0, 1 - sides)
    return np.concatenate([low, low + sides])


def _box(x0, y0, z0, x1, y1, z1) -> np.ndarray:
    return np.array([x0, y0, z0, x1, y1, z1], np.float64)


def _stack(rng, count):
    """Boxes resting on each other (y points down: the floor is at large y)."""
    floor, centre = rng.uniform(0.8, 0.98), rng.uniform(0.3, 0.7, 2)
    boxes, width = [], rng.uniform(0.3, 0.55, 2)
    for _ in range(count):
        height = rng.uniform(0.08, 0.6 / count)
        half = width / 2
        cx, cz = np.clip(centre + rng.uniform(-0.05, 0.05, 2), half, 1 - half)
        boxes.append(_box(cx - half[0], floor - height, cz - half[1], cx + half[0], floor, cz + half[1]))
        floor, width = floor - height, width * rng.uniform(0.55, 0.95, 2)
    return boxes


def _row(rng, count):
    """Touching boxes side by side along x or z, standing on one floor."""
    along = int(rng.integers(0, 3, endpoint=False) == 0) * 2  # x (mostly) or z
    floor, depth_low = rng.uniform(0.75, 0.98), rng.uniform(0.05, 0.45)
    lengths = rng.dirichlet(np.ones(count)) * rng.uniform(0.5, 0.95)
    start, boxes = rng.uniform(0, 1 - lengths.sum()), []
    for length in lengths:
        low, high = np.zeros(3), np.zeros(3)
        low[along], high[along] = start, start + length
        other = 2 - along
        low[other], high[other] = depth_low, depth_low + rng.uniform(0.15, 0.5)
        low[1], high[1] = floor - rng.uniform(0.1, 0.6), floor
        boxes.append(np.concatenate([low, high]))
        start += length
    return boxes


def _nested(rng, count):
    """Boxes one in front of another, each smaller, all overlapping in the front view."""
    x0, y0, x1, y1 = 0.1, 0.1, 0.9, 0.9
    z, boxes = rng.uniform(0.6, 0.9), []
    for _ in range(count):
        thickness = rng.uniform(0.05, 0.5 / count)
        boxes.append(_box(x0, y0, z - thickness, x1, y1, z))
        z -= thickness
        # Each side moves in by at most a quarter of the width: four boxes still have some.
        x0, x1 = x0 + (x1 - x0) * rng.uniform(0.05, 0.24), x1 - (x1 - x0) * rng.uniform(0.05, 0.24)
        y0, y1 = y0 + (y1 - y0) * rng.uniform(0.05, 0.24), y1 - (y1 - y0) * rng.uniform(0.05, 0.24)
    return boxes


def _legs(x0, z0, x1, z1, top, floor, leg):
    return [_box(x, top, z, x + leg, floor, z + leg) for x in (x0, x1 - leg) for z in (z0, z1 - leg)]


def _table(rng, count):
    """A top on four legs (5 boxes); a chair adds a back (6)."""
    x0, z0 = rng.uniform(0.05, 0.3, 2)
    x1, z1 = x0 + rng.uniform(0.4, 0.65), z0 + rng.uniform(0.4, 0.65)
    floor, top = rng.uniform(0.85, 0.98), rng.uniform(0.35, 0.6)
    slab, leg = rng.uniform(0.05, 0.12), rng.uniform(0.06, 0.1)
    boxes = [_box(x0, top - slab, z0, x1, top, z1)] + _legs(x0, z0, x1, z1, top, floor, leg)
    if count >= 6:  # a chair's back, standing on the seat at its far edge
        boxes.append(_box(x0, max(0.0, top - slab - rng.uniform(0.2, 0.35)), z1 - leg, x1, top - slab, z1))
    return boxes


def _shelf(rng, count):
    """Two sides with count - 2 boards between them."""
    x0, z0 = rng.uniform(0.05, 0.3, 2)
    x1, z1 = x0 + rng.uniform(0.4, 0.65), z0 + rng.uniform(0.15, 0.4)
    y0, y1, side = rng.uniform(0.05, 0.3), rng.uniform(0.85, 0.98), rng.uniform(0.06, 0.1)
    boxes = [_box(x0, y0, z0, x0 + side, y1, z1), _box(x1 - side, y0, z0, x1, y1, z1)]
    board = rng.uniform(0.06, 0.09)
    for y in np.linspace(y0, y1 - board, count - 2):
        boxes.append(_box(x0 + side, y, z0, x1 - side, y + board, z1))
    return boxes


def _bed(rng, count):
    """A base, a headboard and one or two pillows."""
    x0, z0 = rng.uniform(0.05, 0.25, 2)
    x1, z1 = x0 + rng.uniform(0.5, 0.7), z0 + rng.uniform(0.5, 0.7)
    floor, base_top = rng.uniform(0.85, 0.98), rng.uniform(0.55, 0.75)
    head = rng.uniform(0.06, 0.12)
    boxes = [_box(x0, base_top, z0 + head, x1, floor, z1),
             _box(x0, rng.uniform(0.15, base_top - 0.15), z0, x1, floor, z0 + head)]
    pillows = count - 2
    width = (x1 - x0) / pillows
    for k in range(pillows):
        boxes.append(_box(x0 + k * width + 0.02, base_top - rng.uniform(0.05, 0.1), z0 + head + 0.02,
                          x0 + (k + 1) * width - 0.02, base_top, z0 + head + rng.uniform(0.12, 0.2)))
    return boxes


# family: (its function, the box counts it can make)
FAMILIES = {"stack": (_stack, range(1, 5)), "row": (_row, range(2, 6)), "nested": (_nested, range(2, 5)),
            "table": (_table, range(5, 7)), "shelf": (_shelf, range(3, 7)), "bed": (_bed, range(3, 5))}


def _colors(rng: np.random.Generator, count: int) -> np.ndarray:
    """(count, 3) normalised LAB colours, 8-bit sRGB exactly, bright enough on black, pairwise ≥
    MIN_COLOR_DISTANCE apart."""
    chosen = []
    while len(chosen) < count:
        rgb = rng.integers(0, 256, 3)
        if rgb.max() < 110:
            continue
        lab = rgb_to_lab(rgb / 255)
        if all(np.linalg.norm(cielab_of(lab) - cielab_of(c)) >= MIN_COLOR_DISTANCE for c in chosen):
            chosen.append(lab)
    return np.array(chosen, np.float32)


def make_scene(rng: np.random.Generator, count: int, kind: str = "random") -> np.ndarray:
    """One scene of `count` boxes as prisms actions (count, 9) in drawing (depth) order: corners
    (x0, y0, z0) < (x1, y1, z1) in [0, 1] and a normalised LAB colour."""
    while True:
        boxes = []
        if kind == "structured":
            fitting = [f for f, (_, counts) in FAMILIES.items() if min(counts) <= count]
            make, counts = FAMILIES[fitting[rng.integers(len(fitting))]]
            boxes = make(rng, int(rng.choice([c for c in counts if c <= count])))
        for _ in range(1000):
            if len(boxes) == count:
                break
            box = _random_box(rng)
            if _disjoint(box, boxes):
                boxes.append(box)
        boxes = np.clip(np.array(boxes), 0, 1)
        order = depth_order(boxes) if len(boxes) == count else None
        if order is not None:
            return np.concatenate([boxes[order], _colors(rng, count)], axis=1).astype(np.float32)


def scene_set(renderer, count: int, split: str, kind: str = "mixed", boxes: tuple[int, int] = (1, 6),
              size: int = 64) -> tuple[np.ndarray, list[np.ndarray]]:
    """`count` scenes drawn by `renderer` (prisms) at S px: pictures (count, S, S, 3) uint8 sRGB on
    black and each scene's actions (K_i, 9) in drawing order. Scene i has seed i (train) or
    TEST_SEED + i (test), `boxes` = (fewest, most) boxes a scene has."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    first = 0 if split == "train" else TEST_SEED
    pictures, scenes = np.empty((count, size, size, 3), np.uint8), []
    for i in range(count):
        rng = np.random.default_rng(first + i)
        structured = kind == "structured" or (kind == "mixed" and i % 2 == 1)
        scene = make_scene(rng, int(rng.integers(boxes[0], boxes[1] + 1)), "structured" if structured else "random")
        pictures[i] = np.round(renderer.render(scene, size) * 255)
        scenes.append(scene)
    return pictures, scenes
