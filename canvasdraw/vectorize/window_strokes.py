"""Strokes drawn window by window (the sliding and hierarchical drawers' output) and their
real re-render and SVG. No JAX here.

A window's actions are in its own coordinates (fractions of its side). The real renderer draws
them on the window's crop of the picture, so a stroke is clipped to its window; the SVG places
each window's elements with a translate and the same clip. With `max` compositing the picture
does not depend on the order the windows are re-drawn in.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from canvasdraw.render import svg


@dataclasses.dataclass
class Strokes:
    """A picture's strokes, window by window in drawing order."""

    corners: np.ndarray  # (K, 2) int: each window's top-left (y, x) in the picture's pixels
    sides: np.ndarray    # (K,) int: each window's side in the picture's pixels
    actions: np.ndarray  # (K, N, D) in [0, 1], in window coordinates
    kept: np.ndarray | None = None  # (K, N) bool: the strokes written (None: all); see vectorize.economy

    def __len__(self) -> int:
        return len(self.corners)

    def windows(self):
        """(corner (y, x), side, the window's written actions (n, D)) per window, in drawing order."""
        for k, (corner, side, actions) in enumerate(zip(self.corners, self.sides, self.actions)):
            yield corner, int(side), actions if self.kept is None else actions[self.kept[k]]

    def written(self) -> int:
        """How many strokes are written."""
        return int(self.actions.shape[0] * self.actions.shape[1] if self.kept is None else self.kept.sum())

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


def strokes_svg(renderer, strokes: Strokes, height: int, width: int, shown: tuple[int, int] | None = None) -> str:
    """One SVG of all windows' strokes in the picture's pixels (viewBox 0 0 W H), each window's
    elements translated to its corner and clipped to it; `shown` (height, width): the size the
    file asks to be shown at, when the picture was drawn at another scale (default H×W)."""
    shown_h, shown_w = shown or (height, width)
    clips = "".join(f'<clipPath id="window{s}"><rect width="{s}" height="{s}"/></clipPath>'
                    for s in sorted(set(strokes.sides.tolist())))
    groups = "".join(f'  <g transform="translate({x} {y})" clip-path="url(#window{side})">'
                     f'{svg.inner(renderer.to_svg(actions, side)).strip()}</g>\n'
                     for (y, x), side, actions in strokes.windows())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{shown_w}" height="{shown_h}" '
            f'viewBox="0 0 {width} {height}">\n  <defs>{clips}</defs>\n{groups}</svg>\n')
