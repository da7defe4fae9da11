"""Floor-plan pictures from a `Layout`: the plan as users have it (black walls on white, door
gaps with swing arcs, windows, room names, fixtures) and its target, each room's floor filled
with its type's colour on black. Pillow only; fonts are the two Pillow bundles (its scalable
Aileron and its bitmap font), so every machine draws the same plans.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from canvasdraw.data.floorplans.layout import ROOM_COUNTS, Layout, Opening, Room

LABELS = {
    "living": ("LIVING ROOM", "Living room", "LIVING", "Lounge", "LIV.", "LR"),
    "bedroom": ("BEDROOM", "Bedroom 2", "Bedroom", "BED 1", "Bed", "BR"),
    "kitchen": ("KITCHEN", "Kitchen", "KIT.", "Kit", "K"),
    "bathroom": ("BATHROOM", "Bathroom", "BATH", "Bath", "WC", "BA"),
    "hall": ("HALLWAY", "Corridor", "HALL", "Hall", "Entry", "H"),
    "storage": ("STORAGE", "Storage", "Closet", "STOR.", "CL", "S"),
}


@dataclasses.dataclass(frozen=True)
class Style:
    """How plans look: wall thickness range (px on the 256 px sheet), font ("aileron": Pillow's
    scalable font at 9–13 px; "bitmap": Pillow's fixed bitmap font), fixtures drawn or not, the
    fraction of plans with scan noise (slight rotation, blur, grain, grey paper) and the range of
    room counts (fewer where the outline cannot hold more)."""

    walls: tuple[int, int] = (2, 8)
    font: str = "aileron"
    fixtures: bool = True
    noise: float = 0.25
    rooms: tuple[int, int] = ROOM_COUNTS


STYLES = {
    "train": Style(),
    "clean": Style(noise=0.0),
    "scanned": Style(noise=1.0),
    # Never seen in training: thicker walls, another font, no fixtures.
    "unseen": Style(walls=(10, 14), font="bitmap", fixtures=False, noise=0.0),
}


def _font(style: Style, rng: np.random.Generator, size: int):
    if style.font == "bitmap":
        return ImageFont.load_default_imagefont()
    return ImageFont.load_default(size=int(rng.integers(9, 14)) * size / 256)


def _gap(draw: ImageDraw.ImageDraw, layout: Layout, o: Opening) -> None:
    lo, hi = layout.wall_span(o.line)
    if o.axis == "x":
        draw.rectangle([o.start, lo, o.start + o.length - 1, hi - 1], fill=255)
    else:
        draw.rectangle([lo, o.start, hi - 1, o.start + o.length - 1], fill=255)


def _door(draw: ImageDraw.ImageDraw, layout: Layout, o: Opening) -> None:
    """Gap, leaf (open at 90°) and the quarter circle its free end sweeps."""
    _gap(draw, layout, o)
    along = o.start if o.hinge_at_start else o.start + o.length
    to_end = 1 if o.hinge_at_start else -1
    hx, hy = (along, o.line) if o.axis == "x" else (o.line, along)
    leaf = (0, o.side) if o.axis == "x" else (o.side, 0)
    closed = (to_end, 0) if o.axis == "x" else (0, to_end)
    r = o.length
    draw.line([hx, hy, hx + leaf[0] * r, hy + leaf[1] * r], fill=0, width=max(1, layout.wall // 3))
    angles = sorted(math.degrees(math.atan2(v[1], v[0])) % 360 for v in (leaf, closed))
    start, end = (270, 360) if angles == [0, 270] else angles
    draw.arc([hx - r, hy - r, hx + r, hy + r], start, end, fill=0, width=1)


def _window(draw: ImageDraw.ImageDraw, layout: Layout, o: Opening) -> None:
    """Gap with the two wall faces and a middle pane line."""
    _gap(draw, layout, o)
    lo, hi = layout.wall_span(o.line)
    for at in sorted({lo, (lo + hi) // 2, hi - 1}):
        if o.axis == "x":
            draw.line([o.start, at, o.start + o.length - 1, at], fill=0)
        else:
            draw.line([at, o.start, at, o.start + o.length - 1], fill=0)


def _fixtures(draw: ImageDraw.ImageDraw, room: Room, rng: np.random.Generator) -> None:
    """Thin-line furniture against one wall of the room's first box, by type."""
    x0, y0, x1, y1 = room.boxes[0]
    w, h = x1 - x0, y1 - y0
    if min(w, h) < 28 or rng.random() < 0.25:
        return
    pad = 2
    if room.type == "bathroom":
        tub_w = min(w - 2 * pad, 34)
        draw.rectangle([x0 + pad, y0 + pad, x0 + pad + tub_w, y0 + pad + 13], outline=0)
        draw.rounded_rectangle([x0 + pad + 3, y0 + pad + 3, x0 + pad + tub_w - 3, y0 + pad + 10], radius=3, outline=0)
        draw.ellipse([x1 - pad - 9, y1 - pad - 12, x1 - pad - 1, y1 - pad - 2], outline=0)   # toilet
        draw.rectangle([x1 - pad - 10, y1 - pad - 3, x1 - pad, y1 - pad], outline=0)
    elif room.type == "kitchen":
        length = int(max(w, h) * 0.6)
        if w >= h:
            draw.rectangle([x0 + pad, y0 + pad, x0 + pad + length, y0 + pad + 10], outline=0)
            sx, sy = x0 + pad + 3, y0 + pad + 1
        else:
            draw.rectangle([x0 + pad, y0 + pad, x0 + pad + 10, y0 + pad + length], outline=0)
            sx, sy = x0 + pad + 1, y0 + pad + 3
        for dx, dy in ((1, 1), (5, 1), (1, 5), (5, 5)):   # stove burners
            draw.ellipse([sx + dx, sy + dy, sx + dx + 2, sy + dy + 2], outline=0)
    elif room.type == "bedroom":
        bw, bh = min(24, w - 2 * pad), min(32, h - 2 * pad)
        bx = x0 + pad if rng.random() < 0.5 else x1 - pad - bw
        draw.rectangle([bx, y0 + pad, bx + bw, y0 + pad + bh], outline=0)
        draw.rectangle([bx + 2, y0 + pad + 2, bx + bw - 2, y0 + pad + 7], outline=0)    # pillows
    elif room.type == "living":
        sw = min(34, w - 2 * pad)
        draw.rectangle([x0 + pad, y1 - pad - 10, x0 + pad + sw, y1 - pad], outline=0)  # sofa
        draw.line([x0 + pad + 3, y1 - pad - 10, x0 + pad + 3, y1 - pad], fill=0)
        draw.line([x0 + pad + sw - 3, y1 - pad - 10, x0 + pad + sw - 3, y1 - pad], fill=0)


def _label(draw: ImageDraw.ImageDraw, room: Room, style: Style, rng: np.random.Generator, size: int) -> None:
    """The room's name in its largest box: the first spelling that fits, trying them from a random
    one of the three longest on (and round to the start), jittered about the box's centre;
    nothing when none fits."""
    x0, y0, x1, y1 = max(room.boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    font = _font(style, rng, size)
    names = list(LABELS[room.type])
    start = int(rng.integers(0, 3))
    for name in names[start:] + names[:start]:
        left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
        tw, th = right - left, bottom - top
        room_x, room_y = x1 - x0 - tw - 6, y1 - y0 - th - 6
        if room_x >= 0 and room_y >= 0:
            cx = x0 + 3 + room_x / 2 + rng.uniform(-0.3, 0.3) * room_x
            cy = y0 + 3 + room_y / 2 + rng.uniform(-0.3, 0.3) * room_y
            draw.text((cx - left, cy - top), name, fill=0, font=font)
            return


def draw_plan(layout: Layout, style: Style, rng: np.random.Generator) -> Image.Image:
    """The plan, mode "L", black on white, `layout.size` px square."""
    image = Image.new("L", (layout.size, layout.size), 255)
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in layout.cells:
        (a, _), (_, b) = layout.wall_span(x0), layout.wall_span(x1)
        (c, _), (_, d) = layout.wall_span(y0), layout.wall_span(y1)
        draw.rectangle([a, c, b - 1, d - 1], fill=0)
    for room in layout.rooms:
        for x0, y0, x1, y1 in room.boxes:
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=255)
    for o in layout.doors:
        _door(draw, layout, o)
    for o in layout.windows:
        _window(draw, layout, o)
    for room in layout.rooms:
        if style.fixtures:
            _fixtures(draw, room, rng)
        _label(draw, room, style, rng, layout.size)
    return image


def draw_target(layout: Layout, colors: dict[str, tuple[int, int, int]]) -> Image.Image:
    """Each room's floor in its type's 8-bit sRGB colour on black, mode "RGB"."""
    image = Image.new("RGB", (layout.size, layout.size), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    for room in layout.rooms:
        for x0, y0, x1, y1 in room.boxes:
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=tuple(colors[room.type]))
    return image


def scanned(plan: Image.Image, target: Image.Image, rng: np.random.Generator):
    """Scan noise: the same slight rotation (±2°) of plan and target, then on the plan blur,
    grain and grey paper. Returns (plan, target, angle in degrees)."""
    angle = float(rng.uniform(-2, 2))
    plan = plan.rotate(angle, Image.BILINEAR, fillcolor=255)
    target = target.rotate(angle, Image.NEAREST, fillcolor=(0, 0, 0))
    plan = plan.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 0.8))))
    paper = float(rng.uniform(215, 255))
    grey = np.asarray(plan, np.float32) / 255 * paper + rng.normal(0, 6, (plan.height, plan.width))
    return Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)), target, angle
