"""Large line drawings for the sliding drawer (paper §4.2): generated pages and training windows.

A *page* is a 512×512 black-on-white drawing: KanjiVG characters (their own stroke paths, at
random sizes and pen widths) on a jittered grid plus a few random smooth curves, rasterised by
CairoSVG. Pages of the `test` split use only the held-out characters (every 10th, as for the
`kanjivg` source), so a test page shares no character with training. `scripts/prepare_drawings.py`
writes them as PNG files to DIR/train and DIR/test.

`windows:DIR` (a `load_images` source) cuts S×S training windows out of those pages: WINDOWS_PER_PAGE
random positions with at least `ink.MIN_INK` of inked pixels (the sliding drawer skips emptier ones).
Each window comes with a start state, the ink already on the canvas when the window is drawn: the
window's own target restricted to a random subset of its four halves (each kept with probability
CONTEXT), as if neighbouring windows had drawn there first (raster order leaves the top and left
halves drawn; other orders other halves).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import cairosvg
import numpy as np
from PIL import Image

from canvasdraw.data.ink import IMAGE_SUFFIXES, MIN_INK, ink_of
from canvasdraw.data.kanjivg import KANJI_BOX, kanji_svgs
from canvasdraw.errors import UserError

PAGE = 512
PATH_DATA = re.compile(r'<path\b[^>]*?\sd="([^"]+)"')
WINDOWS_PER_PAGE = 64
CONTEXT = 0.25  # probability that a half of the window starts drawn


def kanji_paths(split: str) -> list[list[str]]:
    """The stroke path data of every KanjiVG character of the split (see module docstring)."""
    return [PATH_DATA.findall(text) for text in kanji_svgs(split)]


def page_svg(rng: np.random.Generator, characters: list[list[str]], size: int = PAGE) -> str:
    """One page (module docstring) as SVG text: black strokes on white, size×size px."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">',
             f'<rect width="{size}" height="{size}" fill="white"/>',
             '<g fill="none" stroke="black" stroke-linecap="round" stroke-linejoin="round">']
    cells = int(rng.integers(2, 5))
    cell = size / cells
    for row in range(cells):
        for col in range(cells):
            if rng.random() < 0.2:
                continue
            side = cell * rng.uniform(0.7, 1.15)
            x, y = (np.array([col, row]) + 0.5) * cell - side / 2 + rng.normal(0, cell / 10, 2)
            pen = rng.uniform(2, 5) * KANJI_BOX / side
            paths = "".join(f'<path d="{d}"/>' for d in characters[rng.integers(len(characters))])
            parts.append(f'<g transform="translate({x:.1f} {y:.1f}) scale({side / KANJI_BOX:.4f})" '
                         f'stroke-width="{pen:.2f}">{paths}</g>')
    for _ in range(rng.integers(1, 5)):
        p = rng.uniform(0, size, (4, 2))
        parts.append(f'<path stroke-width="{rng.uniform(2, 5):.1f}" d="M {p[0, 0]:.1f} {p[0, 1]:.1f} C '
                     + " ".join(f"{v:.1f}" for v in p[1:].ravel()) + '"/>')
    return "".join(parts) + "</g></svg>"


def render_page(svg_text: str) -> np.ndarray:
    """A page's SVG -> (H, W) uint8 grey, black ink on white, as a user's scan would be."""
    with Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg_text.encode()))) as image:
        return np.asarray(image.convert("RGBA").convert("L"))


def read_pages(folder: Path, split: str, shrink: int = 1) -> list[np.ndarray]:
    """Every image under folder/split as ink (H, W) uint8, 255 = ink (dark on light is inverted
    by the border rule of `ink.ink_of`), shrunk `shrink`× (bilinear) if asked."""
    files = sorted(p for p in (folder / split).glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise UserError(f"no {split} drawings in {folder / split} (make them with scripts/prepare_drawings.py)")
    pages = []
    for path in files:
        with Image.open(path) as image:
            if image.width != image.height:
                raise UserError(f"{path}: training pages must be square, got {image.width}×{image.height}")
            ink = ink_of(image)
            if shrink > 1:
                ink = np.asarray(Image.fromarray(ink).resize((ink.shape[1] // shrink,) * 2, Image.BILINEAR))
            pages.append(ink)
    return pages


def cut_windows(pages: list[np.ndarray], size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows (M, S, S) uint8 with at least MIN_INK inked pixels and their start states (module
    docstring); WINDOWS_PER_PAGE per page where the page has that many."""
    rng = np.random.default_rng(seed)
    windows = []
    for page in pages:
        corners = rng.integers(0, page.shape[0] - size + 1, (WINDOWS_PER_PAGE * 8, 2))
        crops = np.stack([page[y:y + size, x:x + size] for y, x in corners])
        windows.append(crops[(crops > 127).mean(axis=(1, 2)) >= MIN_INK][:WINDOWS_PER_PAGE])
    windows = np.concatenate(windows)
    half, keep = size // 2, rng.random((len(windows), 4)) < CONTEXT
    masks = np.zeros(windows.shape, bool)
    masks[keep[:, 0], :half] = True   # top
    masks[keep[:, 1], half:] = True   # bottom
    masks[keep[:, 2], :, :half] = True  # left
    masks[keep[:, 3], :, half:] = True  # right
    return windows, np.where(masks, windows, 0).astype(np.uint8)
