"""How far each renderer's SVG is from its raster: the image two independent SVG renderers draw
from `to_svg` (cairosvg, and resvg if `pip install 'canvasdraw[bench]'`) vs the raster, as the
mean squared difference of the pictures on white, over prior episodes of 20 actions.

    python scripts/check_svg_agreement.py [--episodes 200] [--sizes 64,512]

The SVG (transparent background) is composited on the picture of the renderer's blank state,
and the raster is shown the same way: black ink on white for one-channel renderers, `to_rgb`
(sRGB) for colour ones. Prints mean and worst episode per renderer and size, and the two SVG
renderers against each other (their own anti-aliasing differs).
"""

import argparse
import io

import numpy as np
from PIL import Image

from canvasdraw.data.rollouts import RolloutSpec, episode_actions
from canvasdraw.render import svg
from canvasdraw.render.registry import entry_points, load_renderer

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


def resvg_rgba(text: str, size: int) -> np.ndarray:
    png = bytes(resvg_py.svg_to_bytes(svg_string=text, width=size, height=size))
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), np.float32) / 255


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--sizes", default="64,512")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pairs = ["raster vs cairosvg"] + (["raster vs resvg", "cairosvg vs resvg"] if resvg_py else [])
    print("| renderer | size | " + " | ".join(f"{p}: mean (worst)" for p in pairs) + " |")
    print("|---" * (len(pairs) + 2) + "|")
    for name in sorted(entry_points()):
        renderer = load_renderer(name)
        for size in sizes:
            spec = RolloutSpec(renderer, size, seed=0, episode_length=20)
            errors = {p: [] for p in pairs}
            background = picture(renderer, renderer.blank(size))
            for episode in range(args.episodes):
                actions = episode_actions(spec, episode)
                text = renderer.to_svg(actions, size)
                raster = picture(renderer, renderer.render(actions, size))
                cairo = composited(svg.rasterize(text, size), background)
                errors["raster vs cairosvg"].append(np.mean((raster - cairo) ** 2))
                if resvg_py:
                    other = composited(resvg_rgba(text, size), background)
                    errors["raster vs resvg"].append(np.mean((raster - other) ** 2))
                    errors["cairosvg vs resvg"].append(np.mean((cairo - other) ** 2))
            cells = " | ".join(f"{np.mean(v):.1e} ({np.max(v):.1e})" for v in errors.values())
            print(f"| {name} | {size} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
