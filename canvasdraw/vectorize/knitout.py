"""Knitting programs as Knitout for a V-bed machine (knit, purl, tuck, miss, moves and cables by
transfers with racking), and a check that runs Knitout on a virtual machine.

Column c knits on needle c + FIRST_NEEDLE, carrier 1. The machine knits the program's bottom row
first; passes alternate direction. Per course: loops that knit on the back bed (P, B*) are moved
there first; one pass knits/tucks/misses; then, at rack 0, P loops come back, S loops step to the
back (so that moved loops land under them), movers and cable loops go to the back; each move
comes back at rack = its reach (at rack R, b.n meets f.(n+R)); each cable returns its lower side
first, then its upper side (the side transferred last lies on top); S loops come back last.
Programs are made knittable first (`canvasdraw.data.knitting.legalize`).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from canvasdraw.data.knitting import cable_at, legalize, move_reach
from canvasdraw.errors import UserError

FIRST_NEEDLE = 3  # knitout-interpreter 0.1.8 does not check transfers onto needles 0 and 1
HEADER = (";!knitout-2", ";;Machine: SWG091N2", ";;Gauge: 15", ";;Carriers: 1 2 3 4 5 6 7 8 9 10",
          ";;Position: Keep")
BACK_KNIT = ("P", "BR1", "BR2", "BL1", "BL2")


@dataclasses.dataclass
class Knitout:
    """A compiled program: the Knitout text and how many cells `legalize` had to change."""

    text: str
    cells_changed: int


class _Course:
    """Collects one course's lines, writing `rack` only when the racking changes."""

    def __init__(self, lines: list[str]):
        self.lines, self.rack = lines, 0

    def transfer(self, source: str, n: int, target: str, m: int):
        if m - n != (self.rack if source == "b" else -self.rack):
            self.rack = m - n if source == "b" else n - m
            self.lines.append(f"rack {self.rack}")
        self.lines.append(f"xfer {source}{n} {target}{m}")

    def unrack(self):
        if self.rack:
            self.rack = 0
            self.lines.append("rack 0")


def _cables(row) -> list[tuple[range, range, bool]]:
    """The cables of a legal row: (right-moving columns, left-moving columns, right side on top)."""
    groups, c = [], 0
    while c < len(row):
        cable = cable_at(row, c)
        if cable is None:
            c += 1
            continue
        right, left = range(c, c + cable[0]), range(c + cable[0], c + sum(cable))
        groups.append((right, left, row[c] == "XR+"))
        c += sum(cable)
    return groups


def knitout_of(program: np.ndarray, instructions: tuple[str, ...]) -> Knitout:
    """A program (rows, cols) of indices into `instructions` (NIK's names) -> Knitout."""
    names, changed = legalize(np.asarray(instructions, dtype=object)[np.asarray(program)])
    cols = names.shape[1]
    needles = [c + FIRST_NEEDLE for c in range(cols)]
    lines = list(HEADER) + ["inhook 1"]
    lines += [f"tuck - f{n} 1" for n in needles[::-1][::2]] + [f"tuck + f{n} 1" for n in needles[::-1][1::2][::-1]]
    lines += ["releasehook 1"]
    lines += [f"knit - f{n} 1" for n in needles[::-1]] + [f"knit + f{n} 1" for n in needles]
    for number, row in enumerate(names[::-1]):  # bottom course first
        course = _Course(lines)
        direction = "-" if number % 2 == 0 else "+"
        lines += [f"xfer f{needles[c]} b{needles[c]}" for c in range(cols) if row[c] in BACK_KNIT]
        for c in (range(cols - 1, -1, -1) if direction == "-" else range(cols)):
            bed = "b" if row[c] in BACK_KNIT else "f"
            operation = {"T": "tuck", "M": "miss"}.get(row[c], "knit")
            lines.append(f"{operation} {direction} {bed}{needles[c]} 1")
        lines += [f"xfer b{needles[c]} f{needles[c]}" for c in range(cols) if row[c] == "P"]
        lines += [f"xfer f{needles[c]} b{needles[c]}" for c in range(cols)
                  if row[c] == "S" or row[c][0] in "FX"]
        for reach in (1, 2, -1, -2):
            for c in range(cols):
                if move_reach(row[c]) == reach:
                    course.transfer("b", needles[c], "f", needles[c] + reach)
        for right, left, right_on_top in _cables(row):
            sides = [(right, len(left)), (left, -len(right))]
            for columns, reach in (sides if not right_on_top else sides[::-1]):
                for c in columns:
                    course.transfer("b", needles[c], "f", needles[c] + reach)
        course.unrack()
        lines += [f"xfer b{needles[c]} f{needles[c]}" for c in range(cols) if row[c] == "S"]
    lines += ["outhook 1"] + [f"drop f{n}" for n in needles]
    return Knitout("\n".join(lines) + "\n", changed)


def run_knitout(text: str) -> dict:
    """Executes Knitout on knitout-interpreter's virtual V-bed machine (the optional `knitting`
    extra). Returns {"passes", "stitches", "crossings"}; an illegal operation (a transfer that
    the racking does not align, a carrier used before it is in, ...) raises UserError naming the
    line. Knitting on an emptied needle (lace eyelets) is legal and only warned about."""
    try:
        from knitout_interpreter.knitout_errors.Knitout_Error import Knitout_Error
        from knitout_interpreter.knitout_execution import Knitout_Executer
        from knitout_interpreter.knitout_language.Knitout_Parser import parse_knitout
    except ImportError:
        raise UserError("checking Knitout needs knitout-interpreter: pip install 'canvasdraw[knitting]'") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = Knitout_Executer(parse_knitout(text, pattern_is_file=False))
    except Knitout_Error as err:
        raise UserError(f"the virtual knitting machine refused the Knitout: {err}") from None
    graph = run.resulting_knit_graph
    return {"passes": run.execution_time, "stitches": len(list(graph.stitch_iter)),
            "crossings": [str(data["data"]) for _, _, data in graph.braid_graph._loop_graph.edges(data=True)]}
