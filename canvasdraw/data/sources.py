"""Image datasets for drawers: (hint X, target X') pairs at the model size, 1 = ink.

Sources (`load_images(source, size, split)`):

* `mnist:DIR` — the IDX files `{train,t10k}-images-idx3-ubyte[.gz]` in DIR. Each 28×28 digit is
  resized to S×S with Pillow's bilinear filter as 8-bit, then divided by 255 (digits are
  already white ink on black). At S = 64 the test split is the **MNIST-64** benchmark
  (canvasdraw.data.mnist).
* `mnist_color:DIR` — coloured MNIST (paper Fig. 11a), a translation task: hint = the grey digit
  as `mnist:DIR` reads it, target = the digit in its class's colour on black (sRGB, C = 3;
  canvasdraw.data.mnist); also reads `{train,t10k}-labels-idx1-ubyte[.gz]`.
* `folder:DIR` — every PNG/JPEG/BMP/TIFF/WebP under DIR (sorted); see `ink.to_ink` for the rules.
  Split: every 10th file (sorted order) is `test`, the rest `train`.
* `strokes:N` — synthetic: N training images (N/10 test, at least 16) of 1–3 random
  `bezier_alpha` strokes (thickness ≥ 0.2, opacity ≥ 0.6, so each one shows) drawn by the real
  renderer (seed 0 for train, 1 for test). Needs no
  files; `canvasdraw demo` trains on it.
* `pen:N` — synthetic pen line art (canvasdraw.data.pen): N training drawings (seeds 0..N-1),
  max(N/10, 16) held-out drawings (seeds from `pen.TEST_SEED`) of circles, arcs, polylines,
  polygons and curves, one round-capped pen 1.5–12 px wide (at 64 px) per drawing.
* `pen_color:N` — the same drawings with each shape in its own bright colour over black (sRGB,
  hint = target, C = 3), for colour recreation.
* `kanjivg` or `kanjivg:N` — the KanjiVG stroke SVGs (11,662 characters; with `:N` only those
  of at most N strokes, e.g. 2,097 for N = 8) from the optional `kanjivg` package (`pip install
  'canvasdraw[symbols]'`), an Omniglot-like symbol set: drawn black on white by CairoSVG at S×S
  with the data's own pen (3/109 of the box), then inverted (the grey stroke-order numbers are
  removed first). Split as for folders.
* `windows:DIR` — S×S windows cut from the large line drawings in DIR/train and DIR/test, each
  with a start state (ink already drawn by neighbouring windows), for the sliding drawer; see
  canvasdraw.data.pages. `windows:DIR@K`: from the drawings shrunk K× (the hierarchical drawer's
  coarse module sees its windows at half resolution: K = 2).
* `floorplans:N[:STYLE[:LO-HI]]` — synthetic floor plans (canvasdraw.data.floorplans), a
  translation task: hint = the plan drawing (1 = ink), target = each room's floor in its type's
  colour (sRGB, black between rooms). N training plans (seeds 0..N-1), max(N/10, 16) held-out
  plans (seeds from `floorplans.TEST_SEED`); STYLE is a name in `floorplans.drawing.STYLES`
  (default `train`); LO-HI rooms a plan (default 2-12; fewer where the outline cannot hold more).
* `knitting:N[:KIND]`, `knitting_chart:N[:KIND]` — knitting programs (canvasdraw.data.knitting)
  drawn as fabric or as a chart by that renderer at S×S (160 px: 8 px a stitch); the programs are
  never given. KIND: `mixed` (default: every 4th program random, the rest pattern-like),
  `structured` or `random`; `:augmented` perturbs the images as NIK's training did (crop,
  local warp, intensity: `knitting.augment`); N training programs (seeds 0..N-1), max(N/10, 16)
  held out.
* `prisms:N[:KIND[:LO-HI]]` — generated scenes of LO-HI (default 1-6) coloured boxes
  (canvasdraw.data.prisms) drawn in three views by the `prisms` renderer, sRGB on black, hint =
  target (C = 3); KIND `mixed` (default), `random` or `structured`; N training scenes (seeds
  0..N-1), max(N/10, 16) held out (seeds from `prisms.TEST_SEED`).
* `arrays:DIR` — ready-made pairs in DIR/train.npz and DIR/test.npz: uint8 arrays `hints`
  (M, S, S[, Ct]), optionally `targets` and `starts` (M, S, S[, C]), 255 = ink, already at the
  model size (e.g. windows that start from the sliding drawer's own drawing:
  scripts/prepare_contexts.py).

Images are kept as uint8 (N, S, S, 1) and become float32 in [0, 1] per batch. Recreation uses
X' = X (`ImageSet.targets` is None); translation tasks give their own targets.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import cairosvg
import numpy as np
from PIL import Image
from tqdm import tqdm

from canvasdraw.data import mnist
from canvasdraw.data.floorplans import PALETTE_LAB, ROOM_COUNTS, ROOM_TYPES, plan_set
from canvasdraw.data.floorplans.drawing import STYLES
from canvasdraw.data.ink import IMAGE_SUFFIXES, split_items, to_ink
from canvasdraw.data.kanjivg import kanji_svgs
from canvasdraw.data.knitting import KINDS, program_set
from canvasdraw.data.pages import cut_windows, read_pages
from canvasdraw.data.pen import pen_set
from canvasdraw.data.prisms import KINDS as SCENE_KINDS
from canvasdraw.data.prisms import scene_set
from canvasdraw.errors import UserError
from canvasdraw.render.registry import load_renderer

PRISMS_REFINE = 100  # `vectorize` refinement steps a prisms model takes by default (task_facts)


@dataclasses.dataclass
class ImageSet:
    """hints (N, S, S, Ct) uint8, 255 = ink; targets the same shape as the drawing, or None
    when the target is the hint (recreation); starts (N, S, S, C) the state drawing begins from,
    or None for the renderer's blank."""

    name: str
    hints: np.ndarray
    targets: np.ndarray | None = None
    starts: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.hints)

    def batch(self, indices) -> dict[str, np.ndarray]:
        """{"hint": (B, S, S, Ct), "target": (B, S, S, C')[, "start": (B, S, S, C)]} float32 in [0, 1]."""
        hint = self.hints[indices].astype(np.float32) / 255
        target = hint if self.targets is None else self.targets[indices].astype(np.float32) / 255
        if self.starts is None:
            return {"hint": hint, "target": target}
        return {"hint": hint, "target": target, "start": self.starts[indices].astype(np.float32) / 255}


