"""Renderers of discrete programs: a grid of cells, each one instruction of a fixed vocabulary.

The action of a `ProgramRenderer` is the whole program as a *soft one-hot* per cell: D =
rows·cols·K values in [0, 1], cell-major ((row, col, instruction), rows top to bottom), where the
renderer draws the most likely instruction of each cell. Soft values exist so that a canvas can
take a relaxed program and gradients can flow (Neural Inverse Knitting's prog2img trick: its
prior is one-hot + noise through a softmax). Programs are also text: one row per line, top row
first, instruction names separated by spaces (`parse_program`, `format_program`).

Example::

    class Tiles(ProgramRenderer, Renderer):
        name, version, channels, composite = "tiles", 1, 1, "ink"
        instructions, rows, cols = ("empty", "full"), 4, 4
        action_spec = program_spec(4, 4, ("empty", "full"))
        def draw_program(self, program, unit): ...  # (ink, SVG element) of any rows×cols
        def layer(self, action, size):
            return self.draw_program(self.program_of(action), size / self.cols)[0][..., None]
"""

from __future__ import annotations

import numpy as np

from canvasdraw.errors import UserError
from canvasdraw.render.contract import ActionParam


class ProgramError(UserError):
    """A program text or grid is malformed; the message names the line and column."""


def program_spec(rows: int, cols: int, instructions: tuple[str, ...]) -> tuple[ActionParam, ...]:
    """The action spec of a rows×cols program: one parameter per (row, col, instruction)."""
    return tuple(ActionParam(f"r{r}c{c}:{name}", f"weight of {name} at row {r} (0 = top), column {c}")
                 for r in range(rows) for c in range(cols) for name in instructions)


def parse_program(text: str, instructions: tuple[str, ...]) -> np.ndarray:
    """Program text -> (rows, cols) int64 instruction indices. Blank lines at the ends are
    ignored; an unknown name or a row of another length raises ProgramError naming line and
    column (1-based)."""
    lines = text.strip("\n").split("\n") if text.strip() else []
    if not lines:
        raise ProgramError("the program is empty")
    index = {name: i for i, name in enumerate(instructions)}
    rows = []
    for number, line in enumerate(lines, 1):
        names = line.split()
        if rows and len(names) != len(rows[0]):
            raise ProgramError(f"line {number}, column {min(len(names), len(rows[0])) + 1}: the row has "
                               f"{len(names)} instructions, line 1 has {len(rows[0])}")
        if not names:
            raise ProgramError(f"line {number}, column 1: the row is empty")
        for column, name in enumerate(names, 1):
            if name not in index:
                raise ProgramError(f"line {number}, column {column}: unknown instruction {name!r} "
                                   f"(known: {' '.join(instructions)})")
        rows.append([index[n] for n in names])
    return np.array(rows, np.int64)


def format_program(program: np.ndarray, instructions: tuple[str, ...]) -> str:
    """(rows, cols) instruction indices -> program text (names padded to line up in columns)."""
    width = max(len(n) for n in instructions)
    return "".join(" ".join(instructions[i].ljust(width) for i in row).rstrip() + "\n" for row in program)


def soften(program: np.ndarray, count: int, rng: np.random.Generator, sharpness: float = 4.0,
           noise: float = 1.0) -> np.ndarray:
    """A relaxed program: softmax(sharpness·one_hot + noise·N(0, 1)) per cell, (rows, cols, K)
    float32 in [0, 1]. The most likely instruction can differ from `program` where the noise wins,
    as in a drawer's uncertain output; the renderer draws the most likely one either way."""
    logits = sharpness * np.eye(count, dtype=np.float32)[program] + noise * rng.standard_normal(
        program.shape + (count,), dtype=np.float32)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    return (weights / weights.sum(-1, keepdims=True)).astype(np.float32)


class ProgramRenderer:
    """Mixin for renderers whose action is a rows×cols program over `instructions`.

    A subclass sets `instructions`, `rows`, `cols`, `action_spec = program_spec(...)` and may
    override `sample_program` (the prior: uniform over instructions by default)."""

    instructions: tuple[str, ...]
    rows: int
    cols: int

    def program_of(self, action: np.ndarray) -> np.ndarray:
        """An action (D,) -> the program it draws, (rows, cols) int64 (most likely instructions)."""
        return np.asarray(action).reshape(self.rows, self.cols, len(self.instructions)).argmax(-1)

    def action_of(self, program: np.ndarray) -> np.ndarray:
        """A program (rows, cols) of instruction indices -> its one-hot action (D,) float32."""
        program = np.asarray(program)
        if program.shape != (self.rows, self.cols):
            raise ProgramError(f"{self.name} draws {self.rows}×{self.cols} programs, got "
                               f"{program.shape[0]}×{program.shape[1] if program.ndim > 1 else 0}")
        return np.eye(len(self.instructions), dtype=np.float32)[program].reshape(-1)

    def sample_program(self, rng: np.random.Generator) -> np.ndarray:
        """A program from the prior, (rows, cols) int64; uniform over instructions by default."""
        return rng.integers(0, len(self.instructions), (self.rows, self.cols))

    def draw_program(self, program: np.ndarray, unit: float) -> tuple[np.ndarray, str]:
        """A program of any size (rows', cols') at `unit` px per cell: its ink (rows'·unit,
        cols'·unit) float32 in [0, 1] and its drawing as one SVG element (in those pixels)."""
        raise NotImplementedError(f"renderer {self.name!r} must define draw_program")

    def sample_action(self, rng: np.random.Generator) -> np.ndarray:
        """A relaxed program from the prior (`soften`), (D,) float32."""
        return soften(self.sample_program(rng), len(self.instructions), rng).reshape(-1)
