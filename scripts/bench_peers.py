"""canvasdraw beside the outline tracers potrace and vtracer, on held-out line art, in one run.

    python scripts/bench_peers.py --mnist ../shared/data/mnist --drawings data/drawings --out runs/bench_peers \
        [--count 200] [--pages 8] [--mosaics 4] [--icons 4] [--sets mnist,symbols,pen,pages,mosaics,icons] \
        [--figures docs/images] [--json runs/bench_peers.json]

Peers (not dependencies of canvasdraw): potrace, the Debian package (`apt-get install potrace`; the
tracer behind Inkscape's "Trace bitmap"), and vtracer (`pip install 'canvasdraw[bench]'`). Each
runs at its defaults and at the setting of a small grid whose primitive count is closest to ours.

Data sets, all held out: `mnist` (the first COUNT MNIST-64 test digits), `symbols` (KanjiVG
characters of at most 8 strokes, test split, 64 px; needs `canvasdraw[symbols]`), `pen` (COUNT
generated pen drawings, widths 1.5–12 px at 64 px, canvasdraw.data.pen), `pages` (the first PAGES
512² held-out pages of scripts/prepare_drawings.py), `mosaics` (MOSAICS 512² pictures of 8×8 held-out
pen drawings each, pens mixed: large line art in a style the sliding drawer never saw), `icons`
(ICONS 512² pictures of 4×4 held-out KanjiVG characters drawn at 128 px: the line art of the line-art
issue's 512² row, mosaics of 16 outline icons). Each is written as black-on-white PNGs.

One process per tool over a folder (ours: `canvasdraw vectorize FOLDER -o OUT`, the default command,
process start included; on some sets also with the options of OTHER_DRAWINGS). Per tool and set: L2 — the tool's SVG drawn by cairosvg at the input's
size on white, ink = 1 − luminance, mean squared error against the input's ink (1 = ink); the
empty drawing's L2 beside it; primitives per image (our strokes; the tracers' path segments);
SVG bytes; seconds per image. On `pen`, the centreline distance: mean distance in px from points
on each tool's paths (ours: 9 points along each stroke's spine; the tracers: their segments' end
points) to the skeleton of the input's ink. A contact sheet per set: target | ours | potrace | vtracer.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cairosvg
import numpy as np
from PIL import Image
from scipy import ndimage

from canvasdraw.data.ink import ink_of
from canvasdraw.data.pen import pen_set
from canvasdraw.data.sources import load_images

ARITY = {"L": 2, "C": 6, "Q": 4, "S": 4, "T": 2, "H": 1, "V": 1, "A": 7}
POTRACE_GRID = [("-O", "0"), ("-O", "0.2"), ("-O", "1"), ("-a", "0"), ("-a", "0", "-O", "0")]
# Drawings of ours beside the default: a drawer without refinement on digits; on large pictures the
# sliding drawer with the refinement and thinning it had as the default before session 26
SLIDING = ["--model", "sliding_10lstm", "--refine", "70"]
OTHER_DRAWINGS = {"mnist": [["--model", "mnist_20lstm"]], "pages": [SLIDING], "mosaics": [SLIDING],
                  "icons": [SLIDING]}
LARGE = ("pages", "mosaics", "icons")   # sets of 512² pictures: contact sheets at 128 px
VTRACER_GRID = [dict(mode="spline"), dict(mode="polygon"), dict(length_threshold=10.0), dict(filter_speckle=16),
                dict(mode="polygon", corner_threshold=180)]


def write_inputs(name: str, inks: list[np.ndarray], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, ink in enumerate(inks):
        paths.append(folder / f"{name}_{i:04d}.png")
        Image.fromarray(255 - ink).save(paths[-1])
    return paths


def data_sets(args) -> dict[str, list[np.ndarray]]:
    """The held-out inks (H, W) uint8 of each set (module docstring)."""
    pens = pen_set(args.count + 64 * args.mosaics, "test", 64)[0]   # the `pen` set, then the mosaics' tiles
    sets = {"mnist": list(load_images(f"mnist:{args.mnist}", 64, "test").hints[:args.count, ..., 0]),
            "symbols": list(load_images("kanjivg:8", 64, "test").hints[:args.count, ..., 0]),
            "pen": list(pens[:args.count])}
    pages = sorted((args.drawings / "test").glob("*.png"))[:args.pages]
    sets["pages"] = [ink_of(Image.open(p)) for p in pages]
    tiles = pens[args.count:]   # not the `pen` set's drawings
    sets["mosaics"] = [mosaic(tiles[64 * k:64 * (k + 1)]) for k in range(args.mosaics)]
    icons = load_images("kanjivg:8", 128, "test").hints[:16 * args.icons, ..., 0]
    sets["icons"] = [mosaic(icons[16 * k:16 * (k + 1)], 4) for k in range(len(icons) // 16)]
    return sets


def mosaic(tiles: np.ndarray, across: int = 8) -> np.ndarray:
    """Tiles (across², s, s) laid out row by row into one (across·s, across·s) picture."""
    side = tiles.shape[-1]
    return tiles.reshape(across, across, side, side).transpose(0, 2, 1, 3).reshape(across * side, across * side)


def drawn_ink(svg_bytes: bytes, width: int, height: int) -> np.ndarray:
    """The SVG drawn by cairosvg at width×height on white: ink = 1 − luminance, (H, W) in [0, 1]."""
    png = cairosvg.svg2png(bytestring=svg_bytes, output_width=width, output_height=height, background_color="white")
    return 1 - np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32) / 255


def path_segments(svg_text: str) -> tuple[int, list[tuple[float, float]]]:
    """(drawing segments in the SVG's paths, their end points in user units: a path's own
    translate applied, its groups' transforms not)."""
    count, points = 0, []
    for element in re.findall(r"<path\b[^>]*>", svg_text):
        d = re.search(r'\sd="([^"]*)"', element)
        shift = re.search(r'transform="translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)"', element)
        if d is None:
            continue
        d, first = d.group(1), len(points)
        x = y = 0.0
        for letter, body in re.findall(r"([MmLlHhVvCcSsQqTtAaZz])([^MmLlHhVvCcSsQqTtAaZz]*)", d):
            numbers = [float(v) for v in re.findall(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", body)]
            kind, relative = letter.upper(), letter.islower()
            arity = 2 if kind == "M" else ARITY.get(kind, 0)
            for k in range(0, len(numbers) - arity + 1, arity) if arity else []:
                chunk = numbers[k:k + arity]
                if kind == "H":
                    x = chunk[0] + (x if relative else 0)
                elif kind == "V":
                    y = chunk[0] + (y if relative else 0)
                else:
                    x, y = chunk[-2] + (x if relative else 0), chunk[-1] + (y if relative else 0)
                count += not (kind == "M" and k == 0)
                points.append((x, y))
        if shift:
            dx, dy = map(float, shift.groups())
            points[first:] = [(px + dx, py + dy) for px, py in points[first:]]
    return count, points


def potrace_points(svg_text: str, points: list) -> list:
    """potrace writes its paths in a group scaled by (0.1, -0.1) after a translate: undo it."""
    match = re.search(r'translate\(([-\d.]+),([-\d.]+)\) scale\(([-\d.]+),([-\d.]+)\)', svg_text)
    if not match:
        return points
    tx, ty, sx, sy = map(float, match.groups())
    return [(tx + sx * x, ty + sy * y) for x, y in points]


def our_spines(record: dict) -> list:
    """9 points along each written stroke's quadratic spine, in input px (single-window records)."""
    if "actions" not in record:
        return []
    width, height = record["input_size"]
    side = max(width, height)
    t = np.linspace(0, 1, 9)[:, None]
    points = []
    for a in record["actions"]:
        p0, c, p1 = (np.array(a[k:k + 2]) * side for k in (0, 2, 4))
        curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t ** 2 * p1
        points += [(x - (side - width) / 2, y - (side - height) / 2) for x, y in curve]
    return points


def centreline_px(ink: np.ndarray, points: list) -> float | None:
    """Mean distance (px) of points (x, y) to the skeleton of the ink (pixel centres at +0.5)."""
    from skimage.morphology import skeletonize

    skeleton = skeletonize(ink >= 128)
    if not points or not skeleton.any():
        return None
    distance = ndimage.distance_transform_edt(~skeleton)
    xy = np.clip(np.floor(np.array(points)).astype(int), 0, [ink.shape[1] - 1, ink.shape[0] - 1])
    return float(distance[xy[:, 1], xy[:, 0]].mean())


def run_ours(folder: Path, out: Path, extra: list[str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "canvasdraw", "vectorize", str(folder), "-o", str(out), *extra],
                   check=True, capture_output=True)
    return time.perf_counter() - began


def run_potrace(paths: list[Path], out: Path, options: tuple) -> float:
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:  # potrace reads bitmaps (PBM), not PNG: ink at half grey and above is black
        ink = 255 - np.asarray(Image.open(path).convert("L"))
        Image.fromarray(ink < 128).convert("1").save(out / f"{path.stem}.pbm")
    began = time.perf_counter()
    subprocess.run(["potrace", "-s", *options, *[str(out / f"{p.stem}.pbm") for p in paths]], check=True)
    return time.perf_counter() - began


def run_vtracer(paths: list[Path], out: Path, options: dict) -> float:
    out.mkdir(parents=True, exist_ok=True)
    script = ("import sys, json, vtracer\nopts = json.loads(sys.argv[1])\nfor src, dst in zip(sys.argv[2::2], sys.argv[3::2]):\n"
              "    vtracer.convert_image_to_svg_py(src, dst, colormode='binary', **opts)\n")
    args = [a for p in paths for a in (str(p), str(out / f"{p.stem}.svg"))]
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, json.dumps(options), *args], check=True)
    return time.perf_counter() - began


def score(paths: list[Path], inks: list[np.ndarray], out: Path, seconds: float, kind: str) -> dict:
    """Mean L2 via cairosvg, primitives, bytes and s/image of one tool's SVGs in `out`."""
    l2, primitives, sizes, distances = [], [], [], []
    for path, ink in zip(paths, inks):
        svg_path = out / f"{path.stem}.svg"
        text = svg_path.read_text()
        height, width = ink.shape
        l2.append(np.mean((drawn_ink(text.encode(), width, height) - ink / 255) ** 2))
        sizes.append(svg_path.stat().st_size)
        segments, points = path_segments(text)
        if kind == "ours":
            record = json.loads((out / f"{path.stem}.json").read_text())
            primitives.append(len(re.findall(r"<path\b", text)))
            points = our_spines(record)
        else:
            primitives.append(segments)
            points = potrace_points(text, points) if kind == "potrace" else points
        distances.append(centreline_px(ink, points))
    known = [d for d in distances if d is not None]
    return {"l2": float(np.mean(l2)), "primitives": float(np.mean(primitives)), "bytes": float(np.mean(sizes)),
            "s_per_image": seconds / len(paths), "centreline_px": float(np.mean(known)) if known else None}


def closest(rows: list[dict], target: float) -> dict:
    return min(rows, key=lambda r: abs(np.log(max(r["primitives"], 1) / max(target, 1))))


def contact_sheet(name: str, paths: list[Path], inks: list, outs: dict[str, Path], figures: Path, cell: int) -> Path:
    """Rows of target | each tool's SVG drawn by cairosvg, `cell` px a picture, black on white."""
    rows = []
    for path, ink in list(zip(paths, inks))[:8]:
        row = [np.asarray(Image.fromarray(255 - ink).resize((cell, cell), Image.BOX))]
        for out in outs.values():
            drawn = drawn_ink((out / f"{path.stem}.svg").read_bytes(), cell, cell)
            row.append((255 - drawn * 255).astype(np.uint8))
        rows.append(np.concatenate([np.pad(c, 2, constant_values=160) for c in row], 1))
    figures.mkdir(parents=True, exist_ok=True)
    target = figures / f"peers_{name}.png"
    Image.fromarray(np.concatenate(rows, 0)).save(target)
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", required=True, help="folder with the MNIST IDX files")
    parser.add_argument("--drawings", type=Path, required=True, help="scripts/prepare_drawings.py output")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--mosaics", type=int, default=4)
    parser.add_argument("--icons", type=int, default=4)
    parser.add_argument("--figures", type=Path, default=None, help="write a contact sheet per set here")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--sets", default="mnist,symbols,pen,pages")
    args = parser.parse_args()
    if shutil.which("potrace") is None:
        sys.exit("potrace is not installed: apt-get install potrace")
    results = {}
    sets = data_sets(args)
    for name in args.sets.split(","):
        inks = sets[name]
        paths = write_inputs(name, inks, args.out / "inputs" / name)
        blank = float(np.mean([np.mean((ink / 255) ** 2) for ink in inks]))
        rows = {"ours": score(paths, inks, args.out / "ours" / name,
                              run_ours(paths[0].parent, args.out / "ours" / name, []), "ours")}
        for k, options in enumerate(OTHER_DRAWINGS.get(name, [])):
            out = args.out / f"ours_{k}" / name
            rows[f"ours {' '.join(options)}"] = score(paths, inks, out, run_ours(paths[0].parent, out, options), "ours")
        for tool, grid, runner in (("potrace", POTRACE_GRID, run_potrace), ("vtracer", VTRACER_GRID, run_vtracer)):
            tried = []
            for k, options in enumerate([None] + grid):
                out = args.out / tool / name / str(k)
                opts = (() if tool == "potrace" else {}) if options is None else options
                tried.append({**score(paths, inks, out, runner(paths, out, opts), tool),
                              "setting": "default" if options is None else str(options), "out": out})
            rows[f"{tool} default"] = tried[0]
            rows[f"{tool} at our count"] = closest(tried[1:], rows["ours"]["primitives"])
        results[name] = {"images": len(inks), "blank_l2": blank, "tools": rows}
        print(f"\n### {name}: {len(inks)} held-out images, empty drawing L2 {blank:.4f}")
        print("| tool | L2 (SVG via cairosvg) | primitives / image | bytes / image | s / image | centreline px |")
        print("|---|---|---|---|---|---|")
        for tool, r in rows.items():
            setting = f" ({r['setting']})" if r.get("setting", "default") != "default" else ""
            line = r["centreline_px"]
            print(f"| {tool}{setting} | {r['l2']:.4f} | {r['primitives']:.0f} | {r['bytes']:.0f} | "
                  f"{r['s_per_image']:.4f} | {'—' if line is None else f'{line:.2f}'} |")
        if args.figures:
            outs = {"ours": args.out / "ours" / name, "potrace": rows["potrace default"]["out"],
                    "vtracer": rows["vtracer default"]["out"]}
            sheet = contact_sheet(name, paths, inks, outs, args.figures, 128 if name in LARGE else 64)
            print(f"contact sheet: {sheet}")
    if args.json:
        for result in results.values():
            for r in result["tools"].values():
                r.pop("out", None)
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
