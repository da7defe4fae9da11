"""Strokes drawn window by window (the sliding and hierarchical drawers' output) and their
real re-render and SVG. No JAX here.

A window's actions are in its own coordinates (fractions of its side). The real renderer draws
them on the window's crop of the picture, so a stroke is clipped to its window; the SVG places
each window's elements with a translate and the same clip. Strokes that continue one another
(canvasdraw.vectorize.joining) are written after the windows as one unclipped path each in the
picture's pixels; `ink` compositing makes the picture independent of the order.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ElementTree

import numpy as np

from canvasdraw.render import svg
from canvasdraw.vectorize.joining import chain_element, chains, piece_of


@dataclasses.dataclass
class Strokes:
    """A picture's strokes, window by window in drawing order."""

    corners: np.ndarray  # (K, 2) int: each window's top-left (y, x) in the picture's pixels
    sides: np.ndarray    # (K,) int: each window's side in the picture's pixels
    actions: np.ndarray  # (K, N, D) in [0, 1], in window coordinates
    kept: np.ndarray | None = None  # (K, N) bool: the strokes written (None: all); see vectorize.economy
    # Written strokes joined into one path each (vectorize.joining): per chain, its members
    # [(index among all written strokes in `windows` order, reversed), ...] and its SVG element
    chains: list[tuple[list[tuple[int, bool]], str]] = dataclasses.field(default_factory=list)

    def __len__(self) -> int:
        return len(self.corners)

    def windows(self):
        """(corner (y, x), side, the window's written actions (n, D)) per window, in drawing order."""
        for k, (corner, side, actions) in enumerate(zip(self.corners, self.sides, self.actions)):
            yield corner, int(side), actions if self.kept is None else actions[self.kept[k]]

    def written(self) -> int:
        """How many strokes are written."""
        return int(self.actions.shape[0] * self.actions.shape[1] if self.kept is None else self.kept.sum())

    def paths(self) -> int:
        """How many SVG elements the written strokes are: a chain of strokes is one."""
        return self.written() - sum(len(members) - 1 for members, _ in self.chains)

    def window_of(self) -> list[tuple[int, int]]:
        """(window index, index among that window's written strokes) of each written stroke."""
        return [(k, i) for k, (_, _, actions) in enumerate(self.windows()) for i in range(len(actions))]

    @staticmethod
    def concat(parts: list["Strokes"]) -> "Strokes":
        return Strokes(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("corners", "sides", "actions")))


def blank_picture(renderer, height: int, width: int) -> np.ndarray:
    """The renderer's blank state at H×W, any size (a blank state is one colour; the renderer's
    own sizes are limited)."""
    small = renderer.blank(16)
    return np.broadcast_to(small[:1, :1], (height, width, small.shape[-1])).copy()


def render_strokes(renderer, strokes: Strokes, height: int, width: int) -> np.ndarray:
    """The real renderer's drawing (H, W, C) of the strokes, each window's on its own crop."""
    reach = (strokes.corners + strokes.sides[:, None]).max(axis=0) if len(strokes) else (0, 0)
    state = blank_picture(renderer, max(height, int(reach[0])), max(width, int(reach[1])))
    for (y, x), side, actions in strokes.windows():
        state[y:y + side, x:x + side] = renderer.render(actions, side, state[y:y + side, x:x + side])
    return state[:height, :width]


def window_elements(renderer, strokes: Strokes) -> list[list[ElementTree.Element]]:
    """Each window's SVG elements of its written strokes (one per action, in its own pixels)."""
    return [list(ElementTree.fromstring(renderer.to_svg(actions, side))) for _, side, actions in strokes.windows()]


def joined_strokes(renderer, strokes: Strokes) -> Strokes:
    """The strokes with `chains` set (canvasdraw.vectorize.joining): only for `ink` renderers."""
    if renderer.composite != "ink":
        return strokes
    pieces = [piece_of(node, (x, y), side) if len(elements) == len(actions) else None
              for ((y, x), side, actions), elements in zip(strokes.windows(), window_elements(renderer, strokes))
              for node in elements]
    return dataclasses.replace(strokes, chains=[(chain, chain_element(pieces, chain)) for chain in chains(pieces)])


def strokes_svg(renderer, strokes: Strokes, height: int, width: int, shown: tuple[int, int] | None = None) -> str:
    """One SVG of all windows' strokes in the picture's pixels (viewBox 0 0 W H), each window's
    elements translated to its corner and clipped to it, then each chain of strokes as one path;
    `shown` (height, width): the size the file asks to be shown at, when the picture was drawn at
    another scale (default H×W)."""
    shown_h, shown_w = shown or (height, width)
    clips = "".join(f'<clipPath id="window{s}"><rect width="{s}" height="{s}"/></clipPath>'
                    for s in sorted(set(strokes.sides.tolist())))
    chained = {index for members, _ in strokes.chains for index, _ in members}
    first, groups = 0, []
    for (y, x), side, actions in strokes.windows():
        alone = [i for i in range(len(actions)) if first + i not in chained]
        first += len(actions)
        if alone:
            groups.append(f'  <g transform="translate({x} {y})" clip-path="url(#window{side})">'
                          f'{svg.inner(renderer.to_svg(actions[alone], side)).strip()}</g>\n')
    groups += [f"  {element}\n" for _, element in strokes.chains]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{shown_w}" height="{shown_h}" '
            f'viewBox="0 0 {width} {height}">\n  <defs>{clips}</defs>\n{"".join(groups)}</svg>\n')
