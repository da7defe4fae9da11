"""Floor plans -> rooms on held-out plans: our drawer beside a classical baseline and a supervised
segmenter, in one run (issue: floorplans). Our boxes are the rooms `vectorize` writes; our mIoU is
measured on their SVG drawn by Cairo.

    python scripts/bench_floorplans.py --model floorplans --segmenter runs/segmenter.msgpack \
        --plans 300 --styles train,unseen,scanned --sheet docs/images/floorplans_sheet.png

Per style (canvasdraw.data.floorplans.drawing.STYLES; `train` is held-out plans of the training
style, `unseen` a style never trained on: thicker walls, another font, no fixtures) and method:
box precision / recall / F1 with one-to-one matching at IoU >= 0.5, type-agnostic and type-aware,
mean corner error in sheet px (256 px plans), room-type mIoU, seconds per plan.
  ours        the rooms `vectorize` writes (`vectorize.rooms`: the anchors drawer's boxes merged,
              or a sequential drawer's rectangles that show), typed by colour; mIoU of their SVG
              drawn by Cairo at the model size (128 px for the shipped anchors model); their sides moved
              onto the plan's walls (`vectorize.walls`), and beside them the drawer's boxes as merged
  classical   walls = ink without 1 px lines (2×2 opening); the footprint = the walls closed over
              window gaps, holes filled; rooms = the footprint's regions left free by the walls
              closed over door gaps, their bounding boxes; no types (no type-aware F1, no mIoU).
              Its radii and sizes were set on training-style plans (F1 0.82 on 100 of them).
  segmenter   scripts/floorplan_segmenter.py (trained with the target images: the upper bound) at
              its own size (--segmenter-size); boxes = connected regions of one predicted type; its
              class map is scored at the model size (each pixel repeated)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

from canvasdraw import pictures
from canvasdraw.data.floorplans import ROOM_COUNTS, SHEET, STYLES, TEST_SEED, make_plan, plan_set
from canvasdraw.data.floorplans.layout import ROOM_TYPES
from canvasdraw.data.ink import ink_of
from canvasdraw.data.sources import count_range
from canvasdraw.metrics.boxes import BoxCounts
from canvasdraw.metrics.floorplans import SegmentationCounts, class_map
from canvasdraw.render import svg
from canvasdraw.store.models import load_model
from canvasdraw.train.anchors import pooled
from canvasdraw.vectorize.rooms import looks_like_plan, rooms_of
from canvasdraw.vectorize.single import draw_inks

sys.path.insert(0, str(Path(__file__).parent))   # floorplan_segmenter, beside this script
CLOSE_DOORS = 9      # px on the sheet: half the widest door (doors are 12-18 px)
CLOSE_WINDOWS = 22   # px on the sheet: half the widest window and then some (windows are 12-40 px)
MIN_ROOM = 150       # px² on the sheet: smaller enclosed regions are door swings and letters
MIN_REGION = 20      # px² of bounding box at the model size: smaller regions of one type are noise


def _closed(mask: np.ndarray, radius: int) -> np.ndarray:
    """Morphological closing by a (2r+1)² square, the picture's edge treated as open paper."""
    padded = ndimage.binary_closing(np.pad(mask, radius), structure=np.ones((3, 3)), iterations=radius)
    return padded[radius:-radius, radius:-radius]


def classical_boxes(plan: Image.Image) -> np.ndarray:
    """Room boxes (K, 4) in sheet px of a plan drawing (module docstring)."""
    walls = ndimage.binary_opening(ink_of(plan, invert=True) > 127, structure=np.ones((2, 2)))
    footprint = ndimage.binary_fill_holes(_closed(walls, CLOSE_WINDOWS))
    labels, _ = ndimage.label(~_closed(walls, CLOSE_DOORS) & footprint)
    boxes = [[xs.start, ys.start, xs.stop, ys.stop] for k, (ys, xs) in enumerate(ndimage.find_objects(labels), 1)
             if np.sum(labels[ys, xs] == k) >= MIN_ROOM]
    return np.array(boxes, np.float64).reshape(-1, 4)


