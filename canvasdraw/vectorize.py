"""`canvasdraw vectorize`: images in; for each, the drawer's actions as SVG, the real renderer's
re-render, an overlay and a JSON record.

For an input `<stem>.<ext>` (a file, or every image under a folder, sorted) OUTDIR gets:
  <stem>.svg          the actions, one element per action; viewBox = the input's pixel size
  <stem>.png          the real renderer's re-render at the model size S (what the L2 is scored on)
  <stem>_overlay.png  the re-render's ink in red over the faded input, at OVERLAY_SCALE × S
  <stem>.json         the actions in action order with their parameter names, the model, the L2 of
                      the re-render vs the preprocessed input, refine steps
Preprocessing is `datasets.to_ink`: alpha composited on white, 16-bit to 8-bit, ink polarity from
the border unless `invert` forces it, padded with the background to a centred square, bilinear to
S×S. The SVG's viewBox places that square so the input's own pixels span 0..W × 0..H.

A bad input (missing, empty, corrupt, not an image, under MIN_SIDE px a side or over MAX_PIXELS)
costs one line and no output files; the other inputs go on.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
import warnings
from pathlib import Path

import jax.numpy as jnp
import numpy as np
from PIL import Image
from tqdm import tqdm

from canvasdraw import images
from canvasdraw.datasets import IMAGE_SUFFIXES, to_ink
from canvasdraw.drawer import draw_with_renderer
from canvasdraw.files import write_atomic
from canvasdraw.models import Model
from canvasdraw.optimize import optimize_actions
from canvasdraw.renderer import UserError

MIN_SIDE = 8
MAX_PIXELS = 64_000_000
OVERLAY_SCALE = 2
WORKERS = min(4, os.cpu_count() or 1)  # threads reading, rendering and writing
PNG_LEVEL = 1  # fast zlib: writing PNGs is a large share of vectorize's time
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
SIZE_ATTRIBUTES = re.compile(r'\s(?:viewBox|width|height)="[^"]*"')


@dataclasses.dataclass
class Picture:
    """One readable input: ink (S, S) uint8 with 255 = ink, and the input's pixel size."""

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


def read_picture(path: Path, size: int, invert: bool | None, stem: str) -> Picture:
    """The preprocessed input (module docstring); UserError with a one-line reason otherwise."""
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
                ink = to_ink(image, size, invert)
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


def draw(model: Model, inks: np.ndarray, refine: int = 0, batch_size: int = 256,
         map=map) -> tuple[np.ndarray, np.ndarray]:
    """Actions (B, N, D) in [0, 1] for inks (B, S, S) uint8, and their real re-renders (B, S, S, C).

    The drawer runs with the real renderer in the loop (`draw_with_renderer`; the canvas is not
    needed). `refine` > 0 adds that many Adam steps on the actions through the canvas
    (canvasdraw.optimize). Batches are padded to a power of two (at most `batch_size`) so a few
    compiled programs serve every call; `map` runs the per-image rendering."""
    renderer, size = model.renderer, model.drawer.spec.size
    actions, rendered = [], []
    for first in range(0, len(inks), batch_size):
        chunk = inks[first:first + batch_size]
        hints = np.zeros((min(batch_size, 1 << (len(chunk) - 1).bit_length()),) + chunk.shape[1:] + (1,), np.float32)
        hints[:len(chunk), ..., 0] = chunk / np.float32(255)
        acts, states = draw_with_renderer(model.drawer, renderer, hints, map)
        if refine:
            acts, _, _ = optimize_actions(model.canvas, hints, jnp.asarray(renderer.blank(size)), acts, refine)
            acts = np.asarray(acts)
            states = np.stack(list(map(renderer.render, acts[:len(chunk)], [size] * len(chunk))))
        actions.append(acts[:len(chunk)])
        rendered.append(states[:len(chunk)])
    return np.concatenate(actions), np.concatenate(rendered)


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


