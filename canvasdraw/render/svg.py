"""SVG output shared by renderers, and Cairo rasterisation of SVG for checking it.

Convention for every renderer: transparent background, viewBox "0 0 S S", one element per
action in action order, colours as the renderer draws them (black for one-channel renderers).
"""

from __future__ import annotations

import io

import numpy as np


def num(value: float) -> str:
    """A coordinate as short SVG text (3 decimals, no trailing zeros)."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def document(size: int, elements: list[str], width: float | None = None) -> str:
    """An SVG document of the elements; `width` (default `size`) sets the display size."""
    shown = num(width if width is not None else size)
    body = "".join(f"  {e}\n" for e in elements)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{shown}" height="{shown}" '
            f'viewBox="0 0 {size} {size}">\n{body}</svg>\n')


def inner(svg_text: str) -> str:
    """The elements of an SVG document: everything between its root tag and `</svg>`."""
    return svg_text[svg_text.index(">", svg_text.index("<svg")) + 1:svg_text.rindex("</svg>")]


def rasterize(svg_text: str, size: int) -> np.ndarray:
    """Rasterises SVG with Cairo (cairosvg) at size x size; returns RGBA (S, S, 4) float32."""
    import cairosvg
    from PIL import Image

    png = cairosvg.svg2png(bytestring=svg_text.encode(), output_width=size, output_height=size)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), np.float32) / 255
