"""Floor-plan models in `vectorize`: the drawer's rectangles as labelled rooms.

A rectangle's type is the model's palette colour nearest the colour it is drawn in, and it is
written in exactly that colour; a rectangle nearer the background (black) than any room colour
is no room. A sequential drawer's rectangle is a room when it shows (`economy.visible_actions`: a
step that drew nothing, or a room drawn again over itself, is dropped). The anchors drawer's boxes
(canvasdraw.nets.anchors: many anchors per room) are merged (`merged_anchors`): a box that
AGREE-overlaps at least MIN_VOTES − 1 others of its type stands for them, as their median box,
most-supported first, unless it lies mostly inside a room already written. A room holding fewer
than MIN_VOTES anchors (a closet: 1-4) cannot get that many votes; its box stands when every
anchor inside it agrees (and at least MIN_SMALL do). For `<stem>` the files are:
  <stem>.svg          one <rect> per room in drawing order, filled with its type's colour, its
                      <title> the type; viewBox = the input's pixels
  <stem>.png          the rooms as our renderer draws them at the model size
  <stem>_overlay.png  the plan's lines over its rooms, at OVERLAY_SCALE × the model size
  <stem>.json         "rooms": [{"type", "box": [x0, y0, x1, y1]}] in input pixels (x right,
                      y down), the rectangles' actions, and a warning when no rooms are found
A picture that does not look like a plan (`looks_like_plan`: a blank page, a photo) gets no rooms.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from canvasdraw import pictures
from canvasdraw.files import write_atomic
from canvasdraw.metrics.boxes import box_intersection, box_iou
from canvasdraw.nets.anchors import anchor_centres
from canvasdraw.render.color import lab_to_rgb, normalised_lab
from canvasdraw.render.contract import Renderer
from canvasdraw.vectorize.economy import visible_actions
from canvasdraw.vectorize.inputs import Picture
from canvasdraw.vectorize.outputs import OVERLAY_SCALE, PNG_LEVEL, placed_svg
from canvasdraw.vectorize.walls import snapped_to_walls

# The merge's three settings were chosen on 200 *training* plans (seeds 0-199) with a prototype of
# the shipped drawer (docs/results.md): box F1 0.69 with (0.6, 2, 0.5), 0.83 with these. MIN_SMALL on the
# same plans with the 2026-12-03 model: box F1 0.947 without it, 0.958 / 0.963 / 0.963 with 1 / 2 / 3.
AGREE = 0.5            # IoU at which two anchors' boxes of one type are taken for the same room
MIN_VOTES = 5          # boxes (its own included) that must agree for a room to be written ...
MIN_SMALL = 2          # ... or, in a room holding fewer anchors, all of those it holds and at least this many
INSIDE = 0.3           # a merged box with more than this share of its area in a room already written is dropped
EDGE = 1 / 64          # each side of a merged box moves out this much (a pixel of the 64 px canvas): a box
                       # trained through it stops inside the last mixed pixel at a wall (room-type mIoU on
                       # 100 training plans' targets: 0.506 unmoved, 0.556 half a pixel, 0.587 one, 0.577 1.5)
PLAN_INK = (0.01, 0.6)  # a plan's share of inked pixels (walls and lines on paper)
MAX_GREY = 0.35         # a plan's share of mid-grey pixels (a photo's is larger)


def finds_rooms(facts: dict) -> bool:
    """Whether a model (its facts) is a floor-plan model, whose drawings `vectorize` writes as rooms."""
    return facts.get("task") == "floorplans"


def looks_like_plan(ink: np.ndarray) -> bool:
    """Whether a picture (ink (S, S) uint8, 255 = ink) could be a line drawing of a plan: some ink,
    not too much, and mostly black or white rather than a photo's continuous tones."""
    x = ink.astype(np.float32) / 255
    grey = np.mean((x > 0.2) & (x < 0.8))
    return PLAN_INK[0] <= np.mean(x > 0.5) <= PLAN_INK[1] and grey <= MAX_GREY