def _upscale(gray: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(S, S) in [0, 1] -> `shape`, bilinear."""
    return np.asarray(Image.fromarray(gray.astype(np.float32), "F").resize(shape, Image.BILINEAR))


def outputs(model: Model, picture: Picture, actions: np.ndarray, rendered: np.ndarray, refine: int) -> dict:
    """{file name: contents} of one input's four output files, and its real L2; `rendered` is
    the real renderer's drawing of `actions` at the model size."""
    renderer, size = model.renderer, model.drawer.spec.size
    target = picture.ink.astype(np.float32) / 255
    l2 = float(np.mean((rendered[..., 0] - target) ** 2))
    big = (size * OVERLAY_SCALE,) * 2
    faded = 1 - 0.35 * _upscale(target, big)
    names = [p.name for p in renderer.action_spec]
    record = {"input": str(picture.path), "model": model.name, "renderer": renderer.name,
              "renderer_version": renderer.version, "size": size, "input_size": [picture.width, picture.height],
              "l2": l2, "refine_steps": refine, "action_names": names,
              "actions": [[round(float(v), 5) for v in a] for a in actions]}
    return {f"{picture.stem}.svg": placed_svg(renderer.to_svg(actions, max(picture.width, picture.height)), picture),
            f"{picture.stem}.png": images.png_bytes(renderer.to_rgb(rendered), PNG_LEVEL),
            f"{picture.stem}_overlay.png": images.png_bytes(
                images.red_over(np.repeat(faded[..., None], 3, axis=-1), _upscale(rendered[..., 0], big)), PNG_LEVEL),
            f"{picture.stem}.json": json.dumps(record, indent=1) + "\n"}, l2


def vectorize(inputs: list[str], outdir: str | Path, model: Model, refine: int = 0, invert: bool | None = None,
              batch_size: int = 256, progress: bool = True) -> tuple[list[dict], list[str]]:
    """Vectorizes every input into `outdir` (created if missing). Returns one row per written
    input {stem, input, l2, strokes, files, ink (the model's view, (S, S) uint8)} and the error
    lines of the inputs that failed."""
    if batch_size < 1 or refine < 0:
        raise UserError(f"need --batch-size >= 1 and --refine >= 0, got {batch_size} and {refine}")
    if model.renderer.channels != 1:
        raise UserError(f"model {model.name} draws {model.renderer.channels}-channel states; vectorize needs a "
                        "one-channel (ink) model")
    outdir = Path(outdir)
    if not outdir.parent.is_dir():
        raise UserError(f"cannot create {outdir}: folder {outdir.parent} does not exist")
    outdir.mkdir(exist_ok=True)
    files, errors = collect(inputs)
    size = model.drawer.spec.size

    def read(path, stem):
        try:
            return read_picture(path, size, invert, stem)
        except UserError as err:
            return str(err)

    def write(picture, acts, drawing):
        files_out, l2 = outputs(model, picture, acts, drawing, refine)
        for name, content in files_out.items():
            write_atomic(outdir / name, content)
        return {"stem": picture.stem, "input": str(picture.path), "l2": l2, "strokes": len(acts),
                "files": list(files_out), "ink": picture.ink}

    futures = []
    # Threads read inputs, render and write files, the latter while the next batch is drawn
    # (XLA, Cairo, Pillow, zlib and file writes run outside the GIL).
    with ThreadPoolExecutor(WORKERS) as pool:
        pictures = []
        for picture in pool.map(read, files, unique_stems(files)):
            (errors if isinstance(picture, str) else pictures).append(picture)
        bar = tqdm(total=len(pictures), desc=f"vectorize ({model.name})", unit="image", disable=not progress)
        for first in range(0, len(pictures), batch_size):
            chunk = pictures[first:first + batch_size]
            actions, rendered = draw(model, np.stack([p.ink for p in chunk]), refine, batch_size, pool.map)
            for picture, acts, drawing in zip(chunk, actions, rendered):
                futures.append(pool.submit(write, picture, acts, drawing))
                futures[-1].add_done_callback(lambda _: bar.update(1))
        rows = [future.result() for future in futures]
    bar.close()
    return rows, errors
