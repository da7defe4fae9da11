"""SVG output shared by renderers, and Cairo rasterisation of SVG for checking it.

Convention for every renderer: transparent background, viewBox "0 0 S S", one element per
action in action order, colours as the renderer draws them (black for one-channel renderers).
"""

from __future__ import annotations

import io

import numpy as np


def snap(value: float) -> float:
    """A number as the SVG writes it (3 decimals). Renderers draw their raster from snapped
    numbers, so the raster and the SVG are drawn from identical geometry."""
    return round(float(value), 3)


def num(value: float) -> str:
    """A coordinate as short SVG text (3 decimals, no trailing zeros)."""
    text = f"{snap(value):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def document(size: int, elements: list[str], width: float | None = None, height: int | None = None) -> str:
    """An SVG document of the elements over the view "0 0 size height" (height default `size`);
    `width` (default `size`) sets the display width, the display height keeps the aspect."""
    height = size if height is None else height
    shown = width if width is not None else size
    body = "".join(f"  {e}\n" for e in elements)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(shown)}" height="{num(shown * height / size)}" '
            f'viewBox="0 0 {size} {height}">\n{body}</svg>\n')


def inner(svg_text: str) -> str:
    """The elements of an SVG document: everything between its root tag and `</svg>`."""
    return svg_text[svg_text.index(">", svg_text.index("<svg")) + 1:svg_text.rindex("</svg>")]


def rasterize(svg_text: str, size: int, height: int | None = None) -> np.ndarray:
    """Rasterises SVG with Cairo (cairosvg) at size x size (or width `size` x `height`); returns
    RGBA (H, W, 4) float32 in [0, 1], colour not premultiplied (0 where transparent)."""
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface

    width, height = size, height or size
    # Read cairosvg's Cairo surface directly: encoding and decoding a PNG would double the cost.
    surface = PNGSurface(Tree(bytestring=svg_text.encode()), io.BytesIO(), 96, output_width=width,
                         output_height=height).cairo
    surface.flush()
    argb = np.frombuffer(surface.get_data(), np.uint32).reshape(height, surface.get_stride() // 4)[:, :width]
    # ARGB32: one native-endian 32-bit word per pixel, alpha in the top byte, colour premultiplied.
    premultiplied = np.stack([(argb >> shift) & 255 for shift in (16, 8, 0, 24)], -1).astype(np.float32) / 255
    alpha = premultiplied[..., 3:]
    rgb = np.divide(premultiplied[..., :3], alpha, out=np.zeros_like(premultiplied[..., :3]), where=alpha > 0)
    return np.concatenate([rgb, alpha], -1)


def drawn(renderer, svg_text: str, size: int, height: int | None = None, start: np.ndarray | None = None) -> np.ndarray:
    """What an SVG renderer (Cairo) draws from `svg_text`, painted over `start` (default the blank),
    in the terms `renderer` compares with (`picture_of`): ink (H, W, 1) for `ink`
    renderers (the SVG's alpha), else the sRGB picture (H, W, 3)."""
    rgba = rasterize(svg_text, size, height)
    alpha = rgba[..., 3:]
    if renderer.composite == "ink":
        return alpha if start is None else start + alpha * (1 - start)
    under = renderer.to_rgb(renderer.blank(size) if start is None else start)
    return under * (1 - alpha) + rgba[..., :3] * alpha


def picture_of(renderer, state: np.ndarray) -> np.ndarray:
    """A state in the terms of `drawn`: the ink itself for `ink` renderers, else to_rgb."""
    return state if renderer.composite == "ink" else renderer.to_rgb(state)