def room_types(lab: np.ndarray, palette_lab: list) -> np.ndarray:
    """Normalised LAB colours (..., 3) -> indices of the nearest palette colour (palette in CIELAB
    (L*, a*, b*) as the model records it), compared in sRGB as they are drawn; −1 where black (the
    background between rooms) is nearer than any of them."""
    drawn, colors = lab_to_rgb(np.asarray(lab, np.float32)), lab_to_rgb(normalised_lab(palette_lab))
    distances = np.linalg.norm(drawn[..., None, :] - colors, axis=-1)
    nearest = np.argmin(distances, axis=-1)
    return np.where(np.linalg.norm(drawn, axis=-1) < np.min(distances, axis=-1), -1, nearest)


def _min_first(corners: np.ndarray) -> np.ndarray:
    """Two opposite corners (N, 4) in either order -> (min x, min y, max x, max y) (N, 4)."""
    return np.concatenate([np.minimum(corners[:, :2], corners[:, 2:]), np.maximum(corners[:, :2], corners[:, 2:])], 1)


def merged_anchors(boxes: np.ndarray, types: np.ndarray, centres: np.ndarray) -> tuple[list[int], np.ndarray]:
    """The anchors drawer's boxes (N, 4) (x0, y0, x1, y1, any order), their types (N,) (−1: no
    room) and the anchors' centres (N, 2) (x, y), all as fractions of the picture -> (the indices of the boxes that stand for rooms, most-supported first, and their
    written boxes (R, 4) (min corner, max corner): the median of the boxes they agree with, each
    side moved out by EDGE)."""
    boxes = _min_first(boxes)
    agree = (box_iou(boxes, boxes) > AGREE) & (types[:, None] == types[None]) & (types[:, None] >= 0)
    votes = agree.sum(axis=1)
    chosen, written = [], []
    for i in np.argsort(-votes, kind="stable"):
        if votes[i] < MIN_SMALL:
            break
        box = np.median(boxes[agree[i]], axis=0)
        inside = np.sum(np.all((centres >= box[:2]) & (centres <= box[2:]), axis=1))
        if votes[i] < min(MIN_VOTES, max(MIN_SMALL, inside)):
            continue
        area = np.prod(box[2:] - box[:2])
        shared = box_intersection(box, np.array(written).reshape(-1, 4))
        if area > 0 and shared.max(initial=0.0) <= INSIDE * area:
            chosen.append(int(i))
            written.append(box)
    written = np.array(written, np.float32).reshape(-1, 4)
    return chosen, np.clip(written + np.array([-EDGE, -EDGE, EDGE, EDGE], np.float32), 0, 1)


def rooms_of(renderer: Renderer, actions: np.ndarray, size: int, facts: dict,
             ink: np.ndarray | None = None) -> tuple[np.ndarray, list[dict]]:
    """(the rooms' actions (R, D), each coloured exactly in its type's palette colour, and the
    rooms [{"type", "box"}] with boxes as fractions of the square, min corner first), in drawing
    order. With the plan's `ink` (S, S) (uint8, 255 = ink), each side is moved onto its wall
    (canvasdraw.vectorize.walls)."""
    color = slice(at := [p.name for p in renderer.action_spec].index("L"), at + 3)   # the LAB_SPEC components
    types = room_types(actions[:, color], facts["palette_lab"]) if len(actions) else np.zeros(0, int)
    if facts.get("variant") == "anchors":
        chosen, boxes = merged_anchors(actions[:, :4], types, np.asarray(anchor_centres(math.isqrt(len(actions)))))
        kept, types = actions[chosen].copy(), types[chosen]
    else:
        shown = [i for i in visible_actions(renderer, actions, size) if types[i] >= 0]
        kept, types = actions[shown].copy(), types[shown]
        boxes = _min_first(kept[:, :4])
    if ink is not None:
        boxes = snapped_to_walls(boxes, ink)
    kept[:, :4] = boxes
    palette = normalised_lab(facts["palette_lab"])
    kept[:, color] = palette[types]
    rooms = [{"type": facts["room_types"][t], "box": [float(v) for v in box]} for box, t in zip(boxes, types)]
    return kept, rooms


