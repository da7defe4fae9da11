"""3D boxes from three views (task `prisms`): analysis by synthesis over two starts.

A picture is drawn twice: by the drawer in PASSES passes (each pass draws its steps again from the
drawing so far, then the boxes are refined together: `single.draw_in_passes`), and from the boxes
its flat colours show (`colour_regions`, a classical reading of the views, then the same
refinement). Each picture keeps the drawing with the lower cost = the L2 of its real drawing vs
the picture + BOX_PRICE per box (fewer boxes at equal error). Then boxes nested in another are
dropped (solids never share volume), the rest refined again, and the drawing without them is kept
where its cost is not higher. docs/results.md (3D boxes, session 25) measures each part.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from canvasdraw.data.prisms import depth_order
from canvasdraw.metrics.boxes import box_intersection
from canvasdraw.metrics.prisms import boxes_of
from canvasdraw.nets.optimize import optimize_actions
from canvasdraw.render.color import cielab_of, normalised_lab, rgb_to_lab
from canvasdraw.store.models import Model
from canvasdraw.vectorize.economy import visible_actions
from canvasdraw.vectorize.single import draw_in_passes, padded_batch, refinement_guide

PASSES = 3            # drawer passes (training scenes, 1-3 boxes: F1 0.77 / 0.80 / 0.83 after 1 / 2 / 3)
BOX_PRICE = 3e-4      # L2 a box must explain to be worth drawing (chosen on training scenes)
NESTED = 0.4          # a box with this share of its volume inside a larger one is dropped
SETTLE = 30           # refinement steps after dropping boxes
MAX_REGIONS = 8       # the classical start's boxes, at most
SAME_COLOUR = 12.5    # ΔE (CIELAB) within which two colours are one box's (its fill and its edges' blends)
MIN_REGION = 3        # px a colour must cover to be a box's fill, and a view to be seen there
VIEW_SHOWS = ((0, 1), (2, 1), (0, 2))   # front, side, top: the axes along a view's columns and rows


def draws_solids(facts: dict) -> bool:
    """Whether a model's drawings are solids drawn this way (task `prisms`)."""
    return facts.get("task") == "prisms"


def colour_regions(picture: np.ndarray, most: int = MAX_REGIONS) -> np.ndarray:
    """Boxes read off a picture (S, S, 3) in [0, 1] by its colours, as `most` prisms actions
    (unused ones empty; the most frequent colours' boxes, in depth order). Each box of a scene has its own
    flat colour, so the pixels within SAME_COLOUR of one fill colour (the most frequent colours
    first, each far from the fills before it) in each view are one box's; on each axis it spans
    what the two views that show that axis span."""
    h = picture.shape[0] // 2
    views = [picture[:h, :h], picture[:h, h:], picture[h:, :h]]                   # front, side, top
    lab = [np.round(cielab_of(rgb_to_lab(v.reshape(-1, 3)))) for v in views]
    colours, counts = np.unique(np.concatenate(lab), axis=0, return_counts=True)
    fills = []   # the flat colours, most frequent first; an edge's blend of two is far from both
    frequent = np.argsort(-counts)
    for colour, count in zip(colours[frequent], counts[frequent]):
        if (count >= MIN_REGION and np.linalg.norm(colour) > SAME_COLOUR
                and all(np.linalg.norm(colour - f) > SAME_COLOUR for f in fills)):
            fills.append(colour)
    boxes = []
    for fill in fills[:most]:
        spans = [[] for _ in range(3)]                                            # per axis: (low, high) seen
        for (u, v), view in zip(VIEW_SHOWS, lab):
            inside = (np.linalg.norm(view - fill, axis=-1) < SAME_COLOUR).reshape(h, h)
            if inside.sum() >= MIN_REGION:
                rows, cols = np.nonzero(inside)
                spans[u].append((cols.min() / h, (cols.max() + 1) / h))
                spans[v].append((rows.min() / h, (rows.max() + 1) / h))
        if all(spans):
            low, high = zip(*[(min(a for a, _ in seen), max(b for _, b in seen)) for seen in spans])
            boxes.append(np.concatenate([low, high, normalised_lab([fill])[0]]))
    drawing = np.zeros((most, 9), np.float32)
    drawing[:len(boxes)] = in_depth_order(np.array(boxes, np.float32).reshape(-1, 9))
    return drawing


def in_depth_order(actions: np.ndarray) -> np.ndarray:
    """prisms actions (K, 9) reordered so that the views occlude by depth (as given when no such
    order exists)."""
    order = depth_order(boxes_of(actions)) if len(actions) > 1 else None
    return actions if order is None else actions[order]


def cost(renderer, actions: np.ndarray, picture: np.ndarray) -> float:
    """L2 of the real drawing of actions (K, 9) vs the picture (S, S, 3) + BOX_PRICE per box."""
    drawn = renderer.render(actions, picture.shape[0]) if len(actions) else renderer.blank(picture.shape[0])
    return float(np.mean((drawn - picture) ** 2)) + BOX_PRICE * len(actions)


def without_nested(actions: np.ndarray) -> np.ndarray:
    """actions (K, 9) less every box with NESTED of its volume inside a larger box, smallest
    first, in depth order."""
    kept = list(range(len(actions)))
    while True:
        boxes = boxes_of(actions[kept])
        volumes = np.prod(boxes[:, 3:] - boxes[:, :3], axis=1)
        share = box_intersection(boxes, boxes) / np.maximum(volumes[:, None], 1e-12)
        nested = [i for i in range(len(kept)) if any(share[i, j] >= NESTED and volumes[i] <= volumes[j]
                                                      for j in range(len(kept)) if j != i)]
        if not nested:
            return in_depth_order(actions[kept])
        del kept[min(nested, key=lambda i: volumes[i])]


