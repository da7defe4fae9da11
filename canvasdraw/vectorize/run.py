"""`canvasdraw vectorize`: images in; for each, the drawer's actions as SVG, the real renderer's
re-render, an overlay and a JSON record.

For an input `<stem>.<ext>` (a file, or every image under a folder, sorted) OUTDIR gets:
  <stem>.svg          the actions, one element per action; viewBox = the input's pixel size
  <stem>.png          the real renderer's re-render at the model size S (what the L2 is scored on)
  <stem>_overlay.png  the re-render's ink in red over the faded input, at OVERLAY_SCALE × S
  <stem>.json         the actions in action order with their parameter names, the model, the L2 of
                      the re-render vs the preprocessed input, refine steps
A floor-plan model (facts "task": "floorplans") writes labelled rooms instead
(canvasdraw.vectorize.rooms); a model of a program renderer (knitting) reads the picture as a
texture (dark ink, no paper level: `data.ink.ink_of`) and writes the program as `<stem>.txt` and,
for knitting, `<stem>.k` (Knitout) (canvasdraw.vectorize.programs); a 3D box model (facts
"task": "prisms") draws from two starts and keeps the cheaper drawing (canvasdraw.vectorize.solids;
the JSON says which start).
Preprocessing is `data.ink.to_ink`: alpha composited on white, 16-bit to 8-bit, ink polarity from
the border unless `invert` forces it, padded with the background to a centred square, bilinear to
S×S. The SVG's viewBox places that square so the input's own pixels span 0..W × 0..H.

Without a model (`model=None`, the command's default) each picture is drawn as its pen width asks
(canvasdraw.vectorize.choice): in one window of the shipped line-art model, or along its
centrelines (canvasdraw.vectorize.centrelines) as the shipped sliding model's strokes — redrawn by
that sliding model where those leave it rough; the JSON's "choice" says which, at what scale and why.

Pictures larger than the model's S×S window can instead be drawn at their own size by the sliding
or hierarchical drawer (canvasdraw.vectorize.sliding): `drawer="auto"` does so for models trained on
windows of large drawings (data `windows:...`), `sliding`/`hierarchical` force it for any model,
`single` never; `centrelines` draws them along their centrelines instead of with the drawer. Their PNG and L2 are then at the input's own size, the overlay at 1×, and the
JSON lists the strokes window by window (corner, side, actions in window coordinates). `refine`
then moves all windows' strokes together towards the whole picture, through the renderer's twin
(canvasdraw.vectorize.page_refine; `ink` renderers with a twin).

A bad input (missing, empty, corrupt, not an image, under MIN_SIDE px a side or over MAX_PIXELS)
costs one line and no output files; the other inputs go on.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

from canvasdraw.data.ink import square_ink
from canvasdraw.errors import UserError
from canvasdraw.files import check_creatable, remove_stale_temporaries
from canvasdraw.processes import die_with_parent
from canvasdraw.store.models import Model, load_model
from canvasdraw.vectorize.advice import baseline
from canvasdraw.vectorize.centrelines import traces
from canvasdraw.vectorize.choice import PAGE_REFINE, ROUGH, SINGLE_MODEL, SINGLE_SIZE, SLIDING_MODEL, choose, scaled
from canvasdraw.vectorize.inputs import Picture, collect, read_picture, reads_colour, unique_stems
from canvasdraw.vectorize.large import draw_windows
from canvasdraw.vectorize.outputs import write_many, write_window_outputs
from canvasdraw.vectorize.page_refine import can_refine
from canvasdraw.vectorize.programs import writes_program
from canvasdraw.vectorize.rooms import finds_rooms, write_room_many
from canvasdraw.vectorize.single import draw_in_passes, draw_inks
from canvasdraw.vectorize.sliding import ORDERS
from canvasdraw.vectorize.solids import draw_solids, draws_solids

THREADS = 1  # a helper thread reads inputs and renders; more contend for the GIL (2 cores, 4,096
             # digits: 4 threads 426, 2 threads 471, 1 thread 521-536 images/s end to end)
PROCESSES = os.cpu_count() or 1        # worker processes writing files, for PROCESS_MIN inputs or more
PROCESS_MIN = 512
JOB = 64                               # inputs per file-writing task
DRAWERS = ("auto", "single", "sliding", "hierarchical", "centrelines")
WINDOWED = ("sliding", "hierarchical", "centrelines")   # drawers of large pictures, window by window


@dataclasses.dataclass(frozen=True)
class Options:
    """How to draw: `refine` Adam steps after the drawer, through the renderer's twin or else the
    canvas (window by window: through the twin only; None: a named model's default (its facts'
    "refine", e.g. prisms; else 0), the choice's steps without one);
    `invert` forces the ink polarity (None: from the border); `batch_size` pictures per jitted
    call; `drawer`, `overlap`, `order`: module docstring; `coarse`: the hierarchical drawer's
    coarse module (default: the model itself); `passes`: up to that many passes of the single-window
    drawer (canvasdraw.vectorize.single; None: 1 with a model, the choice's without one)."""

    refine: int | None = None
    invert: bool | None = None
    batch_size: int = 256
    drawer: str = "auto"
    overlap: bool = True
    order: str = "raster"
    coarse: Model | None = None
    passes: int | None = None

    def check(self, model: Model) -> None:
        """A UserError naming the first option that does not fit (or the model, if it cannot vectorize)."""
        if self.batch_size < 1:
            raise UserError(f"need --batch-size >= 1, got {self.batch_size}")
        if (self.refine or 0) < 0:
            raise UserError(f"need --refine >= 0, got {self.refine}")
        if self.drawer not in DRAWERS or self.order not in ORDERS:
            raise UserError(f"drawer must be one of {', '.join(DRAWERS)} and order one of {', '.join(ORDERS)}")
        if self.passes is not None and self.passes < 1:
            raise UserError(f"need --passes >= 1, got {self.passes}")
        if (self.passes or 1) > 1 and self.drawer in WINDOWED:
            raise UserError("--passes works with the single-window drawer only")
        if (self.passes or 1) > 1 and (model.renderer.composite != "ink" or model.translates):
            raise UserError(f"model {model.name} draws each picture once: no --passes (they add ink strokes to "
                            "a drawing of the picture itself)")
        if finds_rooms(model.facts):
            if self.refine or self.drawer in WINDOWED:
                raise UserError(f"model {model.name} finds rooms in one window: no --refine, no --drawer "
                                f"{self.drawer}")
        elif model.renderer.channels != 1 and self.drawer in WINDOWED:
            raise UserError(f"model {model.name} draws colour pictures in one window: no --drawer {self.drawer}")
        elif self.drawer == "centrelines" and not traces(model.renderer):
            raise UserError(f"--drawer centrelines writes quadratic Bézier ink strokes; model {model.name}'s "
                            f"{model.renderer.name} draws other actions")
        if self.refine and self.native(model) and not can_refine(model.renderer):
            raise UserError(f"--refine window by window needs an ink renderer with a differentiable twin; model "
                            f"{model.name}'s {model.renderer.name} has none: use --drawer single")
        if self.refine and model.translates:
            raise UserError(f"model {model.name} translates its pictures (they are not its drawings' targets): "
                            "no --refine")

    def native(self, model: Model) -> bool:
        """Whether pictures are read at their own size, for the sliding or hierarchical drawer:
        forced, or `auto` with a model trained on windows of large drawings."""
        return self.drawer in WINDOWED or (self.drawer == "auto" and bool(model.facts.get("slides")))


class _Run:
    """One `vectorize` call: reads inputs on a helper thread, draws small pictures in batches and
    large ones window by window, and writes each input's files while the next batch is drawn (by
    worker processes for large jobs: the file work is mostly Python)."""

    def __init__(self, model: Model | None, choosable: dict[str, Model], options: Options, outdir: Path,
                 threads: ThreadPoolExecutor, writers, bar):
        self.model, self.choosable, self.options, self.outdir = model, choosable, options, outdir
        self.threads, self.writers, self.bar = threads, writers, bar
        self.size = model.drawer.spec.size if model else None
        self.native = model is None or options.native(model)
        self.futures, self.errors = [], []

    def read(self, path: Path, stem: str) -> Picture | str:
        """The preprocessed picture, or its one-line error; without a model, at its chosen scale."""
        try:
            picture = read_picture(path, self.size, self.options.invert, stem, self.native,
                                   texture=self.model is not None and writes_program(self.model.renderer),
                                   colour=self.model is not None and reads_colour(self.model))
        except UserError as err:
            return str(err)
        if self.model is None:
            choice = choose(picture.ink)
            picture.choice = dataclasses.asdict(choice)
            picture.ink = (square_ink(picture.ink, SINGLE_SIZE) if choice.drawer == "single"
                           else scaled(picture.ink, choice.scale))
        return picture

    def model_of(self, picture: Picture) -> Model:
        """The named model, or the one chosen for the picture."""
        return self.model or self.choosable[picture.choice["model"]]

    def is_large(self, picture: Picture) -> bool:
        """Whether the picture is drawn window by window at its own (or its chosen) size."""
        if self.model is None:
            return picture.choice["drawer"] != "single"
        return self.native and (self.options.drawer != "auto" or max(picture.width, picture.height) > self.size)

    def refine_steps(self, picture: Picture, model: Model) -> int:
        """--refine, else the choice's steps (no model named), else the model's default (facts)."""
        if self.options.refine is not None:
            return self.options.refine
        return picture.choice["refine"] if picture.choice else model.facts.get("refine", 0)

    def _count(self, future, done: int | None = None):
        self.futures.append(future)
        future.add_done_callback(lambda f: f.exception() or self.bar.update(done or len(f.result())))

    def draw_batch(self, batch: list[Picture]) -> None:
        """Draws pictures at the model size in one batched call and queues their files."""
        o, model = self.options, self.model_of(batch[0])
        refine = self.refine_steps(batch[0], model)
        passes = o.passes or (batch[0].choice["passes"] if batch[0].choice else 1)
        inks = np.stack([p.ink for p in batch])
        how = [None] * len(batch)   # what the JSON says of how each was drawn, where the drawing chose
        if draws_solids(model.facts):
            actions, rendered, how = draw_solids(model, inks, refine, o.batch_size, self.threads.map)
        elif passes > 1:
            actions, rendered = draw_in_passes(model, inks, refine, passes, o.batch_size, self.threads.map)
        else:
            actions, rendered = draw_inks(model, inks, refine, o.batch_size, self.threads.map)
        if finds_rooms(model.facts):
            writer, jobs = write_room_many, [(self.outdir, model.renderer, model.facts, p, a)
                                             for p, a in zip(batch, actions)]
        else:
            facts = dict(model.facts, translates=model.translates)   # advice.warning: may it suggest --refine?
            writer, jobs = write_many, [(self.outdir, model.renderer, facts, p, a, r, refine, h)
                                        for p, a, r, h in zip(batch, actions, rendered, how)]
        for part in range(0, len(jobs), JOB):
            self._count(self.writers.submit(writer, jobs[part:part + JOB]))

    def draw_large(self, picture: Picture) -> None:
        """Draws a picture window by window at its own size and queues its files. Without a model
        named, a centreline drawing that leaves more than ROUGH of the empty drawing's error is
        drawn by the sliding drawer too, and the closer drawing is kept (the JSON's choice says)."""
        model, o = self.model_of(picture), self.options
        stem = None if self.bar.disable else picture.stem
        drawing = draw_windows(model, picture.ink, (picture.height, picture.width), self.windowed_drawer(picture),
                               self.refine_steps(picture, model), o, self.threads.map, stem)
        blank = baseline(picture.ink / 255, drawing.l2)["blank_l2"]
        if self.model is None and drawing.drawer == "centrelines" and drawing.l2 > ROUGH * blank:
            other = draw_windows(model, picture.ink, (picture.height, picture.width), "sliding",
                                 PAGE_REFINE if o.refine is None else o.refine, o, self.threads.map, stem)
            picture.choice["tried"] = {d.drawer: round(d.l2, 6) for d in (drawing, other)}
            drawing = min(drawing, other, key=lambda d: d.l2)
        self._count(self.threads.submit(lambda *job: [write_window_outputs(*job)], self.outdir, model.renderer,
                                        model.facts, picture, drawing.strokes, drawing.state, drawing.svg_text,
                                        drawing.drawer, drawing.refine,
                                        drawing.state if drawing.strokes.chains else None), done=1)

    def windowed_drawer(self, picture: Picture) -> str:
        """How a large picture is drawn: the choice's drawer (no model named), else --drawer (auto: sliding)."""
        if self.model is None:
            return picture.choice["drawer"]
        return "sliding" if self.options.drawer == "auto" else self.options.drawer

    def run(self, files: list[Path]) -> list[Picture]:
        """Draws every readable file; returns the pictures in the order their rows come back."""
        small, large, batch = [], [], []
        for picture in self.threads.map(self.read, files, unique_stems(files)):
            if isinstance(picture, str):
                self.errors.append(picture)
                self.bar.update(1)
            elif self.is_large(picture):
                large.append(picture)
            else:
                if self.native and self.model is not None:  # a small picture for the single-window drawer
                    picture.ink = square_ink(picture.ink, self.size)
                small.append(picture)
                batch.append(picture)
                if len(batch) == self.options.batch_size:
                    self.draw_batch(batch)
                    batch = []
        if batch:
            self.draw_batch(batch)
        for picture in large:  # each is one batched call per wave of windows
            self.draw_large(picture)
        return small + large


def vectorize(inputs: list[str], outdir: str | Path, model: Model | None, options: Options | None = None,
              progress: bool = True) -> tuple[list[dict], list[str]]:
    """Vectorizes every input into `outdir` (created, with its parents, when the first output is
    written) with `model`, or without one as each picture's pen asks (module docstring). Returns
    one row per written input {stem, input, l2, blank_l2, explained, warning, strokes, files, ink (the model's view, (S, S) or (H, W) uint8)} and the error lines of the
    inputs that failed. From PROCESS_MIN inputs on, files are written by spawned worker processes:
    a script calling this needs the `if __name__ == "__main__":` guard."""
    options = options or Options()
    if model is None and options.drawer != "auto":
        raise UserError("--drawer needs a model: name one with --model (see canvasdraw models)")
    choosable = {} if model else {name: load_model(name) for name in (SINGLE_MODEL, SLIDING_MODEL)}
    for each in [model] if model else choosable.values():  # the options fit every drawing a picture may get
        options.check(each)
    outdir = Path(outdir)
    check_creatable(outdir, f"{outdir} is a file: -o names the output folder")
    for folder in (outdir, outdir / "gallery"):
        remove_stale_temporaries(folder)  # an earlier run killed mid-write
    files, errors = collect(inputs)
    with ThreadPoolExecutor(THREADS) as threads:
        many = len(files) >= PROCESS_MIN and PROCESSES > 1
        writers = (ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=die_with_parent) if many else threads)
        # The writers finish (their callbacks update the bar) before the bar closes.
        with tqdm(total=len(files), desc=f"vectorize ({model.name if model else 'by pen width'})", unit="image",
                  disable=not progress) as bar, \
                writers:
            run = _Run(model, choosable, options, outdir, threads, writers, bar)
            pictures = run.run(files)
            rows = [row for future in run.futures for row in future.result()]
            threads.shutdown(wait=True)  # large pictures' writes (and their bar updates) are on these threads
    for row, picture in zip(rows, pictures):
        row["ink"] = picture.ink
    return rows, errors + run.errors
