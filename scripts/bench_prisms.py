"""3D boxes from three views on held-out scenes: our drawer beside per-image optimisation through
the canvas (no drawer), in one run (issue: prisms and colour).

    python scripts/bench_prisms.py --model prisms --scenes 500 --figure docs/images/prisms_sheet.png

Per box-count range (1-3 and 4-6 boxes; held-out `prisms` scenes, mixed kinds) and method: box
precision / recall / F1 with one-to-one (Hungarian) matching at 3D IoU >= 0.5, mean corner error
of matched boxes (cube sides), colour error ΔE (CIELAB) of matched boxes, the L2 of the three
views drawn from the written SVG by Cairo (the empty drawing's beside it), boxes per scene and
seconds per scene.
  ours       the model's boxes that show (`vectorize.economy.visible_actions`, as `vectorize`
             writes them)
  ours + refine K  then K Adam steps on those boxes (`vectorize --refine K` before session 25),
             through what vectorize moves them through (`refinement_guide`: the canvas, for prisms)
  colour regions (+ refine K)  classical, no drawer (`vectorize.solids.colour_regions`: each box
             of a scene has its own flat colour), then the same K refinement steps
  ours: P passes   the drawer's P passes, each refined K steps (`vectorize.solids.drawer_start`);
             thinned: its nested boxes dropped where that costs no more (`solids.chosen`)
  ours + colour regions, chosen, thinned   what `vectorize` writes (`vectorize.solids`): per
             scene the cheaper of the two refined starts, then thinned
  optimised  RANDOM_BOXES random boxes (uniform actions, seed 0) moved by Adam through the same canvas for as
             many steps as fit in the `vectorize` default's time per scene, and for `--long` steps;
             the boxes that show are kept
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import jax.numpy as jnp
import numpy as np
from PIL import Image, ImageDraw

from canvasdraw import pictures
from canvasdraw.data.prisms import scene_set
from canvasdraw.metrics.prisms import SceneCounts, boxes_of
from canvasdraw.nets.optimize import optimize_actions
from canvasdraw.render import lab_to_rgb, svg
from canvasdraw.store.models import load_model
from canvasdraw.vectorize.economy import visible
from canvasdraw.vectorize.single import draw_inks, refinement_guide
from canvasdraw.vectorize.solids import PASSES, chosen, classical_start, colour_regions, drawer_start

CHUNK = 64   # scenes per compiled optimisation call
RANDOM_BOXES = 6   # the baseline's boxes: the most a scene holds
EDGES = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count("1") == 1]  # cube corners by bits


def score(renderer, pictures_u8, scenes, found, size) -> dict:
    """Box, colour and SVG scores of `found` (per scene, the kept actions) against the scenes."""
    counts, l2, blank = SceneCounts(), [], []
    for picture, truth, actions in zip(pictures_u8, scenes, found):
        counts.add(actions, truth)
        target = picture.astype(np.float32) / 255
        drawn = svg.drawn(renderer, renderer.to_svg(actions, size), size)
        l2.append(np.mean((drawn - target) ** 2))
        blank.append(np.mean(target ** 2))
    return {**counts.scores(), "svg_l2": float(np.mean(l2)), "blank_l2": float(np.mean(blank)),
            "boxes_per_scene": float(np.mean([len(f) for f in found])),
            "true_boxes_per_scene": float(np.mean([len(s) for s in scenes]))}


def kept(renderer, actions: np.ndarray, size: int) -> list[np.ndarray]:
    """Each scene's boxes that `vectorize` writes (`economy.visible`)."""
    return [a[visible(renderer, a, size)] for a in actions]


