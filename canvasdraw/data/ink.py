"""Any picture -> ink: (H, W) uint8 with 255 = ink, the one rule every image source and
`vectorize` use to read a user's picture; for colour models, `colour_of`: sRGB on black."""

from __future__ import annotations

import numpy as np
from PIL import Image

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
BACKGROUND_DISTANCE = 40  # `colour_of`: 8-bit levels within which a pixel is the background
MIN_INK = 0.02  # a window with fewer inked (> half ink) pixels than this fraction counts as empty


def ink_of(image: Image.Image, invert: bool | None = None, texture: bool = False) -> np.ndarray:
    """Any Pillow image -> (H, W) uint8 with 255 = ink, at its own size.

    Rules: 16-bit and palette images are converted to 8-bit grey; an alpha channel is composited
    on white; ink polarity is detected from the border (a bright border means dark ink on light
    paper, which is inverted) unless `invert` forces it; the paper's level (the border's median,
    e.g. off-white or grey paper) becomes 0 ink and the rest is stretched to 0..255. A `texture`
    (a picture that is all subject, e.g. knitted fabric, whose border is no paper) is read as dark
    ink on white unless `invert` says otherwise, with no paper level.
    """
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = Image.fromarray((np.asarray(image, np.float64) / 257).clip(0, 255).astype(np.uint8))
    image = image.convert("RGBA")
    paper = Image.new("RGBA", image.size, "white")
    grey = np.asarray(Image.alpha_composite(paper, image).convert("L"))
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if invert is None:
        invert = texture or np.median(border) > 127
    ink = 255 - grey if invert else grey
    if texture:
        return ink
    paper = np.median(255 - border if invert else border)  # tinted paper: its level becomes 0 ink
    if 0 < paper < 128:
        ink = np.clip((ink.astype(np.float32) - paper) * (255 / (255 - paper)), 0, 255).round().astype(np.uint8)
    return ink


def colour_of(image: Image.Image) -> np.ndarray:
    """Any Pillow image -> (H, W, 3) uint8 sRGB on black, the colour renderers' blank, at its own size.

    Alpha is composited on black. The background is the border's median colour; unless it is
    already near black, every pixel within BACKGROUND_DISTANCE of it (max over channels) becomes
    black, so a drawing on white paper reads as the same drawing on black."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = Image.fromarray((np.asarray(image, np.float64) / 257).clip(0, 255).astype(np.uint8))
    rgb = np.array(Image.alpha_composite(Image.new("RGBA", image.size, "black"), image.convert("RGBA")).convert("RGB"))
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    background = np.median(border, axis=0)
    if background.max() > BACKGROUND_DISTANCE:
        rgb[np.abs(rgb.astype(np.int16) - background).max(axis=-1) <= BACKGROUND_DISTANCE] = 0
    return rgb


def square_ink(ink: np.ndarray, size: int) -> np.ndarray:
    """(H, W[, C]) uint8 ink (or colour on black) -> (S, S[, C]): padded with blank paper (0) to a
    centred square, resized bilinearly."""
    h, w = ink.shape[:2]
    side = max(h, w)
    square = np.zeros((side, side) + ink.shape[2:], np.uint8)
    square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = ink
    return np.asarray(Image.fromarray(square).resize((size, size), Image.BILINEAR))


def to_ink(image: Image.Image, size: int, invert: bool | None = None) -> np.ndarray:
    """Any Pillow image -> (S, S) uint8 with 255 = ink: `ink_of`, then `square_ink`."""
    return square_ink(ink_of(image, invert), size)


def split_items(items: list, split: str) -> list:
    """The held-out rule of every file-based source: every 10th item (in sorted order) is `test`,
    the rest `train`."""
    return [x for i, x in enumerate(items) if (i % 10 == 9) == (split == "test")]