def _rooms_svg(renderer: Renderer, actions: np.ndarray, rooms: list[dict], side: int) -> str:
    root = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {side} {side}")
    for action, room in zip(actions, rooms):
        rect = ET.fromstring(renderer.svg_element(action, side))
        ET.SubElement(rect, "title").text = room["type"]
        root.append(rect)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def _overlay(ink: np.ndarray, rendered: np.ndarray) -> np.ndarray:
    """The rooms lightened on white, the plan's lines in black over them, (S·k, S·k, 3)."""
    covered = rendered.max(axis=-1, keepdims=True) > 0
    colour = np.where(covered, 0.45 + 0.55 * rendered, 1.0)
    picture = colour * (1 - ink[..., None].astype(np.float32) / 255)
    return np.kron(picture, np.ones((OVERLAY_SCALE, OVERLAY_SCALE, 1), np.float32))


def write_room_outputs(outdir: Path, renderer: Renderer, model: dict, picture: Picture, actions: np.ndarray) -> dict:
    """Writes one plan's four files (module docstring); returns {stem, input, rooms, warning, files}."""
    size = picture.ink.shape[0]
    plan = looks_like_plan(picture.ink)
    drawn, rooms = rooms_of(renderer, actions, size, model, picture.ink) if plan else (actions[:0], [])
    side = max(picture.width, picture.height)
    dx, dy = (side - picture.width) // 2, (side - picture.height) // 2   # where square_ink put the picture
    inside = []
    for action, room in zip(drawn, rooms):   # fractions of the padded square -> the input's pixels
        x0, y0, x1, y1 = room["box"]
        room["box"] = [round(float(np.clip(v * side - d, 0, limit)), 2) for v, d, limit in
                       ((x0, dx, picture.width), (y0, dy, picture.height), (x1, dx, picture.width),
                        (y1, dy, picture.height))]
        if room["box"][2] > room["box"][0] and room["box"][3] > room["box"][1]:   # not all in the padding
            inside.append((action, room))
    drawn = np.array([a for a, _ in inside]).reshape(-1, actions.shape[1])
    rooms = [room for _, room in inside]
    warning = None if rooms else ("no rooms found: the picture does not look like a plan drawing (black walls "
                                  "on white)" if not plan else "no rooms found")
    rendered = renderer.render(drawn, size) if len(drawn) else renderer.blank(size)
    record = {"input": str(picture.path), "model": model["name"], "renderer": renderer.name,
              "renderer_version": renderer.version, "size": size, "input_size": [picture.width, picture.height],
              "rooms": rooms, "warning": warning, "action_names": [p.name for p in renderer.action_spec],
              "actions": [[round(float(v), 5) for v in action] for action in drawn],
              "unwritten_actions": len(actions) - len(drawn)}
    contents = {
        f"{picture.stem}.svg": placed_svg(_rooms_svg(renderer, drawn, rooms, side), picture),
        f"{picture.stem}.png": pictures.png_bytes(renderer.to_rgb(rendered), PNG_LEVEL),
        f"{picture.stem}_overlay.png": pictures.png_bytes(_overlay(picture.ink, rendered), PNG_LEVEL),
        f"{picture.stem}.json": json.dumps(record, indent=1) + "\n"}
    for name, content in contents.items():
        write_atomic(outdir / name, content)
    return {"stem": picture.stem, "input": str(picture.path), "rooms": len(rooms), "warning": warning,
            "files": list(contents)}


def write_room_many(jobs: list[tuple]) -> list[dict]:
    """`write_room_outputs` over argument tuples (one call per worker-process task)."""
    return [write_room_outputs(*job) for job in jobs]
