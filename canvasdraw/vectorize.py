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

Pictures larger than the model's S×S window can instead be drawn at their own size by the sliding
or hierarchical drawer (canvasdraw.sliding): `drawer="auto"` does so for models trained on
windows of large drawings (data `windows:...`), `sliding`/`hierarchical` force it for any model,
`single` never. Their PNG and L2 are then at the input's own size, the overlay at 1×, and the
JSON lists the strokes window by window (corner, side, actions in window coordinates).

A bad input (missing, empty, corrupt, not an image, under MIN_SIDE px a side or over MAX_PIXELS)
costs one line and no output files; the other inputs go on.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import jax.numpy as jnp
import numpy as np
from tqdm import tqdm

from canvasdraw.datasets import square_ink
from canvasdraw.drawer import draw_with_renderer
from canvasdraw.models import Model
from canvasdraw.optimize import optimize_actions
from canvasdraw.renderer import UserError
from canvasdraw.sliding import ORDERS, hierarchical, slide
from canvasdraw.vector_files import collect, read_picture, unique_stems, write_many, write_window_outputs
from canvasdraw.window_strokes import strokes_svg

THREADS = 1  # a helper thread reads inputs and renders; more contend for the GIL (2 cores, 4,096
             # digits: 4 threads 426, 2 threads 471, 1 thread 521-536 images/s end to end)
PROCESSES = os.cpu_count() or 1        # worker processes writing files, for PROCESS_MIN inputs or more
PROCESS_MIN = 512
JOB = 64                               # inputs per file-writing task
DRAWERS = ("auto", "single", "sliding", "hierarchical")


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


def slides(model: Model) -> bool:
    """Whether `drawer="auto"` draws this model's large pictures window by window."""
    return bool(model.facts.get("slides"))


def draw_large(model: Model, picture, drawer: str, overlap: bool, order: str, map=map,
               coarse: Model | None = None) -> tuple:
    """(strokes, real re-render (H, W, C), SVG) of a picture read at its own size."""
    ink = picture.ink.astype(np.float32) / 255
    if drawer == "hierarchical":
        strokes, state = hierarchical(model.drawer, model.renderer, ink, overlap, order, map,
                                      coarse.drawer if coarse else None)
    else:
        strokes, state = slide(model.drawer, model.renderer, ink, overlap, order, map=map)
    return strokes, state, strokes_svg(model.renderer, strokes, picture.height, picture.width)


def vectorize(inputs: list[str], outdir: str | Path, model: Model, refine: int = 0, invert: bool | None = None,
              batch_size: int = 256, progress: bool = True, drawer: str = "auto", overlap: bool = True,
              order: str = "raster", coarse: Model | None = None) -> tuple[list[dict], list[str]]:
    """Vectorizes every input into `outdir` (created if missing). Returns one row per written
    input {stem, input, l2, strokes, files, ink (the model's view, (S, S) or (H, W) uint8)} and
    the error lines of the inputs that failed. `drawer`, `overlap` and `order`: module docstring;
    `coarse`: the hierarchical drawer's coarse module (default: the model itself).
    From PROCESS_MIN inputs on, files are written by spawned worker processes: a script calling
    this needs the `if __name__ == "__main__":` guard."""
    if batch_size < 1 or refine < 0:
        raise UserError(f"need --batch-size >= 1 and --refine >= 0, got {batch_size} and {refine}")
    if drawer not in DRAWERS or order not in ORDERS:
        raise UserError(f"drawer must be one of {', '.join(DRAWERS)} and order one of {', '.join(ORDERS)}")
    if refine and drawer in ("sliding", "hierarchical"):
        raise UserError("--refine works with the single-window drawer only")
    if model.renderer.channels != 1:
        raise UserError(f"model {model.name} draws {model.renderer.channels}-channel states; vectorize needs a "
                        "one-channel (ink) model")
    outdir = Path(outdir)
    if not outdir.parent.is_dir():
        raise UserError(f"cannot create {outdir}: folder {outdir.parent} does not exist")
    outdir.mkdir(exist_ok=True)
    files, errors = collect(inputs)
    size = model.drawer.spec.size
    native = drawer in ("sliding", "hierarchical") or (drawer == "auto" and slides(model))

    def read(path, stem):
        try:
            return read_picture(path, size, invert, stem, native)
        except UserError as err:
            return str(err)

    def large(picture) -> bool:
        return native and (drawer != "auto" or max(picture.width, picture.height) > size)

    with ThreadPoolExecutor(THREADS) as threads:
        # Inputs are read by the threads while earlier batches are drawn; files are written while
        # the next batch is drawn: by worker processes for large jobs (the file work is mostly
        # Python), else by the threads.
        many = len(files) >= PROCESS_MIN and PROCESSES > 1
        writers = (ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) if many
                   else threads)
        bar = tqdm(total=len(files), desc=f"vectorize ({model.name})", unit="image", disable=not progress)
        pictures, futures, chunk, larges = [], [], [], []

        def draw_and_write(chunk):
            actions, rendered = draw(model, np.stack([p.ink for p in chunk]), refine, batch_size, threads.map)
            jobs = [(outdir, model.renderer, model.name, p, a, r, refine) for p, a, r in zip(chunk, actions, rendered)]
            for part in range(0, len(jobs), JOB):
                futures.append(writers.submit(write_many, jobs[part:part + JOB]))
                futures[-1].add_done_callback(lambda done: done.exception() or bar.update(len(done.result())))

        with writers:
            for picture in threads.map(read, files, unique_stems(files)):
                if isinstance(picture, str):
                    errors.append(picture)
                    bar.update(1)
                    continue
                if large(picture):
                    larges.append(picture)
                    continue
                if native:  # a small picture for the single-window drawer
                    picture.ink = square_ink(picture.ink, size)
                pictures.append(picture)
                chunk.append(picture)
                if len(chunk) == batch_size:
                    draw_and_write(chunk)
                    chunk = []
            if chunk:
                draw_and_write(chunk)
            for picture in larges:  # each is one batched call per wave of windows
                strokes, state, svg_text = draw_large(model, picture, drawer, overlap, order, threads.map, coarse)
                futures.append(threads.submit(lambda *job: [write_window_outputs(*job)], outdir, model.renderer,
                                              model.name, picture, strokes, state, svg_text,
                                              "hierarchical" if drawer == "hierarchical" else "sliding"))
                futures[-1].add_done_callback(lambda done: done.exception() or bar.update(1))
            pictures += larges
            rows = [row for future in futures for row in future.result()]
        bar.close()
    for row, picture in zip(rows, pictures):
        row["ink"] = picture.ink
    return rows, errors
