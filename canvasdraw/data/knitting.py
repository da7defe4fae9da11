"""Knitting programs from a seed, their knittable form, and their images.

Programs are (rows, cols) arrays of Neural Inverse Knitting's instruction names (top row first;
the machine knits the bottom row first). Two kinds:

* `random` — every cell uniform over the non-cross instructions, then cross pairs (XR+ XL− or
  XR− XL+ on two neighbouring cells) dropped in at random: noise-like but knittable.
* `structured` — what real patterns look like: stockinette, reverse stockinette, garter, ribs,
  seed/moss, cables (K columns on P with periodic crosses of 1×1 or 2×2), lace-like lines of
  moves, tuck and slip textures, and mixed motifs (bands of two or three of these). Dominated by
  K and P as NIK's data is (~46 % each there).

`legalize` makes any program knittable (NIK supplement, "Data post-processing"): unpaired or
mismatched crosses become the move in their direction, moves that would leave the fabric become
plain stitches. `program_set` draws programs with a renderer (`knitting`, `knitting_chart`) and
can perturb the images as NIK's training did (`augment`). Held out by seed: test seeds start at
TEST_SEED.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

TEST_SEED = 1_000_000
KINDS = ("structured", "random", "mixed")  # mixed: every 4th program random
CROSS_PARTNER = {"XR+": "XL-", "XR-": "XL+"}  # the right-moving side sits left of its partner
CROSSES = ("XR+", "XR-", "XL+", "XL-")
MOVES = ("FR1", "FR2", "FL1", "FL2", "BR1", "BR2", "BL1", "BL2")
PLAIN = ("K", "P", "T", "M", "S")
MAX_CROSS_SIDE = 3  # stitches per side of a cable; the machine racks at most 4


def move_reach(name: str) -> int:
    """Signed sideways reach of a move, in stitches (right = +); 0 for anything else."""
    if name not in MOVES:
        return 0
    return (1 if name[1] == "R" else -1) * int(name[2])


def legalize(program: np.ndarray) -> tuple[np.ndarray, int]:
    """A knittable copy of a program of names and the number of cells changed.

    A cable is a run of one XR± followed directly by a run of its partner (XR+ → XL−, XR− → XL+),
    each side at most MAX_CROSS_SIDE long; any other cross cell becomes a one-stitch move its way
    (XR± → FR1, XL± → FL1; "crosses are moves with relative scheduling"). A move whose target lies
    outside the program becomes K (front) or P (back)."""
    out = np.array(program, dtype=object)
    rows, cols = out.shape
    for r in range(rows):
        c = 0
        while c < cols:
            name = out[r, c]
            cable = cable_at(out[r], c)
            if cable and max(cable) <= MAX_CROSS_SIDE:
                c += sum(cable)
                continue
            if name in CROSSES:
                out[r, c] = "FR1" if name[1] == "R" else "FL1"
            c += 1
        for c in range(cols):
            if not 0 <= c + move_reach(out[r, c]) < cols:
                out[r, c] = "K" if out[r, c][0] == "F" else "P"
    return out, int(np.sum(out != np.asarray(program, dtype=object)))


def cable_at(row, start: int) -> tuple[int, int] | None:
    """(right-moving, left-moving) side lengths of the cable that begins at `start` in a row of
    names: a run of one XR± directly followed by a run of its partner; None if none begins there."""
    if row[start] not in CROSS_PARTNER:
        return None
    first = _run(row, start)
    if start + first == len(row) or row[start + first] != CROSS_PARTNER[row[start]]:
        return None
    return first, _run(row, start + first)


def _run(row, start: int) -> int:
    """Length of the run of equal names in `row` from `start`."""
    end = start
    while end < len(row) and row[end] == row[start]:
        end += 1
    return end - start


def _stripes(rng, rows, cols, pattern):
    """pattern(r, c) over the grid after a random phase."""
    dr, dc = rng.integers(0, 8, 2)
    return np.array([[pattern(r + dr, c + dc) for c in range(cols)] for r in range(rows)], dtype=object)


def _texture(rng, rows, cols):
    """One structured texture filling a rows×cols block."""
    kind = rng.integers(9)
    front, back = ("K", "P") if rng.random() < 0.8 else ("P", "K")
    if kind == 0:  # stockinette
        return np.full((rows, cols), front, dtype=object)
    if kind == 1:  # garter
        period = rng.integers(1, 3)
        return _stripes(rng, rows, cols, lambda r, c: front if (r // period) % 2 else back)
    if kind == 2:  # rib a×b
        a, b = rng.integers(1, 4, 2)
        return _stripes(rng, rows, cols, lambda r, c: front if c % (a + b) < a else back)
    if kind == 3:  # seed (1) or moss (2)
        h = rng.integers(1, 3)
        return _stripes(rng, rows, cols, lambda r, c: front if (r // h + c) % 2 else back)
    if kind in (4, 5):  # cables: K columns on P, crossed every `period` rows
        side, period = rng.integers(1, 3), rng.integers(3, 7)
        gap = rng.integers(1, 4)
        upper = rng.random() < 0.5
        def cable(r, c):
            place = c % (2 * side + gap)
            if place >= 2 * side:
                return "P"
            if r % period:
                return "K"
            left, right = ("XR+", "XL-") if upper else ("XR-", "XL+")
            return left if place < side else right
        return _stripes(rng, rows, cols, cable)
    if kind == 6:  # lace-like: diagonal lines of moves on stockinette
        reach = rng.choice(["1", "1", "2"])
        spacing, slope = rng.integers(4, 9), rng.choice([-1, 1])
        bed = "F" if rng.random() < 0.8 else "B"
        move = f"{bed}{'R' if slope > 0 else 'L'}{reach}"
        return _stripes(rng, rows, cols, lambda r, c: move if (c + slope * r) % spacing == 0 else front)
    if kind == 7:  # tuck or slip lattice
        stitch = rng.choice(["T", "M"])
        step, rise = rng.integers(2, 5), rng.integers(1, 4)
        return _stripes(rng, rows, cols, lambda r, c: stitch if r % rise == 0 and (c + r) % step == 0 else front)
    # stacks where two moves meet: FR1 S FL1 motifs on stockinette
    spacing = rng.integers(4, 8)
    motif = {0: "FR1", 1: "S", 2: "FL1"}
    return _stripes(rng, rows, cols, lambda r, c: motif.get(c % spacing, front) if r % 3 == 0 else front)


def structured_program(rng: np.random.Generator, rows: int = 20, cols: int = 20) -> np.ndarray:
    """A pattern-like program (names), already knittable."""
    program = _texture(rng, rows, cols)
    if rng.random() < 0.35:  # mixed motif: bands of other textures
        horizontal, cuts = rng.random() < 0.5, np.sort(rng.choice(np.arange(4, 17), rng.integers(1, 3), replace=False))
        for start, end in zip(cuts, list(cuts[1:]) + [rows if horizontal else cols]):
            if horizontal:
                program[start:end] = _texture(rng, end - start, cols)
            else:
                program[:, start:end] = _texture(rng, rows, end - start)
    return legalize(program)[0]


def random_program(rng: np.random.Generator, rows: int = 20, cols: int = 20) -> np.ndarray:
    """A noise-like knittable program (names)."""
    program = rng.choice(np.array(PLAIN + MOVES, dtype=object), (rows, cols))
    for _ in range(rng.integers(0, 2 * rows)):
        r, c = rng.integers(rows), rng.integers(cols - 1)
        program[r, c:c + 2] = ("XR+", "XL-") if rng.random() < 0.5 else ("XR-", "XL+")
    return legalize(program)[0]


def augment(image: np.ndarray, rng: np.random.Generator, stitch: float) -> np.ndarray:
    """NIK's perturbations of one image (S, S) in [0, 1]: each crop border shifted by up to half
    a stitch, a smooth local warp (one displacement per stitch, σ = stitch/5), and a random
    contrast/brightness/gamma change."""
    size = image.shape[0]
    top, left, bottom, right = rng.uniform(-stitch / 2, stitch / 2, 4)
    axis = np.arange(size, dtype=np.float32)
    ys = top + axis * (size - 1 + bottom - top) / (size - 1)
    xs = left + axis * (size - 1 + right - left) / (size - 1)
    grid = int(round(size / stitch))
    warp = [ndimage.zoom(rng.normal(0, stitch / 5, (grid, grid)), size / grid, order=1) for _ in range(2)]
    coords = [ys[:, None] + warp[0], xs[None, :] + warp[1]]
    moved = ndimage.map_coordinates(image, coords, order=1, mode="nearest")
    gain, offset, gamma = rng.uniform(0.7, 1.1), rng.uniform(-0.05, 0.1), rng.uniform(0.7, 1.4)
    return np.clip(np.clip(moved * gain + offset, 0, 1) ** gamma, 0, 1).astype(np.float32)


def program_set(renderer, count: int, split: str, kind: str = "structured", size: int = 160,
                augmented: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """`count` programs of `kind` drawn by `renderer` (a knitting ProgramRenderer) at size S:
    images (count, S, S) uint8 (255 = ink) and programs (count, rows, cols) of instruction
    indices. Program i has seed i (train) or TEST_SEED + i (test); images are the renderer's
    raster, perturbed by `augment` when `augmented`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    index = {name: i for i, name in enumerate(renderer.instructions)}
    first = 0 if split == "train" else TEST_SEED
    images = np.empty((count, size, size), np.uint8)
    programs = np.empty((count, renderer.rows, renderer.cols), np.int64)
    for i in range(count):
        rng = np.random.default_rng(first + i)
        make = random_program if kind == "random" or (kind == "mixed" and i % 4 == 0) else structured_program
        programs[i] = np.vectorize(index.get)(make(rng, renderer.rows, renderer.cols))
        ink = renderer.layer(renderer.action_of(programs[i]), size)[..., 0]
        if augmented:
            ink = augment(ink, rng, size / renderer.cols)
        images[i] = np.round(ink * 255)
    return images, programs
