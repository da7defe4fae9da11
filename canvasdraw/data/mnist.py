"""MNIST from its IDX files, and coloured MNIST (paper §4.3, Fig. 11a).

`digits(folder, size, split)`: each 28×28 digit resized to S×S with Pillow's bilinear filter as
8-bit (white ink on black, 255 = ink); at S = 64 the test split is the **MNIST-64** benchmark.
`labels(folder, split)`: the class of each digit. Coloured MNIST: the same digit drawn in its
class's colour (`CLASS_RGB`, ten hues 36° apart at HSV saturation 0.9 and value 1: ΔE ≥ 30
between any two in CIELAB), as a colour renderer draws ink of that colour over black: colour ×
ink (`coloured`).
"""

from __future__ import annotations

import colorsys
import gzip
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw.errors import UserError
from canvasdraw.render.color import cielab_of, rgb_to_lab

CLASS_RGB = np.array([np.round(np.array(colorsys.hsv_to_rgb(k / 10, 0.9, 1.0)) * 255) for k in range(10)], np.uint8)


def class_palette() -> np.ndarray:
    """(10, 3) normalised LAB of the class colours (digit k -> row k), exactly CLASS_RGB in 8 bits."""
    return rgb_to_lab(CLASS_RGB / 255)


def class_palette_cielab() -> list[list[float]]:
    """The class colours in CIELAB (L*, a*, b*), as a model records them."""
    return np.round(cielab_of(class_palette()), 3).tolist()


def read_idx(path: Path) -> np.ndarray:
    """An unsigned-byte IDX file (gzipped or not) as an array of its shape; UserError if malformed."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] != 8:
        raise UserError(f"{path} is not an unsigned-byte IDX file")
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise UserError(f"{path} is truncated: header says {shape}, found {body.size} bytes")
    return body.reshape(shape)


def _file(folder: Path, split: str, kind: str) -> Path:
    stem = {"train": "train", "test": "t10k"}[split]
    candidates = [folder / f"{stem}-{kind}{ext}" for ext in (".gz", "")]
    found = next((p for p in candidates if p.exists()), None)
    if found is None:
        raise UserError(f"no {candidates[0].name} (or unzipped) in {folder}")
    return found


def digits(folder: Path, size: int, split: str) -> np.ndarray:
    """(N, S, S) uint8 digits of `split` (module docstring)."""
    images = read_idx(_file(folder, split, "images-idx3-ubyte"))
    return np.stack([np.asarray(Image.fromarray(d).resize((size, size), Image.BILINEAR)) for d in images])


def labels(folder: Path, split: str) -> np.ndarray:
    """(N,) int classes of `split`'s digits."""
    return read_idx(_file(folder, split, "labels-idx1-ubyte")).astype(np.int64)


def coloured(ink: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Digits (N, S, S) uint8 ink and their classes (N,) -> (N, S, S, 3) uint8 sRGB: each digit's
    ink in its class colour over black."""
    return np.round(ink[..., None].astype(np.float32) * CLASS_RGB[classes][:, None, None, :] / 255).astype(np.uint8)
