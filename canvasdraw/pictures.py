"""Pictures for people: PNG encoding, contact sheets of states and red stroke overlays."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def png_bytes(rgb: np.ndarray, compress_level: int = 6) -> bytes:
    """(H, W, 3) or (H, W) float in [0, 1] -> PNG file contents (zlib level 0..9: 1 is ~3× faster
    to write, a little larger). Grey pictures are written with one channel."""
    pixels = np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    if pixels.ndim == 3 and (pixels == pixels[..., :1]).all():
        pixels = pixels[..., 0]
    buffer = io.BytesIO()
    Image.fromarray(pixels.squeeze()).save(buffer, format="PNG", compress_level=compress_level)
    return buffer.getvalue()


def contact_sheet(tiles: list[np.ndarray], columns: int, pad: int = 2, fill: float = 0.5,
         min_tile: int = 64) -> np.ndarray:
    """Lays equal-sized (h, w, 3) tiles out in rows of `columns`, upscaled (nearest) so each
    tile is at least `min_tile` px tall; returns one (H, W, 3) float image."""
    scale = max(1, -(-min_tile // tiles[0].shape[0]))
    tiles = [np.kron(t, np.ones((scale, scale, 1), t.dtype)) for t in tiles]
    h, w, c = tiles[0].shape
    rows = -(-len(tiles) // columns)
    sheet = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad, c), fill, np.float32)
    for i, tile in enumerate(tiles):
        r, col = divmod(i, columns)
        sheet[pad + r * (h + pad):pad + r * (h + pad) + h, pad + col * (w + pad):pad + col * (w + pad) + w] = tile
    return sheet


RED = np.array([0.85, 0.1, 0.1], np.float32)


def stroke_ink(renderer, actions: np.ndarray, size: int) -> np.ndarray:
    """Where the actions put ink, drawn alone at `size` px: (S, S) in [0, 1] (max over actions of
    each layer's coverage, or alpha for `over` renderers)."""
    ink = np.zeros((size, size), np.float32)
    for action in actions:
        layer = renderer.layer(action, size)
        ink = np.maximum(ink, layer[..., -1] if renderer.composite == "over" else layer.max(-1))
    return ink


def red_over(background: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Ink (H, W) in [0, 1] painted in red over an (H, W, 3) picture."""
    return background * (1 - ink[..., None]) + RED * ink[..., None]


def overlay_png(target: np.ndarray, ink: np.ndarray, scale: int, compress_level: int = 6) -> bytes:
    """PNG of `ink` (S, S) in [0, 1] in red over the faded `target` (S, S) in [0, 1] (ink at 35 %
    grey on white), both bilinear-upscaled `scale`×; `red_over` done in Pillow's C code."""
    big = (target.shape[1] * scale, target.shape[0] * scale)

    def gray(values):
        return Image.fromarray(np.round(np.clip(values, 0, 1) * 255).astype(np.uint8)).resize(big, Image.BILINEAR)

    picture = Image.composite(Image.new("RGB", big, tuple(int(round(v * 255)) for v in RED)),
                              gray(1 - 0.35 * target).convert("RGB"), gray(ink))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=compress_level)
    return buffer.getvalue()


def blend_png(target: np.ndarray, drawing: np.ndarray, scale: int, compress_level: int = 6) -> bytes:
    """PNG of a colour target and its drawing (both (S, S, 3) in [0, 1]) mixed half and half,
    nearest-upscaled `scale`×: where they agree the picture is crisp, a misplaced edge shows twice."""
    mixed = np.kron((target + drawing) / 2, np.ones((scale, scale, 1), np.float32))
    return png_bytes(mixed, compress_level)


def red_strokes(renderer, actions: np.ndarray, size: int) -> np.ndarray:
    """The actions' strokes drawn at `size` px in red on white: (S, S, 3)."""
    return red_over(np.ones((size, size, 3), np.float32), stroke_ink(renderer, actions, size))
