"""Writing one input's four output files of `canvasdraw vectorize` (module docstring of
canvasdraw.vectorize.run). No JAX here, so the worker processes that write files for large
folders start quickly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from canvasdraw import pictures
from canvasdraw.files import write_atomic
from canvasdraw.render import svg
from canvasdraw.render.contract import Renderer
from canvasdraw.vectorize import advice
from canvasdraw.vectorize.economy import visible
from canvasdraw.vectorize.inputs import Picture
from canvasdraw.vectorize.programs import program_outputs, writes_program

OVERLAY_SCALE = 2
PNG_LEVEL = 1  # fast zlib: writing PNGs is a large share of vectorize's time
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
SIZE_ATTRIBUTES = re.compile(r'\s(?:viewBox|width|height)="[^"]*"')


def placed_svg(svg_text: str, picture: Picture) -> str:
    """An SVG drawn on the padded square of side max(W, H), re-framed to the input's pixels
    (the root tag's width, height and viewBox are replaced; the rest is kept as written)."""
    side = max(picture.width, picture.height)
    w, h = picture.width, picture.height
    frame = f' width="{w}" height="{h}" viewBox="{(side - w) // 2} {(side - h) // 2} {w} {h}"'

    def reframe(match):
        tag = SIZE_ATTRIBUTES.sub("", match.group(0))
        end = "/>" if tag.endswith("/>") else ">"
        return tag[:-len(end)] + frame + end

    return ROOT_TAG.sub(reframe, svg_text, count=1)


def coverage_scored(renderer: Renderer, picture: Picture) -> bool:
    """Whether a drawing is scored by its coverage alone: ink read in (S, S) and drawn in colour
    (coloured MNIST; the picture says nothing of the colour). `drawn` is then the SVG's alpha."""
    return picture.ink.ndim == 2 and renderer.channels == 3


def write_outputs(outdir: Path, renderer: Renderer, model: dict, picture: Picture, actions: np.ndarray,
                  rendered: np.ndarray, refine: int, how: dict | None = None) -> dict:
    """Writes one input's four files into `outdir` (module docstring of canvasdraw.vectorize.run);
    `rendered` is the real renderer's drawing of `actions` at the model size, drawn in one or more
    passes of the drawer's `model["steps"]` steps (canvasdraw.vectorize.single). Strokes of an `ink`
    renderer and shapes of an `over` renderer that draw nothing (canvasdraw.vectorize.economy) are
    not written. `how` (e.g. canvasdraw.vectorize.solids' notes) replaces the JSON's account of the
    drawing ("passes", "strokes_not_written"). Returns {stem,
    input, l2, blank_l2, explained, warning, strokes, files}."""
    size, drawn_by_drawer = rendered.shape[0], len(actions)
    own_target = renderer.composite == "ink" and not model.get("translates") and picture.ink.shape == (size, size)
    actions = actions[visible(renderer, actions, size, picture.ink / np.float32(255) if own_target else None)]
    if len(actions) < drawn_by_drawer:
        rendered = renderer.render(actions, size)
    square = renderer.to_svg(actions, max(picture.width, picture.height))
    # Scored as drawn by Cairo in the model's view: the file's elements on the padded square; ink
    # drawn in colour (coloured MNIST: the picture says nothing of the colour) by its coverage.
    drawn = (svg.rasterize(square, size)[..., 3:] if coverage_scored(renderer, picture) else
             svg.drawn(renderer, square, size))
    record = {"refine_steps": refine, "passes": drawn_by_drawer // model["steps"],
              "strokes_not_written": drawn_by_drawer - len(actions), **(how or {})}
    files = {}
    if writes_program(renderer):
        fields, files = program_outputs(renderer, actions, picture.stem)
        record.update(fields)
    else:
        record["actions"] = [[round(float(v), 5) for v in a] for a in actions]
    return _write(outdir, renderer, model, picture, placed_svg(square, picture), rendered, drawn, record,
                  len(actions), OVERLAY_SCALE, False, files)


def write_window_outputs(outdir: Path, renderer: Renderer, model: dict, picture: Picture, strokes,
                         rendered: np.ndarray, svg_text: str, drawer: str, refine: int,
                         drawn: np.ndarray | None = None) -> dict:
    """The same four files for a picture drawn window by window at its own size (`strokes`: a
    canvasdraw.vectorize.window_strokes.Strokes, `rendered` its re-render (H, W, C), `svg_text` its
    SVG, `refine` the Adam steps that moved its strokes, `drawn` that SVG as Cairo draws it when
    already known)."""
    windows = [{"corner_xy": [int(x), int(y)], "side": int(side),
                "actions": [[round(float(v), 5) for v in a] for a in actions]}
               for (y, x), side, actions in strokes.windows()]
    where = strokes.window_of()
    record = {"drawer": drawer, "refine_steps": refine,
              "strokes_not_written": strokes.actions.shape[0] * strokes.actions.shape[1] - strokes.written(),
              "windows": windows,
              # each chain written as one path: [window index, index in its "actions"] per stroke, in path order
              "joined": [[list(where[index]) for index, _ in members] for members, _ in strokes.chains]}
    height, width = picture.ink.shape  # the picture's own size, or its chosen working size
    if drawn is None:
        drawn = svg.drawn(renderer, svg_text, width, height)  # the file itself, drawn by Cairo
    return _write(outdir, renderer, model, picture, svg_text, rendered, drawn, record,
                  strokes.paths(), 1, True, {})


def _write(outdir, renderer, model, picture, svg_text, rendered, drawn, record, strokes, overlay_scale,
           windowed, extra_files: dict) -> dict:
    """Makes all four files' contents (and `extra_files`: {name: text}), then writes each
    atomically (OUTDIR and its parents are created with the first): a failure leaves none. `drawn` is the SVG as Cairo draws it (ink in
    the target's pixels): "l2" is its error, "raster_l2" our raster's. `model` holds the facts
    name, size, slides and data, `windowed` says how the picture was drawn (`advice.warning`)."""
    target = picture.ink.astype(np.float32) / 255   # (S, S) ink or (S, S, 3) colour
    compared = target[..., None] if target.ndim == 2 else target
    l2 = float(np.mean((drawn - compared) ** 2))
    scores = {"l2": l2, **advice.baseline(target, l2)}
    # A drawing chosen by the picture's pen (picture.choice) was sized on purpose: no advice on its size.
    scores["warning"] = advice.warning(target, scores["explained"], (picture.width, picture.height), model,
                                       windowed or bool(picture.choice))
    record = {"input": str(picture.path), "model": model["name"], "renderer": renderer.name,
              "renderer_version": renderer.version, "size": rendered.shape[0],
              "input_size": [picture.width, picture.height], **scores,
              "raster_l2": None if coverage_scored(renderer, picture) else
              float(np.mean((svg.picture_of(renderer, rendered) - compared) ** 2)), **record}
    if not writes_program(renderer):  # a program renderer writes its program instead of actions
        record["action_names"] = [p.name for p in renderer.action_spec]
    if picture.choice:
        record["choice"] = picture.choice
    contents = {
        f"{picture.stem}.svg": svg_text,
        f"{picture.stem}.png": pictures.png_bytes(renderer.to_rgb(rendered), PNG_LEVEL),
        f"{picture.stem}_overlay.png": (pictures.overlay_png(target, rendered[..., 0], overlay_scale, PNG_LEVEL)
                                        if renderer.channels == 1 else
                                        pictures.blend_png(np.broadcast_to(compared, rendered.shape),
                                                           renderer.to_rgb(rendered), overlay_scale, PNG_LEVEL)),
        f"{picture.stem}.json": json.dumps(record, indent=1) + "\n", **extra_files}
    for name, content in contents.items():
        write_atomic(outdir / name, content)
    return {"stem": picture.stem, "input": str(picture.path), **scores, "strokes": strokes, "files": list(contents)}


def write_many(jobs: list[tuple]) -> list[dict]:
    """`write_outputs` over argument tuples (one call per worker-process task)."""
    return [write_outputs(*job) for job in jobs]