def optimised(model, targets: np.ndarray, steps: int, start: np.ndarray | None = None, guide=None) -> list[np.ndarray]:
    """The boxes that show after `steps` Adam steps through `guide` (default: the canvas) from
    `start` (count, N, D) (default: the baseline's random boxes), per scene, CHUNK scenes per
    compiled call."""
    spec, renderer, count = model.drawer.spec, model.renderer, len(targets)
    if start is None:
        start = np.random.default_rng(0).random((count, RANDOM_BOXES, spec.action_dim), dtype=np.float32)
    padded = -(-count // CHUNK) * CHUNK
    targets = np.concatenate([targets, np.zeros((padded - len(targets),) + targets.shape[1:], np.float32)])
    start = np.concatenate([start, np.zeros((padded - len(start),) + start.shape[1:], np.float32)])
    blank = jnp.asarray(renderer.blank(spec.size))
    guide = model.canvas if guide is None else guide
    actions = [optimize_actions(guide, jnp.asarray(targets[k:k + CHUNK]), blank,
                                jnp.asarray(start[k:k + CHUNK]), steps)[0] for k in range(0, padded, CHUNK)]
    return kept(renderer, np.concatenate([np.asarray(a) for a in actions])[:count], spec.size)


def wireframe(actions: np.ndarray, side: int = 128) -> np.ndarray:
    """Boxes as coloured wireframes in an oblique (cabinet) view, depth z receding up and to the
    right, (side, side, 3) on white."""
    image = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(image)
    for box, action in zip(boxes_of(actions), actions):
        corners = np.array([[box[3 * (k >> i & 1) + i] for i in range(3)] for k in range(8)])  # (8, xyz)
        x = 0.1 + 0.62 * corners[:, 0] + 0.25 * corners[:, 2]
        y = 0.28 + 0.62 * corners[:, 1] - 0.25 * corners[:, 2]
        color = tuple(int(v) for v in np.round(lab_to_rgb(action[6:9]) * 255))
        for a, b in EDGES:
            draw.line([(x[a] * side, y[a] * side), (x[b] * side, y[b] * side)], fill=color, width=2)
    return np.asarray(image, np.float32) / 255


def figure(path: str, renderer, pictures_u8, scenes, found, size: int) -> None:
    """Rows: views | our re-render (from the SVG) | our boxes | the true boxes."""
    tiles = []
    upscale = lambda x: np.asarray(Image.fromarray(np.round(x * 255).astype(np.uint8)).resize((128, 128), Image.NEAREST),  # noqa: E731
                                   np.float32) / 255
    for picture, truth, actions in zip(pictures_u8, scenes, found):
        drawn = svg.drawn(renderer, renderer.to_svg(actions, size), size)
        tiles += [upscale(picture / 255), upscale(drawn), wireframe(actions), wireframe(truth)]
    Image.fromarray(np.round(pictures.contact_sheet(tiles, columns=4, min_tile=128) * 255).astype(np.uint8)).save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="prisms")
    parser.add_argument("--scenes", type=int, default=500, help="held-out scenes per box-count range")
    parser.add_argument("--ranges", default="1-3,4-6")
    parser.add_argument("--long", type=int, default=300, help="the baseline's longer run, in Adam steps")
    parser.add_argument("--refine", type=int, nargs="*", default=[100], help="refinement steps after the drawer")
    parser.add_argument("--figure", help="PNG: views | re-render | our boxes | true boxes (3 scenes a range, as "
                                         "drawn with the first --refine)")
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    model = load_model(args.model)
    renderer, size = model.renderer, model.drawer.spec.size
    results, rows = {}, []   # rows: the figure's first scenes of each range, drawn as vectorize writes them
    for span in args.ranges.split(","):
        low, high = map(int, span.split("-"))
        images, scenes = scene_set(renderer, args.scenes, "test", "mixed", (low, high), size)
        targets = images.astype(np.float32) / 255
        draw_inks(model, images)   # compiled before the clock starts
        began = time.perf_counter()
        actions, _ = draw_inks(model, images)
        ours = kept(renderer, actions, size)
        ours_time = (time.perf_counter() - began) / len(images)
        results[span] = {"ours": {**score(renderer, images, scenes, ours, size), "s_per_scene": ours_time}}
        guide = refinement_guide(model)   # as `vectorize --refine` moves them
        began = time.perf_counter()
        regions = np.stack([colour_regions(picture) for picture in targets])
        regions_time = (time.perf_counter() - began) / len(images)
        results[span]["colour regions"] = {**score(renderer, images, scenes, kept(renderer, regions, size), size),
                                           "s_per_scene": regions_time}
        starts = {"ours": (actions, ours_time), "colour regions": (regions, regions_time)}
        for (name, (start, start_time)), steps in itertools.product(starts.items(), args.refine):
            # `vectorize --refine K` before session 25: the boxes, then K Adam steps
            optimised(model, targets[:CHUNK], steps, start[:CHUNK], guide)
            began = time.perf_counter()
            refined = optimised(model, targets, steps, start, guide)
            results[span][f"{name} + refine {steps}"] = {**score(renderer, images, scenes, refined, size),
                                                         "s_per_scene": start_time + (time.perf_counter() - began) / len(images)}
        # `vectorize` (canvasdraw.vectorize.solids): both starts, the cheaper drawing, nested boxes dropped
        steps, timed = args.refine[0], {}
        drawer_start(model, images[:CHUNK], steps, CHUNK)   # compiled before the clock starts
        for name, make in (("drawer", lambda: drawer_start(model, images, steps, CHUNK)[0]),
                           ("classical", lambda: classical_start(model, targets, steps, CHUNK))):
            began = time.perf_counter()
            timed[name] = (make(), (time.perf_counter() - began) / len(images))
        results[span][f"ours: {PASSES} passes, refine {steps} each"] = {
            **score(renderer, images, scenes, timed["drawer"][0], size), "s_per_scene": timed["drawer"][1]}
        for name, parts in ((f"ours: {PASSES} passes, thinned", ["drawer"]),
                            ("ours + colour regions, chosen, thinned (vectorize default)", ["drawer", "classical"])):
            began = time.perf_counter()
            found, _ = chosen(model, targets, *[timed[p][0] for p in parts], batch_size=CHUNK)
            results[span][name] = {**score(renderer, images, scenes, found, size),
                                   "s_per_scene": sum(timed[p][1] for p in parts) + (time.perf_counter() - began) / len(images)}
        shown, default_time = found, results[span][name]["s_per_scene"]
        optimised(model, targets[:CHUNK], 20)   # compiled before the clock starts
        began = time.perf_counter()
        optimised(model, targets[:CHUNK], 20)
        per_step = (time.perf_counter() - began) / CHUNK / 20
        for name, steps in (("optimised (the default's time)", max(1, round(default_time / per_step))),
                            ("optimised", args.long)):
            optimised(model, targets[:CHUNK], steps)
            began = time.perf_counter()
            found = optimised(model, targets, steps)
            results[span][name] = {**score(renderer, images, scenes, found, size), "adam_steps": steps,
                                   "s_per_scene": (time.perf_counter() - began) / len(images)}
        rows += list(zip(images[:3], scenes[:3], shown[:3]))
    if args.figure:
        figure(args.figure, renderer, *zip(*rows), size)
    print("| boxes | method | P | R | F1 | corner error | ΔE | SVG L2 (blank) | boxes/scene (true) | ms/scene |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for span, methods in results.items():
        for name, r in methods.items():
            steps = f" ({r['adam_steps']} steps)" if "adam_steps" in r else ""
            print(f"| {span} | {name}{steps} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                  f"{r['corner_error']:.4f} | {r['delta_e']:.1f} | {r['svg_l2']:.4f} ({r['blank_l2']:.4f}) | "
                  f"{r['boxes_per_scene']:.2f} ({r['true_boxes_per_scene']:.2f}) | {1000 * r['s_per_scene']:.1f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
