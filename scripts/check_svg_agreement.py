"""How far each renderer's SVG is from its raster: the image two independent SVG renderers draw
from `to_svg` (cairosvg, and resvg if `pip install 'canvasdraw[bench]'`) vs the raster, as the
mean squared difference of the pictures on white, over prior episodes of 20 actions — and over
the files `canvasdraw vectorize` writes with every shipped model (`<stem>.svg` vs `<stem>.png`).

    python scripts/check_svg_agreement.py [--episodes 200] [--sizes 64,512]
    python scripts/check_svg_agreement.py --models --mnist DIR --drawings DATA [--images 200]

--models vectorizes held-out inputs of each shipped model's kind (MNIST-64 test digits for
`mnist:` models, KanjiVG `kanjivg:8` test symbols, the held-out 512² pages of
scripts/prepare_drawings.py for sliding models) and compares each written SVG, rasterised at
the input's size by each SVG renderer, with the PNG written beside it and with the input: the
L2 of the PNG and of the SVG against the input's ink, beside the empty drawing's.

The SVG (transparent background) is composited on the picture of the renderer's blank state,
and the raster is shown the same way: black ink on white for one-channel renderers, `to_rgb`
(sRGB) for colour ones. Prints mean and worst episode per renderer and size, and the two SVG
renderers against each other (their own anti-aliasing differs).
"""

import argparse
import io
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from canvasdraw.data.rollouts import RolloutSpec, episode_actions
from canvasdraw.data.sources import load_images
from canvasdraw.render import svg
from canvasdraw.render.registry import entry_points, load_renderer
from canvasdraw.store.models import load_model, shipped_models
from canvasdraw.vectorize.run import vectorize

try:
    import resvg_py
except ImportError:  # the bench extra is not installed
    resvg_py = None


def picture(renderer, state: np.ndarray) -> np.ndarray:
    """A state as a user sees it: one-channel ink as black on white, colour states as sRGB."""
    return 1 - np.repeat(state, 3, -1) if renderer.channels == 1 else renderer.to_rgb(state)


def composited(rgba: np.ndarray, background: np.ndarray) -> np.ndarray:
    """RGBA (S, S, 4) in [0, 1] painted over an RGB background (S, S, 3)."""
    return rgba[..., :3] * rgba[..., 3:] + background * (1 - rgba[..., 3:])


PAIRS = ["raster vs cairosvg"] + (["raster vs resvg", "cairosvg vs resvg"] if resvg_py else [])


def header(first: str, second: str) -> None:
    print(f"| {first} | {second} | " + " | ".join(f"{p}: mean (worst)" for p in PAIRS) + " |")
    print("|---" * (len(PAIRS) + 2) + "|")


def compare(errors: dict, raster: np.ndarray, text: str, background: np.ndarray) -> dict:
    """Adds one picture's squared differences (raster vs each SVG renderer) to `errors`; returns
    the SVG as each SVG renderer draws it on `background` {"cairosvg": (H, W, 3), ...}."""
    height, width = raster.shape[:2]
    drawn = {"cairosvg": composited(svg.rasterize(text, width, height), background)}
    errors["raster vs cairosvg"].append(np.mean((raster - drawn["cairosvg"]) ** 2))
    if resvg_py:
        png = bytes(resvg_py.svg_to_bytes(svg_string=text, width=width, height=height))
        drawn["resvg"] = composited(np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), np.float32) / 255,
                                    background)
        errors["raster vs resvg"].append(np.mean((raster - drawn["resvg"]) ** 2))
        errors["cairosvg vs resvg"].append(np.mean((drawn["cairosvg"] - drawn["resvg"]) ** 2))
    return drawn


def cells(errors: dict) -> str:
    return " | ".join(f"{np.mean(v):.1e} ({np.max(v):.1e})" for v in errors.values())


