"""Drawer models for `vectorize`: the ones shipped inside the package and the user's own.

A model file (`.msgpack`, `export_model`) holds everything `vectorize` needs and nothing to
download: the drawer's spec and parameters, the exact canvas it was trained through (or, when that
is byte for byte a canvas shipped with the package, its name and SHA-256), and facts for
`canvasdraw models` (renderer, size, steps, training data, last held-out real L2). Shipped models
live in canvasdraw/weights/models/<name>.msgpack; a user model is a drawer run folder or an
exported model file.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path

import numpy as np
from flax import nnx, serialization

from canvasdraw.data.sources import task_facts
from canvasdraw.errors import UserError
from canvasdraw.files import write_atomic
from canvasdraw.nets.drawer import Drawer, DrawerSpec
from canvasdraw.nets.drawers import make_drawer
from canvasdraw.nets.frozen import FrozenCanvas, freeze
from canvasdraw.render.contract import Renderer
from canvasdraw.render.registry import load_renderer
from canvasdraw.store.canvases import canvas_entry, canvas_from_entry, load_canvas
from canvasdraw.store.params import module_from_params, param_dict, shipped_names
from canvasdraw.store.runs import RunFolder

SHIPPED_MODELS = resources.files("canvasdraw") / "weights" / "models"
FORMAT = "canvasdraw-drawer-model/2"  # /2 may name a shipped canvas instead of holding it
READABLE = ("canvasdraw-drawer-model/1", FORMAT)
CANVAS_FILE = "canvas.msgpack"  # a drawer run folder keeps the exact canvas it trains through


@dataclasses.dataclass(frozen=True)
class Model:
    """A drawer ready to run: drawer, its canvas, the real renderer, and its facts."""

    name: str
    drawer: Drawer
    canvas: FrozenCanvas
    renderer: Renderer
    facts: dict  # data, steps, variant, size, renderer, slides, svg_l2 and real_l2 (held-out, if known), coarse

    @property
    def translates(self) -> bool:
        """Whether its pictures are not its drawings' targets (a grey digit drawn in colour, a plan
        drawn as rooms): then there is no target to refine the drawing against."""
        return self.drawer.spec.hint_channels != self.renderer.channels


def restore_drawer(workdir) -> tuple[Drawer, FrozenCanvas, Renderer]:
    """(drawer, canvas, renderer) of a drawer run folder: the latest drawer checkpoint and the
    canvas the run was trained through (kept in the folder)."""
    run = RunFolder.existing(workdir, "drawer")
    canvas = load_canvas(run.path / CANVAS_FILE)
    drawer = make_drawer(DrawerSpec.from_dict(run.facts["drawer"]), nnx.Rngs(0))
    run.load_latest(drawer)
    return drawer, canvas, load_renderer(canvas.spec.renderer)


def _facts(name: str, run, spec: DrawerSpec) -> dict:
    """What `canvasdraw models` shows about a drawer run, the last held-out eval included."""
    data = run.facts.get("data", "?")
    facts = {"name": name, "renderer": run.facts["canvas"]["renderer"], "size": spec.size,
             "steps": spec.steps, "variant": spec.variant, "data": data,
             "slides": data.startswith("windows:"),  # trained on windows of large drawings
             **task_facts(data)}
    metrics = run.path / "metrics.jsonl"
    rows = list(map(json.loads, metrics.read_text().splitlines())) if metrics.exists() else []
    for prefix in ("final/", "eval/"):  # the whole held-out split if scored, else the last eval
        evals = [row for row in rows if f"{prefix}real_l2" in row]
        if evals:
            last = evals[-1]
            scores = {key: last[f"{prefix}{key}"] for key in ("svg_l2", "real_l2") if f"{prefix}{key}" in last}
            facts.update(scores, eval_images=int(last[f"{prefix}images"]), updates=last["step"])
            break
    return facts


def model_from_run(path: Path) -> Model:
    """The model of a drawer run folder: its latest checkpoint, canvas and facts."""
    run = RunFolder.existing(path, "drawer")
    run.close()
    drawer, canvas, renderer = restore_drawer(path)
    return Model(path.name, drawer, canvas, renderer, _facts(path.name, run, drawer.spec))


def export_model(workdir, path, name: str | None = None, data: str | None = None, half: bool = False,
                 coarse: str | None = None, slides: bool = False, scores: dict | None = None) -> int:
    """Writes a drawer run's latest drawer, its canvas and its facts to one file; returns bytes.
    `name`/`data` replace the run's folder name and data source in the facts; `half` stores the
    parameters as float16 (half the size; computation stays float32); `coarse` names the model
    that `vectorize --drawer hierarchical` uses as its coarse module; `slides` marks a drawer of
    windows trained on other data than `windows:` (e.g. `arrays:` of scripts/prepare_contexts.py)
    so that vectorize slides it by default. `scores` (e.g. a sliding drawer's page L2) join the facts."""
    model = model_from_run(Path(workdir))
    facts = {**model.facts, "name": name or model.facts["name"], "data": data or model.facts["data"],
             "slides": model.facts["slides"] or slides, **(scores or {})}
    if coarse:
        facts["coarse"] = coarse
    dtype = np.float16 if half else None
    payload = serialization.msgpack_serialize({
        "format": FORMAT, "facts": json.dumps(facts),
        "drawer": {"spec": json.dumps(dataclasses.asdict(model.drawer.spec)), "params": param_dict(model.drawer, dtype)},
        "canvas": canvas_entry(model.canvas.module(), dtype)})
    write_atomic(Path(path), payload)
    return len(payload)


def _from_file(data: bytes, where: str) -> Model:
    try:
        raw = serialization.msgpack_restore(data)
        if raw.get("format") not in READABLE:
            raise ValueError(f"format {raw.get('format')!r}")
        facts = json.loads(raw["facts"])
        spec = DrawerSpec.from_dict(json.loads(raw["drawer"]["spec"]))
        drawer = module_from_params(lambda: make_drawer(spec, nnx.Rngs(0)), raw["drawer"]["params"])
    except Exception as error:  # any decoding problem means the file is not a model
        raise UserError(f"{where} is not a canvasdraw model file ({type(error).__name__}: {error})") from None
    canvas = freeze(canvas_from_entry(raw["canvas"], where))
    renderer = load_renderer(canvas.spec.renderer)
    if renderer.version != canvas.spec.renderer_version:
        raise UserError(f"{where} was trained for renderer {renderer.name} v{canvas.spec.renderer_version}, "
                        f"installed is v{renderer.version}")
    return Model(facts["name"], drawer, canvas, renderer, facts)


def shipped_models() -> list[str]:
    """Names of the models shipped inside the package."""
    return shipped_names(SHIPPED_MODELS)


def load_model(source: str) -> Model:
    """A model from a shipped name, a drawer run folder or a model file."""
    path = Path(source)
    if path.is_dir():
        return model_from_run(path)
    if path.is_file():
        return _from_file(path.read_bytes(), str(path))
    if source in shipped_models():
        return _from_file((SHIPPED_MODELS / f"{source}.msgpack").read_bytes(), f"shipped model {source}")
    raise UserError(f"unknown model {source!r}: not a drawer run folder, a model file or a shipped model "
                    f"({', '.join(shipped_models()) or 'none shipped'})")


def describe_models(runs: Path | None = None) -> list[dict]:
    """Facts of every shipped model, then of every drawer run folder under `runs` (if given)."""
    rows = [dict(load_model(name).facts, where="shipped") for name in shipped_models()]
    for facts_file in sorted(runs.rglob("run.json")) if runs is not None and runs.is_dir() else []:
        try:
            run = RunFolder.existing(facts_file.parent, "drawer")
            run.close()
            spec = DrawerSpec.from_dict(run.facts["drawer"])
        except UserError:
            continue  # a canvas run, another version's drawer or something else
        rows.append(dict(_facts(facts_file.parent.name, run, spec), where=str(facts_file.parent)))
    return rows