def shifted(batch: dict[str, np.ndarray], rng: np.random.Generator, limit: int) -> dict[str, np.ndarray]:
    """Augmentation: every image of item b in a batch (hint, target, start; (B, S, S, C)) moved by
    the same random whole-pixel offset in [-limit, limit]² drawn per item; the border pixels fill
    what moves in."""
    count, size = len(batch["hint"]), batch["hint"].shape[1]
    offsets = rng.integers(-limit, limit + 1, size=(count, 2))
    rows = np.clip(np.arange(size) - offsets[:, :1], 0, size - 1)[:, :, None]  # (B, S, 1)
    cols = np.clip(np.arange(size) - offsets[:, 1:], 0, size - 1)[:, None, :]  # (B, 1, S)
    items = np.arange(count)[:, None, None]
    return {key: images[items, rows, cols] for key, images in batch.items()}


def _folder(folder: Path, size: int, split: str) -> np.ndarray:
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    files = split_items(sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES), split)
    if not files:
        raise UserError(f"no {split} images in {folder} (looked for {', '.join(sorted(IMAGE_SUFFIXES))})")
    out = []
    for path in files:
        try:
            with Image.open(path) as image:
                out.append(to_ink(image, size))
        except (OSError, ValueError) as err:
            raise UserError(f"cannot read image {path}: {err}") from None
    return np.stack(out)


def _kanjivg(size: int, split: str, max_strokes: str) -> np.ndarray:
    if max_strokes and (not max_strokes.isdigit() or int(max_strokes) < 1):
        raise UserError(f"kanjivg:N needs a positive number of strokes, got {max_strokes!r}")
    out = []
    chosen = kanji_svgs(split, int(max_strokes) if max_strokes else None)
    for text in tqdm(chosen, desc=f"rendering KanjiVG ({split})", unit="symbol", leave=False):
        png = cairosvg.svg2png(bytestring=text.encode(), output_width=size, output_height=size,
                               background_color="white")
        with Image.open(io.BytesIO(png)) as image:
            out.append(to_ink(image, size, invert=True))
    return np.stack(out)


