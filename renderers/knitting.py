"""Knitting programs as images: Neural Inverse Knitting's 17 machine instructions on a 20×20
grid of stitches (one course per row, top row first), drawn in two styles.

`knitting` (fabric): a procedural knitted look in ink on white. Knit stitches are V-shaped loops
whose two legs are shaded differently (yarn lit from one side), purls are horizontal bumps, tucks
a short V under a held loop, misses a float behind, stacks a heavy V. Moved stitches lean: the
loop's foot stays in its cell and its legs reach 1 or 2 stitches sideways, over (front bed) or
behind (back bed) the neighbours; crosses are single strands reaching into the neighbour, on top
(+) or underneath (−), so a pair XR+ / XL− draws a cable. Legs reach a little into the course
above, so every stitch touches its neighbours as in fabric.
`knitting_chart`: standard chart symbols, one glyph per cell over a light grid (knit = empty
cell, purl = dot, tuck = U, miss = V, stack = ^, moves = diagonals (two for a move of 2, a bar
underneath for the back bed), crosses = a long diagonal into the neighbour cell, thick on top,
thin underneath).

Both draw from one list of primitives (strokes and ellipses of black ink with an opacity) in
three depth layers (behind, body, in front), so the raster and the SVG — one `<g>` per program —
are drawn from identical geometry. Ink compositing; the state is the ink (1 = black).
"""

from __future__ import annotations

import numpy as np

from canvasdraw.render import CoverageRaster, ProgramRenderer, Renderer, program_spec, svg

INSTRUCTIONS = ("K", "P", "T", "M", "FR1", "FR2", "FL1", "FL2", "BR1", "BR2", "BL1", "BL2",
                "XR+", "XR-", "XL+", "XL-", "S")
GRID = 20
BEHIND, BODY, FRONT = 0, 1, 2

# A primitive: (layer, kind, coordinates in cell units, width in cell units, ink opacity);
# kind "line" (x0, y0, x1, y1), "curve" (x0, y0, cx, cy, x1, y1: quadratic) or "ellipse" (cx, cy, rx, ry).


def _lean(name: str) -> int:
    """Signed sideways reach of a move or cross, in stitches (right = +)."""
    return (1 if "R" in name[1:] else -1) * (2 if name.endswith("2") else 1)


def _fabric_stitch(name: str, r: int, c: int) -> list[tuple]:
    x, y = c + 0.5, r + 0.9  # the loop's foot

    def vee(layer, reach, top=-0.1, width=0.3, ink=(0.55, 0.7)):
        return [(layer, "line", (x, y, c + 0.15 + reach, r + top), width, ink[0]),
                (layer, "line", (x, y, c + 0.85 + reach, r + top), width, ink[1])]

    if name == "K":
        return vee(BODY, 0)
    if name == "P":
        return [(BODY, "ellipse", (x, r + 0.55, 0.45, 0.22), 0, 0.7),
                (BODY, "ellipse", (x, r + 0.08, 0.3, 0.12), 0, 0.35)]
    if name == "T":
        held_loop = (BODY, "curve", (c + 0.05, r + 0.2, x, r - 0.15, c + 0.95, r + 0.2), 0.22, 0.75)
        return vee(BODY, 0, top=0.35) + [held_loop]
    if name == "M":
        return [(BEHIND, "line", (c - 0.05, r + 0.45, c + 1.05, r + 0.45), 0.25, 0.6)]
    if name == "S":
        return vee(BODY, 0, width=0.42, ink=(0.8, 0.8)) + [(BODY, "ellipse", (x, r + 0.8, 0.15, 0.15), 0, 0.8)]
    reach = _lean(name)
    if name[0] == "F":
        return vee(FRONT, reach, ink=(0.6, 0.75))
    if name[0] == "B":
        return [(BEHIND, "ellipse", (x, r + 0.55, 0.4, 0.2), 0, 0.5),
                (BEHIND, "line", (x, r + 0.8, x + reach, r), 0.18, 0.6)]
    on_top = name.endswith("+")  # a cross: one strand into the neighbour
    return [(FRONT if on_top else BEHIND, "line", (x, r + 0.95, x + reach, r - 0.05), 0.34 if on_top else 0.3,
             0.85 if on_top else 0.45)]


def _chart_stitch(name: str, r: int, c: int) -> list[tuple]:
    x0, x1, xm, y0, y1, ym = c + 0.2, c + 0.8, c + 0.5, r + 0.2, r + 0.8, r + 0.5
    if name == "K":
        return []
    if name == "P":
        return [(BODY, "ellipse", (xm, ym, 0.16, 0.16), 0, 1.0)]
    if name == "T":
        return [(BODY, "curve", (c + 0.25, r + 0.3, xm, r + 1.0, c + 0.75, r + 0.3), 0.1, 1.0)]
    if name in ("M", "S"):
        tip, ends = (y1, y0 + 0.05) if name == "M" else (y0, y1 - 0.05)
        return [(BODY, "line", (c + 0.25, ends, xm, tip), 0.1, 1.0),
                (BODY, "line", (xm, tip, c + 0.75, ends), 0.1, 1.0)]
    reach = _lean(name)
    if name[0] == "X":  # a long diagonal into the neighbour cell
        start = xm - 0.3 * np.sign(reach)
        return [(FRONT if name.endswith("+") else BEHIND, "line", (start, y1 + 0.05, start + reach, y0 - 0.05),
                 0.18 if name.endswith("+") else 0.06, 1.0)]
    left, right = (x0, x1) if reach > 0 else (x1, x0)
    lines = [(BODY, "line", (left, y1, right, y0), 0.1, 1.0)]
    if abs(reach) == 2:
        step = 0.15 * np.sign(reach)  # a second, parallel diagonal
        lines.append((BODY, "line", (left + step, y1 + 0.1, right + step, y0 + 0.1), 0.1, 1.0))
    if name[0] == "B":
        lines.append((BODY, "line", (x0, r + 0.9, x1, r + 0.9), 0.08, 1.0))
    return lines