def refined(model: Model, pictures: np.ndarray, actions: np.ndarray, moving: np.ndarray | None, steps: int,
            batch_size: int) -> list[np.ndarray]:
    """Actions (B, N, 9) after `steps` refinement steps towards pictures (B, S, S, 3) in [0, 1],
    only those `moving` (B, N) marks moving (all when None), batch_size pictures a call; each
    picture's boxes that show, in drawing order."""
    renderer, size = model.renderer, model.drawer.spec.size
    moving = np.ones(actions.shape[:2], bool) if moving is None else moving
    out = []
    for first in range(0, len(actions), batch_size):
        part = slice(first, first + batch_size)
        batch = [jnp.asarray(padded_batch(x[part], batch_size)) for x in (pictures, actions, moving)]
        moved = optimize_actions(refinement_guide(model), batch[0], jnp.asarray(renderer.blank(size)), batch[1], steps,
                                 moving=batch[2])[0]
        out += list(np.asarray(moved)[:len(actions[part])])
    return [a[visible_actions(renderer, a, size)] for a in out]


def _stacked(drawings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Drawings (K_i, 9) as actions (B, max K_i, 9) padded with empty slots, and which are boxes."""
    most = max([1] + [len(d) for d in drawings])
    actions, boxes = np.zeros((len(drawings), most, 9), np.float32), np.zeros((len(drawings), most), bool)
    for i, drawing in enumerate(drawings):
        actions[i, :len(drawing)], boxes[i, :len(drawing)] = drawing, True
    return actions, boxes


def drawer_start(model: Model, pictures_u8: np.ndarray, refine: int, batch_size: int = 64,
                 map=map) -> tuple[list[np.ndarray], list[int]]:
    """The drawer's boxes that show after up to PASSES passes (a pass is kept where it lowers the
    error), each refined `refine` steps, for pictures (B, S, S, 3) uint8: per picture (K_i, 9),
    and the passes kept."""
    drawn, _ = draw_in_passes(model, pictures_u8, refine, PASSES, batch_size, map, enough=0.0)
    spec = model.drawer.spec
    return [a[visible_actions(model.renderer, a, spec.size)] for a in drawn], [len(a) // spec.steps for a in drawn]


def classical_start(model: Model, pictures: np.ndarray, refine: int, batch_size: int = 64) -> list[np.ndarray]:
    """The `colour_regions` boxes of pictures (B, S, S, 3) in [0, 1] refined `refine` steps."""
    # its empty slots move too: held empty, this start loses F1 0.90 -> 0.73 (training scenes)
    return refined(model, pictures, np.stack([colour_regions(p) for p in pictures]), None, refine, batch_size)


def chosen(model: Model, pictures: np.ndarray, *candidates: list[np.ndarray], batch_size: int = 64,
           settle: int | None = None) -> tuple[list[np.ndarray], list[dict]]:
    """Per picture (B, S, S, 3) in [0, 1], the candidate drawing of least `cost`, then without
    its nested boxes (refined `settle` steps, default SETTLE) where that costs no more. Returns
    the drawings and per picture {"start": index of the candidate kept, "nested_dropped": boxes
    dropped}."""
    renderer = model.renderer
    starts = [int(np.argmin([cost(renderer, d, p) for d in options])) for options, p in zip(zip(*candidates), pictures)]
    drawings = [candidates[k][i] for i, k in enumerate(starts)]
    settle = SETTLE if settle is None else settle
    thinned = refined(model, pictures, *_stacked([without_nested(d) for d in drawings]), settle, batch_size)
    kept = [cost(renderer, t, p) <= cost(renderer, d, p) for d, t, p in zip(drawings, thinned, pictures)]
    notes = [{"start": s, "nested_dropped": len(d) - len(t) if k else 0}
             for s, d, t, k in zip(starts, drawings, thinned, kept)]
    return [t if k else d for d, t, k in zip(drawings, thinned, kept)], notes


def draw_solids(model: Model, pictures_u8: np.ndarray, refine: int, batch_size: int = 64,
                map=map) -> tuple[list[np.ndarray], np.ndarray, list[dict]]:
    """The boxes (module docstring) for pictures (B, S, S, 3) uint8: each picture's actions
    (K_i, 9), their real drawings (B, S, S, 3), and what was done, for the picture's JSON:
    {"start": "drawer" | "colour regions", "passes" (of the drawer, in the drawing kept),
    "strokes_not_written" (boxes dropped as nested)}."""
    renderer, size = model.renderer, model.drawer.spec.size
    pictures = pictures_u8.astype(np.float32) / 255
    drawn, passes = drawer_start(model, pictures_u8, refine, batch_size, map)
    drawings, notes = chosen(model, pictures, drawn, classical_start(model, pictures, refine, batch_size),
                             batch_size=batch_size, settle=SETTLE if refine else 0)   # --refine 0: no step at all
    states = np.stack([renderer.render(d, size) if len(d) else renderer.blank(size) for d in drawings])
    return drawings, states, [{"start": ("drawer", "colour regions")[n["start"]], "passes": passes[i] * (n["start"] == 0),
                               "strokes_not_written": n["nested_dropped"]} for i, n in enumerate(notes)]
