"""One input of `canvasdraw vectorize`: reading and preprocessing it, and writing its four
output files (module docstring of canvasdraw.vectorize). No JAX here, so the worker processes
that write files for large folders start quickly.
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw import images
from canvasdraw.datasets import IMAGE_SUFFIXES, ink_of, square_ink
from canvasdraw.files import write_atomic
from canvasdraw.renderer import Renderer, UserError

MIN_SIDE = 8
MAX_PIXELS = 64_000_000
OVERLAY_SCALE = 2
PNG_LEVEL = 1  # fast zlib: writing PNGs is a large share of vectorize's time
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
SIZE_ATTRIBUTES = re.compile(r'\s(?:viewBox|width|height)="[^"]*"')


@dataclasses.dataclass
class Picture:
    """One readable input: ink (S, S) uint8 with 255 = ink (or (H, W), the input's own pixels,
    when read `native`), and the input's pixel size."""

    path: Path
    stem: str
    ink: np.ndarray
    width: int
    height: int


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


def read_picture(path: Path, size: int, invert: bool | None, stem: str, native: bool = False) -> Picture:
    """The preprocessed input (module docstring), at the model size S or, `native`, at its own;
    UserError with a one-line reason otherwise."""
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
                ink = ink_of(image, invert)
                ink = ink if native else square_ink(ink, size)
    except Image.DecompressionBombError:
        raise UserError(f"{path}: too large (at most {MAX_PIXELS // 10**6} megapixels)") from None
    except (OSError, ValueError, SyntaxError) as err:
        raise UserError(f"{path}: not a readable image ({err})") from None
    return Picture(path, stem, ink, width, height)


def unique_stems(files: list[Path]) -> list[str]:
    """Output stems: the file stems, with -2, -3, ... added where two inputs share one."""
    seen, stems = {}, []
    for path in files:
        count = seen[path.stem] = seen.get(path.stem, 0) + 1
        stems.append(path.stem if count == 1 else f"{path.stem}-{count}")
    return stems


def placed_svg(svg_text: str, picture: Picture) -> str:
    """An SVG drawn on the padded square of side max(W, H), re-framed to the input's pixels
    (the root tag's width, height and viewBox are replaced; the rest is kept as written)."""
    side = max(picture.width, picture.height)
    w, h = picture.width, picture.height
    frame = f' width="{w}" height="{h}" viewBox="{(side - w) // 2} {(side - h) // 2} {w} {h}"'

    def reframe(match):
        tag = SIZE_ATTRIBUTES.sub("", match.group(0))
        end = "/>" if tag.endswith("/>") else ">"
        return tag[:-len(end)] + frame + end

    return ROOT_TAG.sub(reframe, svg_text, count=1)


def write_outputs(outdir: Path, renderer: Renderer, model_name: str, picture: Picture, actions: np.ndarray,
                  rendered: np.ndarray, refine: int) -> dict:
    """Writes one input's four files into `outdir` (module docstring of canvasdraw.vectorize);
    `rendered` is the real renderer's drawing of `actions` at the model size. Returns {stem,
    input, l2, strokes, files}."""
    svg_text = placed_svg(renderer.to_svg(actions, max(picture.width, picture.height)), picture)
    record = {"refine_steps": refine, "actions": [[round(float(v), 5) for v in a] for a in actions]}
    return _write(outdir, renderer, model_name, picture, svg_text, rendered, record, len(actions), OVERLAY_SCALE)


def write_window_outputs(outdir: Path, renderer: Renderer, model_name: str, picture: Picture, strokes,
                         rendered: np.ndarray, svg_text: str, drawer: str) -> dict:
    """The same four files for a picture drawn window by window at its own size (`strokes`: a
    canvasdraw.window_strokes.Strokes, `rendered` its re-render (H, W, C), `svg_text` its SVG)."""
    windows = [{"corner_xy": [int(x), int(y)], "side": int(side),
                "actions": [[round(float(v), 5) for v in a] for a in actions]}
               for (y, x), side, actions in zip(strokes.corners, strokes.sides, strokes.actions)]
    record = {"drawer": drawer, "windows": windows}
    return _write(outdir, renderer, model_name, picture, svg_text, rendered, record,
                  strokes.actions.shape[0] * strokes.actions.shape[1], 1)


def _write(outdir, renderer, model_name, picture, svg_text, rendered, record, strokes, overlay_scale) -> dict:
    """Makes all four files' contents, then writes each atomically: a failure leaves none."""
    target = picture.ink.astype(np.float32) / 255
    l2 = float(np.mean((rendered[..., 0] - target) ** 2))
    record = {"input": str(picture.path), "model": model_name, "renderer": renderer.name,
              "renderer_version": renderer.version, "size": rendered.shape[0],
              "input_size": [picture.width, picture.height], "l2": l2,
              "action_names": [p.name for p in renderer.action_spec], **record}
    contents = {
        f"{picture.stem}.svg": svg_text,
        f"{picture.stem}.png": images.png_bytes(renderer.to_rgb(rendered), PNG_LEVEL),
        f"{picture.stem}_overlay.png": images.overlay_png(target, rendered[..., 0], overlay_scale, PNG_LEVEL),
        f"{picture.stem}.json": json.dumps(record, indent=1) + "\n"}
    for name, content in contents.items():
        write_atomic(outdir / name, content)
    return {"stem": picture.stem, "input": str(picture.path), "l2": l2, "strokes": strokes, "files": list(contents)}


def write_many(jobs: list[tuple]) -> list[dict]:
    """`write_outputs` over argument tuples (one call per worker-process task)."""
    return [write_outputs(*job) for job in jobs]