def _strokes(size: int, split: str, count: str) -> np.ndarray:
    if not count.isdigit() or int(count) < 1:
        raise UserError(f"strokes:N needs a positive number of images, got {count!r}")
    renderer = load_renderer("bezier_alpha")
    rng = np.random.default_rng(0 if split == "train" else 1)
    count = int(count) if split == "train" else max(int(count) // 10, 16)
    out = np.empty((count, size, size), np.uint8)
    for i in range(count):
        actions = rng.random((rng.integers(1, 4), renderer.action_dim), dtype=np.float32)
        actions[:, 6:] = [0.2, 0.6] + actions[:, 6:] * [0.8, 0.4]  # visible: thickness >= 0.2, opacity >= 0.6
        out[i] = np.round(renderer.render(actions, size)[..., 0] * 255)
    return out


def _pen(size: int, split: str, count: str, colour: bool = False) -> np.ndarray:
    if not count.isdigit() or int(count) < 1:
        raise UserError(f"pen{'_color' if colour else ''}:N needs a positive number of drawings, got {count!r}")
    return pen_set(int(count) if split == "train" else max(int(count) // 10, 16), split, size, colour)[0]


def _knitting(renderer: str, size: int, split: str, where: str) -> np.ndarray:
    count, _, rest = where.partition(":")
    kind, _, augmented = rest.partition(":")
    if not count.isdigit() or int(count) < 1 or (kind and kind not in KINDS) or augmented not in ("", "augmented"):
        raise UserError(f"{renderer}:N[:KIND[:augmented]] needs a positive number of programs and a kind in "
                        f"{', '.join(KINDS)}, got {where!r}")
    count = int(count) if split == "train" else max(int(count) // 10, 16)
    return program_set(load_renderer(renderer), count, split, kind or "mixed", size, bool(augmented))[0]


def scene_boxes(where: str) -> tuple[int, int, str, tuple[int, int]]:
    """`N[:KIND[:LO-HI]]` of a prisms source -> (N, KIND, (LO, HI)); UserError when malformed."""
    count, _, rest = where.partition(":")
    kind, _, boxes = rest.partition(":")
    boxes = count_range(boxes, (1, 6))
    if not (count.isdigit() and int(count) >= 1 and (kind or "mixed") in SCENE_KINDS and boxes):
        raise UserError(f"prisms:N[:KIND[:LO-HI]] needs a positive number of scenes, a kind in {', '.join(SCENE_KINDS)} "
                        f"and 1 <= LO <= HI <= 6 boxes, got {where!r}")
    return int(count), kind or "mixed", boxes


def count_range(text: str, limits: tuple[int, int]) -> tuple[int, int] | None:
    """`LO-HI` -> (LO, HI) with limits[0] <= LO <= HI <= limits[1]; "" -> `limits`; None when malformed."""
    low, _, high = (text or f"{limits[0]}-{limits[1]}").partition("-")
    if low.isdigit() and high.isdigit() and limits[0] <= int(low) <= int(high) <= limits[1]:
        return int(low), int(high)
    return None


def _prisms(size: int, split: str, where: str) -> np.ndarray:
    count, kind, boxes = scene_boxes(where)
    count = count if split == "train" else max(count // 10, 16)
    return scene_set(load_renderer("prisms"), count, split, kind, boxes, size)[0]


def _floorplans(size: int, split: str, where: str, source: str) -> ImageSet:
    count, _, rest = where.partition(":")
    style, _, rooms = rest.partition(":")
    rooms = count_range(rooms, ROOM_COUNTS)
    if not count.isdigit() or int(count) < 1 or (style and style not in STYLES) or not rooms:
        raise UserError(f"floorplans:N[:STYLE[:LO-HI]] needs a positive number of plans, a style in "
                        f"{', '.join(STYLES)} and {ROOM_COUNTS[0]} <= LO <= HI <= {ROOM_COUNTS[1]} rooms, got {where!r}")
    count = int(count) if split == "train" else max(int(count) // 10, 16)
    hints, targets, _ = plan_set(count, split, size, dataclasses.replace(STYLES[style or "train"], rooms=rooms))
    return ImageSet(f"{source} ({split})", hints, targets=targets)


def _arrays(folder: Path, size: int, split: str, source: str) -> ImageSet:
    path = folder / f"{split}.npz"
    if not path.is_file():
        raise UserError(f"{path} does not exist (arrays:DIR reads DIR/train.npz and DIR/test.npz)")
    with np.load(path) as arrays:
        fields = {k: arrays[k] for k in ("hints", "targets", "starts") if k in arrays}
    if "hints" not in fields:
        raise UserError(f"{path} has no array named hints")
    for name, array in fields.items():
        if array.dtype != np.uint8 or array.ndim not in (3, 4) or array.shape[1:3] != (size, size):
            raise UserError(f"{path}: {name} must be uint8 (M, {size}, {size}[, C]), got {array.dtype} {array.shape}")
        fields[name] = array[..., None] if array.ndim == 3 else array
    return ImageSet(f"{source} ({split})", **fields)


def task_facts(source: str) -> dict:
    """What a model trained on `source` must record to be used: for floor plans, the room types
    and their LAB colours (a drawn rectangle's type is the nearest colour); for coloured MNIST the
    class colours (digit k -> row k); for prisms, the refinement steps `vectorize` takes by
    default (docs/results.md: F1 0.47 -> 0.76 on 1-3 boxes); else nothing."""
    if source.startswith("prisms:"):
        return {"task": "prisms", "refine": PRISMS_REFINE}
    if source.startswith("mnist_color:"):
        return {"task": "color_mnist", "palette_lab": mnist.class_palette_cielab()}
    if source.startswith("floorplans:"):
        return {"task": "floorplans", "room_types": list(ROOM_TYPES),
                "palette_lab": [list(PALETTE_LAB[t]) for t in ROOM_TYPES]}
    return {}


def load_images(source: str, size: int, split: str = "train") -> ImageSet:
    """An ImageSet from `mnist:DIR`, `folder:DIR`, `strokes:N`, `pen:N`, `kanjivg`, `windows:DIR`,
    `arrays:DIR`, `floorplans:N[:STYLE[:LO-HI]]`, `knitting[_chart]:N[:KIND[:augmented]]` or
    `prisms:N[:KIND[:LO-HI]]` (module docstring);
    split is `train` or `test`."""
    if split not in ("train", "test"):
        raise UserError(f"split must be train or test, got {split!r}")
    kind, _, where = source.partition(":")
    if kind == "mnist":
        hints = mnist.digits(Path(where), size, split)
    elif kind == "mnist_color":
        ink = mnist.digits(Path(where), size, split)
        classes = mnist.labels(Path(where), split)
        if len(classes) != len(ink):
            raise UserError(f"{where}: {len(ink)} {split} digits but {len(classes)} labels")
        return ImageSet(f"{source} ({split})", ink[..., None], targets=mnist.coloured(ink, classes))
    elif kind == "folder":
        hints = _folder(Path(where), size, split)
    elif kind == "strokes":
        hints = _strokes(size, split, where)
    elif kind == "pen":
        hints = _pen(size, split, where)
    elif kind == "pen_color":
        return ImageSet(f"{source} ({split})", _pen(size, split, where, colour=True))
    elif kind == "kanjivg":
        hints = _kanjivg(size, split, where)
    elif kind == "windows":
        folder, _, shrink = where.partition("@")
        pages = read_pages(Path(folder), split, int(shrink) if shrink.isdigit() else 1)
        hints, starts = cut_windows(pages, size, seed=0 if split == "train" else 1)
        return ImageSet(f"{source} ({split})", hints[..., None], starts=starts[..., None])
    elif kind in ("knitting", "knitting_chart"):
        hints = _knitting(kind, size, split, where)
    elif kind == "prisms":
        return ImageSet(f"{source} ({split})", _prisms(size, split, where))
    elif kind == "arrays":
        return _arrays(Path(where), size, split, source)
    elif kind == "floorplans":
        return _floorplans(size, split, where, source)
    else:
        raise UserError(f"unknown image source {source!r}: use mnist:DIR, mnist_color:DIR, folder:DIR, strokes:N, pen:N, "
                        "pen_color:N, kanjivg[:N], windows:DIR, arrays:DIR, floorplans:N[:STYLE[:LO-HI]], knitting[_chart]:N[:KIND[:augmented]] or "
                        "prisms:N[:KIND[:LO-HI]]")
    return ImageSet(f"{source} ({split})", hints[..., None])