def region_boxes(classes: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (K, 4) × scale and types (K,) of the connected regions of each type in a class map."""
    boxes, types = [], []
    for k in range(1, len(ROOM_TYPES) + 1):
        labels, _ = ndimage.label(classes == k)
        for found in ndimage.find_objects(labels):
            ys, xs = found
            if (ys.stop - ys.start) * (xs.stop - xs.start) >= MIN_REGION:
                boxes.append([xs.start, ys.start, xs.stop, ys.stop])
                types.append(k - 1)
    return np.array(boxes, np.float64).reshape(-1, 4) * scale, np.array(types, int)


def _truth(rooms):
    return np.array([b for _, b in rooms]).reshape(-1, 4), np.array([ROOM_TYPES.index(t) for t, _ in rooms])


def _our_scores(model, found, rooms, truth_maps) -> tuple[dict, list]:
    """Scores of `rooms_of`'s (actions, rooms) per plan against the truth, and the first plans'
    rooms as drawn from their SVG."""
    size = model.drawer.spec.size
    agnostic, typed, seg, shown = BoxCounts(), BoxCounts(), SegmentationCounts(), []
    for (drawn_actions, ours), true_rooms, truth in zip(found, rooms, truth_maps):
        boxes = np.array([r["box"] for r in ours]).reshape(-1, 4) * SHEET
        kinds = [ROOM_TYPES.index(r["type"]) for r in ours]
        gt_boxes, gt_types = _truth(true_rooms)
        agnostic.add(boxes, gt_boxes)
        typed.add(boxes, gt_boxes, kinds, gt_types)
        drawn = svg.drawn(model.renderer, model.renderer.to_svg(drawn_actions, size), size)
        seg.add(class_map(drawn), truth)
        if len(shown) < 6:
            shown.append(drawn)
    return {**agnostic.scores(), "typed_f1": typed.scores()["f1"], "miou": seg.miou(), "s_per_plan": None,
            "rooms_per_plan": np.mean([len(f[1]) for f in found])}, shown


def bench_style(model, segmenter, style: str, count: int, room_counts: tuple[int, int] | None = None,
                segmenter_size: int | None = None) -> tuple[dict, list]:
    """{method: scores} on `count` held-out plans of `style` (of `room_counts` (LO, HI) rooms,
    default the style's), and the first plans' pictures. The segmenter reads the plans at
    `segmenter_size` px (default the model's)."""
    size = model.drawer.spec.size
    style = dataclasses.replace(STYLES[style], rooms=room_counts or STYLES[style].rooms)
    hints, targets, rooms = plan_set(count, "test", size, style)
    truth_maps = class_map(targets)
    results = {}
    draw_inks(model, hints[:1, ..., 0])   # compiled before the clock starts
    began = time.perf_counter()
    actions, _ = draw_inks(model, hints[..., 0])
    found = [rooms_of(model.renderer, a, size, model.facts, h[..., 0]) if looks_like_plan(h[..., 0]) else (a[:0], [])
             for a, h in zip(actions, hints)]
    ours_time = (time.perf_counter() - began) / count
    results["ours"], shown = _our_scores(model, found, rooms, truth_maps)
    results["ours"]["s_per_plan"] = ours_time
    unsnapped = [rooms_of(model.renderer, a, size, model.facts) if looks_like_plan(h[..., 0]) else (a[:0], [])
                 for a, h in zip(actions, hints)]
    results["ours, drawer's boxes"] = _our_scores(model, unsnapped, rooms, truth_maps)[0]   # before walls.py

    agnostic, sheets = BoxCounts(), [make_plan(TEST_SEED + i, style).plan for i in range(count)]
    began = time.perf_counter()
    found = [classical_boxes(sheet) for sheet in sheets]
    results["classical"] = {"s_per_plan": (time.perf_counter() - began) / count, "typed_f1": None, "miou": None}
    for boxes, true_rooms in zip(found, rooms):
        agnostic.add(boxes, _truth(true_rooms)[0])
    results["classical"].update(agnostic.scores())

    if segmenter is not None:
        from floorplan_segmenter import segment
        seg_size = segmenter_size or size
        seg_hints = pooled(hints / np.float32(255), seg_size)   # the plans at the segmenter's own size
        segment(segmenter, seg_hints[:64])   # compiled before the clock starts
        began = time.perf_counter()
        predicted = np.concatenate([np.asarray(segment(segmenter, seg_hints[i:i + 64])) for i in range(0, count, 64)])
        agnostic, typed, seg = BoxCounts(), BoxCounts(), SegmentationCounts()
        for classes, true_rooms, truth in zip(predicted, rooms, truth_maps):
            boxes, kinds = region_boxes(classes, SHEET / seg_size)
            gt_boxes, gt_types = _truth(true_rooms)
            agnostic.add(boxes, gt_boxes)
            typed.add(boxes, gt_boxes, kinds, gt_types)
            seg.add(np.kron(classes, np.ones((size // seg_size,) * 2, int)), truth)   # scored at the model size
        results["segmenter"] = {**agnostic.scores(), "typed_f1": typed.scores()["f1"], "miou": seg.miou(),
                                "s_per_plan": (time.perf_counter() - began) / count}
    sheet_rows = [(hints[i, ..., 0], targets[i], shown[i]) for i in range(len(shown))]
    return results, sheet_rows


def contact_sheet(rows) -> np.ndarray:
    """Per plan: plan | target | our rooms with the plan's lines over them."""
    tiles = []
    for ink, target, drawn in rows:
        lines = 1 - ink[..., None].astype(np.float32) / 255
        tiles += [np.repeat(lines, 3, -1), target / np.float32(255), drawn * lines]
    return pictures.contact_sheet(tiles, columns=6)


def data_sheet(seeds=range(TEST_SEED, TEST_SEED + 4)) -> np.ndarray:
    """Held-out plans in every style, each beside its target: one row per style."""
    tiles = []
    for style in ("train", "scanned", "unseen"):
        for seed in seeds:
            plan = make_plan(seed, style)
            tiles += [np.repeat(np.asarray(plan.plan, np.float32)[..., None] / 255, 3, -1),
                      np.asarray(plan.target, np.float32) / 255]
    return pictures.contact_sheet(tiles, columns=2 * len(seeds))


def _room_counts(text: str) -> tuple[int, int]:
    """--rooms LO-HI, checked as the `floorplans:N::LO-HI` source checks it."""
    counts = count_range(text, ROOM_COUNTS)
    if counts is None:
        raise argparse.ArgumentTypeError(f"need {ROOM_COUNTS[0]} <= LO <= HI <= {ROOM_COUNTS[1]}, got {text!r}")
    return counts


def _cell(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="floorplans")
    parser.add_argument("--segmenter", help="weights from scripts/floorplan_segmenter.py")
    parser.add_argument("--segmenter-size", type=int, default=64,
                        help="px a side the segmenter was trained at (its --size; default 64)")
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--styles", default="train,unseen,scanned")
    parser.add_argument("--rooms", type=_room_counts,
                        help="LO-HI: plans of that many rooms only (e.g. 2-3, a curriculum stage's)")
    parser.add_argument("--sheet", help="write a contact sheet of held-out plans (train style) here")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--data-sheet", help="write held-out plans of each style beside their targets here")
    args = parser.parse_args()
    if args.data_sheet:
        Image.fromarray(np.round(data_sheet() * 255).astype(np.uint8)).save(args.data_sheet)
    model = load_model(args.model)
    segmenter = None
    if args.segmenter:
        from floorplan_segmenter import load
        segmenter = load(args.segmenter)
    print("| style | method | box P | box R | box F1 | typed F1 | mIoU | corner px | rooms/plan | ms/plan |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    everything = {}
    for style in args.styles.split(","):
        results, rows = bench_style(model, segmenter, style, args.plans, args.rooms, args.segmenter_size)
        everything[style] = results
        for method, r in results.items():
            print(f"| {style} | {method} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                  f"{_cell(r['typed_f1'])} | {_cell(r['miou'])} | {r['corner_error']:.2f} | "
                  f"{_cell(r.get('rooms_per_plan'), 2)} | {_cell(r['s_per_plan'] and r['s_per_plan'] * 1000, 1)} |", flush=True)
        if args.sheet and style == "train":
            Image.fromarray(np.round(contact_sheet(rows) * 255).astype(np.uint8)).save(args.sheet)
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