def held_out_inputs(facts: dict, folder: Path, args) -> bool:
    """Writes held-out inputs for a model trained on `facts["data"]` into `folder` as black-on-white
    PNGs; False when this kind of data was not given."""
    if facts.get("slides"):
        if not args.drawings:
            return False
        for page in sorted((args.drawings / "test").glob("*.png"))[:args.pages]:
            (folder / page.name).write_bytes(page.read_bytes())
        return True
    data = facts["data"]
    source = (f"mnist:{args.mnist}" if data.lower().startswith("mnist") and args.mnist else
              "kanjivg:8" if data.lower().startswith("kanjivg") else None)
    if source is None:
        return False
    for i, ink in enumerate(load_images(source, 64, "test").hints[:args.images, ..., 0]):
        Image.fromarray(255 - ink).save(folder / f"{i:05d}.png")  # hints are uint8 ink
    return True


def model_outputs(args) -> None:
    """Per shipped model: the L2 against the input of the PNG and of the SVG (drawn by each SVG
    renderer) that vectorize writes, the empty drawing's L2, and the pairwise differences."""
    scores = ["blank", "PNG", "SVG by cairosvg"] + (["SVG by resvg"] if resvg_py else [])
    print("| shipped model | inputs | " + " | ".join(f"L2 of the {s}" for s in scores) + " | "
          + " | ".join(f"{p}: mean (worst)" for p in PAIRS) + " |")
    print("|---" * (len(scores) + len(PAIRS) + 2) + "|")
    for name in args.model_names.split(",") if args.model_names else shipped_models():
        model = load_model(name)
        with tempfile.TemporaryDirectory() as tmp:
            inputs, out = Path(tmp) / "in", Path(tmp) / "out"
            inputs.mkdir()
            if not held_out_inputs(model.facts, inputs, args):
                print(f"| {name} | (no held-out data given) |")
                continue
            rows, _ = vectorize([str(inputs)], out, model, progress=False)
            errors, l2 = {p: [] for p in PAIRS}, {s: [] for s in scores}
            for row in rows:
                ink = 1 - np.asarray(Image.open(row["input"]).convert("L"), np.float32) / 255
                png = 1 - np.asarray(Image.open(out / f"{row['stem']}.png").convert("L"), np.float32) / 255
                text = (out / f"{row['stem']}.svg").read_text()
                drawn = compare(errors, png[..., None], text, np.ones_like(png[..., None]))
                l2["blank"].append(np.mean(ink ** 2))
                l2["PNG"].append(np.mean((1 - png - ink) ** 2))
                for renderer_name, picture_on_white in drawn.items():
                    l2[f"SVG by {renderer_name}"].append(np.mean((1 - picture_on_white[..., 0] - ink) ** 2))
            print(f"| {name} | {len(rows)} | " + " | ".join(f"{np.mean(v):.4f}" for v in l2.values()) + " | "
                  + cells(errors) + " |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--sizes", default="64,512")
    parser.add_argument("--models", action="store_true", help="compare the files vectorize writes instead")
    parser.add_argument("--model-names", help="comma-separated models (names, files or run folders) for --models "
                        "(default: every shipped one)")
    parser.add_argument("--mnist", type=Path, help="MNIST IDX folder (for mnist models)")
    parser.add_argument("--drawings", type=Path, help="scripts/prepare_drawings.py output (for sliding models)")
    parser.add_argument("--images", type=int, default=200, help="held-out images per single-window model")
    parser.add_argument("--pages", type=int, default=30, help="held-out pages per sliding model")
    args = parser.parse_args()
    if args.models:
        return model_outputs(args)
    sizes = [int(s) for s in args.sizes.split(",")]
    header("renderer", "size")
    for name in sorted(entry_points()):
        renderer = load_renderer(name)
        for size in sizes:
            spec = RolloutSpec(renderer, size, seed=0, episode_length=20)
            errors = {p: [] for p in PAIRS}
            background = picture(renderer, renderer.blank(size))
            for episode in range(args.episodes):
                actions = episode_actions(spec, episode)
                compare(errors, picture(renderer, renderer.render(actions, size)), renderer.to_svg(actions, size),
                        background)
            print(f"| {name} | {size} | {cells(errors)} |", flush=True)


if __name__ == "__main__":
    main()