def _grid_lines(rows: int, cols: int) -> list[tuple]:
    return ([(BEHIND, "line", (0, r, cols, r), 0.04, 0.35) for r in range(1, rows)]
            + [(BEHIND, "line", (c, 0, c, rows), 0.04, 0.35) for c in range(1, cols)])


def primitives(program: np.ndarray, style: str, unit: float) -> list[tuple]:
    """The drawing of a program (rows, cols) of instruction indices, in drawing order, with
    coordinates in pixels (`unit` px per stitch, snapped as the SVG writes them):
    (kind, coordinates, width px, ink opacity) tuples."""
    stitch = _fabric_stitch if style == "fabric" else _chart_stitch
    shapes = [] if style == "fabric" else _grid_lines(*program.shape)
    for (r, c), index in np.ndenumerate(program):
        shapes += stitch(INSTRUCTIONS[index], r, c)
    shapes.sort(key=lambda shape: shape[0])  # stable: depth layers, cells in reading order within one
    return [(kind, tuple(svg.snap(v * unit) for v in coords), svg.snap(width * unit), ink)
            for _, kind, coords, width, ink in shapes]


def paint(ctx, shapes: list[tuple]) -> None:
    """Draws `primitives` with Cairo (black ink of each shape's opacity, round caps)."""
    ctx.set_line_cap(1)  # cairo.LINE_CAP_ROUND
    for kind, p, width, ink in shapes:
        ctx.set_source_rgba(0, 0, 0, ink)
        if kind == "ellipse":
            ctx.save()
            ctx.translate(p[0], p[1])
            ctx.scale(p[2], p[3])
            ctx.arc(0, 0, 1, 0, 2 * np.pi)
            ctx.restore()
            ctx.fill()
            continue
        ctx.move_to(p[0], p[1])
        if kind == "line":
            ctx.line_to(p[2], p[3])
        else:  # quadratic -> the cubic every SVG renderer uses
            (x0, y0), (cx, cy), (x1, y1) = p[:2], p[2:4], p[4:]
            ctx.curve_to(x0 + 2 / 3 * (cx - x0), y0 + 2 / 3 * (cy - y0), x1 + 2 / 3 * (cx - x1),
                         y1 + 2 / 3 * (cy - y1), x1, y1)
        ctx.set_line_width(width)
        ctx.stroke()


def svg_elements(shapes: list[tuple]) -> list[str]:
    """`primitives` as SVG elements, one per shape, in drawing order."""
    out = []
    for kind, p, width, ink in shapes:
        n = [svg.num(v) for v in p]
        if kind == "ellipse":
            out.append(f'<ellipse cx="{n[0]}" cy="{n[1]}" rx="{n[2]}" ry="{n[3]}" fill-opacity="{ink}"/>')
            continue
        d = f"M{n[0]} {n[1]}L{n[2]} {n[3]}" if kind == "line" else f"M{n[0]} {n[1]}Q{n[2]} {n[3]} {n[4]} {n[5]}"
        out.append(f'<path d="{d}" fill="none" stroke="#000" stroke-width="{svg.num(width)}" '
                   f'stroke-linecap="round" stroke-opacity="{ink}"/>')
    return out


class KnittingRenderer(ProgramRenderer, Renderer):
    """A 20×20 knitting program, fabric style; state (S, S, 1) ink, one stitch = S/20 px."""

    name, version, channels, composite = "knitting", 1, 1, "ink"
    style = "fabric"
    instructions, rows, cols = INSTRUCTIONS, GRID, GRID
    action_spec = program_spec(GRID, GRID, INSTRUCTIONS)

    def __init__(self):
        self._raster = CoverageRaster()

    def sample_program(self, rng):
        """Half uniform programs, half a background instruction (most often K or P) with other
        instructions scattered at a random rate: the contexts structured patterns have."""
        uniform = rng.integers(0, len(INSTRUCTIONS), (self.rows, self.cols))
        if rng.random() < 0.5:
            return uniform
        background = rng.choice([0, 1, rng.integers(len(INSTRUCTIONS))])
        return np.where(rng.random((self.rows, self.cols)) < rng.uniform(0.1, 0.6), uniform, background)

    def draw_program(self, program, unit):
        shapes = primitives(np.asarray(program), self.style, unit)
        height, width = (round(n * unit) for n in np.shape(program))
        ink = self._raster.draw(max(height, width), lambda ctx: paint(ctx, shapes))[:height, :width]
        group = f"<g><title>knitting program, {self.style}</title>{''.join(svg_elements(shapes))}</g>"
        return ink, group

    def layer(self, action, size):
        return self.draw_program(self.program_of(action), size / self.cols)[0][..., None]

    def svg_element(self, action, size):
        return self.draw_program(self.program_of(action), size / self.cols)[1]


class KnittingChartRenderer(KnittingRenderer):
    """A 20×20 knitting program as a chart of standard symbols."""

    name, style = "knitting_chart", "chart"
