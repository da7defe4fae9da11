"""Reading `canvasdraw vectorize`'s inputs: files and folders in, one preprocessed `Picture` per
readable image (or a one-line reason why not). No JAX here."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw.data.ink import IMAGE_SUFFIXES, colour_of, ink_of, square_ink
from canvasdraw.errors import UserError

MIN_SIDE = 8
MAX_PIXELS = 64_000_000


@dataclasses.dataclass
class Picture:
    """One readable input: ink (S, S) uint8 with 255 = ink (or (H, W), the input's own pixels,
    when read `native`, or at a chosen working scale; for a colour model (S, S, 3) sRGB on black), the input's pixel size, and how the drawing
    was chosen (canvasdraw.vectorize.choice.Choice as a dict; None when a model was named)."""

    path: Path
    stem: str
    ink: np.ndarray
    width: int
    height: int
    choice: dict | None = None


def collect(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Files named or found under named folders (sorted), and one error line per bad name."""
    files, errors = [], []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            files += found
            if not found:
                errors.append(f"{path}: no images in this folder ({', '.join(sorted(IMAGE_SUFFIXES))})")
        elif path.is_file():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder")
    return files, errors


def read_picture(path: Path, size: int, invert: bool | None, stem: str, native: bool = False,
                 texture: bool = False, colour: bool = False) -> Picture:
    """The preprocessed input (module docstring), at the model size S or, `native`, at its own
    (`texture`: see `ink_of`; `colour`: sRGB on black, `colour_of`); UserError with a one-line
    reason otherwise."""
    if path.stat().st_size == 0:
        raise UserError(f"{path}: empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if min(width, height) < MIN_SIDE:
                    raise UserError(f"{path}: {width}×{height} px is too small (at least {MIN_SIDE} px a side)")
                if width * height > MAX_PIXELS:
                    raise UserError(f"{path}: {width}×{height} px is too large (at most {MAX_PIXELS // 10**6} "
                                    "megapixels)")
                ink = colour_of(image) if colour else ink_of(image, invert, texture)
                ink = ink if native else square_ink(ink, size)
    except Image.DecompressionBombError:
        raise UserError(f"{path}: too large (at most {MAX_PIXELS // 10**6} megapixels)") from None
    except (OSError, ValueError, SyntaxError) as err:
        raise UserError(f"{path}: not a readable image ({err})") from None
    return Picture(path, stem, ink, width, height)


def reads_colour(model) -> bool:
    """Whether a model (canvasdraw.store.models.Model) reads pictures in colour (sRGB hints, e.g.
    prisms) rather than as ink."""
    return model.drawer.spec.hint_channels == 3


def unique_stems(files: list[Path]) -> list[str]:
    """Output stems: the file stems, with -2, -3, ... added where two inputs share one."""
    seen, stems = {}, []
    for path in files:
        count = seen[path.stem] = seen.get(path.stem, 0) + 1
        stems.append(path.stem if count == 1 else f"{path.stem}-{count}")
    return stems
