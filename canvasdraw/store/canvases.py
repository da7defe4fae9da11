"""Canvas weights: read from a run folder, a weights file or the weights shipped inside the
package, and written to one file.

Weights file (`.msgpack`, `export_canvas`): {"spec": CanvasSpec as JSON, "params": state dict}.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import resources
from pathlib import Path

import numpy as np
from flax import nnx, serialization

from canvasdraw.errors import UserError
from canvasdraw.files import write_atomic
from canvasdraw.nets.canvas import CanvasSpec, make_canvas
from canvasdraw.nets.frozen import FrozenCanvas, freeze
from canvasdraw.store.params import module_from_params, param_dict, shipped_names
from canvasdraw.store.runs import RunFolder

SHIPPED = resources.files("canvasdraw") / "weights"


def canvas_payload(model: nnx.Module, dtype=None) -> dict:
    """{"spec": CanvasSpec as JSON, "params": parameters}: the content of a weights file."""
    fields = dataclasses.asdict(model.spec)
    if not fields["grid"]:  # added with the grid form: left out otherwise, so earlier canvases keep their bytes
        del fields["grid"]
    return {"spec": json.dumps(fields), "params": param_dict(model, dtype)}


def canvas_from_payload(raw: dict, where: str) -> nnx.Module:
    """The canvas module of a `canvas_payload`; a one-line error naming `where` if it is not one."""
    try:
        spec = CanvasSpec.from_dict(json.loads(raw["spec"]))
        model = module_from_params(lambda: make_canvas(spec, nnx.Rngs(0)), raw["params"])
    except Exception as error:  # any decoding problem means the file is not a canvas
        raise UserError(f"{where} is not a canvas weights file ({type(error).__name__}: {error})") from None
    return model


def canvas_entry(model: nnx.Module, dtype=None) -> dict:
    """What a drawer model file stores for its canvas: {"shipped": name, "sha256": digest} when the
    canvas is byte for byte a shipped one (models then share its file), else its `canvas_payload`."""
    payload = canvas_payload(model, dtype)
    packed = serialization.msgpack_serialize(payload)
    if _shipped_weights(model.spec.renderer) == packed:
        return {"shipped": model.spec.renderer, "sha256": hashlib.sha256(packed).hexdigest()}
    return payload


def canvas_from_entry(raw: dict, where: str) -> nnx.Module:
    """The canvas module of a `canvas_entry`; a one-line error if a shipped one is missing or differs."""
    if "shipped" not in raw:
        return canvas_from_payload(raw, where)
    name = raw["shipped"]
    data = _shipped_weights(name) or b""
    if hashlib.sha256(data).hexdigest() != raw["sha256"]:
        raise UserError(f"{where} was trained through the shipped canvas {name}, which this installation "
                        f"{'has in another version' if data else 'does not have'}")
    return _read_weights(data, f"shipped canvas {name}")


def export_canvas(model: nnx.Module, path, half: bool = False) -> int:
    """Writes the canvas's spec and parameters (as float16 if `half`: half the size, loaded back
    as float32) to one `.msgpack` file; returns its size in bytes."""
    payload = serialization.msgpack_serialize(canvas_payload(model, np.float16 if half else None))
    write_atomic(Path(path), payload)
    return len(payload)


def _read_weights(data: bytes, where: str) -> nnx.Module:
    try:
        raw = serialization.msgpack_restore(data)
    except Exception as error:
        raise UserError(f"{where} is not a canvas weights file ({type(error).__name__}: {error})") from None
    return canvas_from_payload(raw, where)


def restore_canvas(workdir) -> nnx.Module:
    """The latest canvas of a canvas run folder, as a trainable module."""
    run = RunFolder.existing(workdir, "canvas")
    model = make_canvas(CanvasSpec.from_dict(run.facts["canvas"]), nnx.Rngs(0))
    run.load_latest(model)
    return model


def shipped_canvases() -> list[str]:
    """Names of the canvases shipped inside the package (renderer names)."""
    return shipped_names(SHIPPED)


def _shipped_weights(name: str) -> bytes | None:
    """The weights file of the canvas shipped as `name`, or None if none ships under that name."""
    return (SHIPPED / f"{name}.msgpack").read_bytes() if name in shipped_canvases() else None


def load_canvas(source, renderer=None) -> FrozenCanvas:
    """A frozen canvas from a run folder, a `.msgpack` weights file or a shipped name.

    If `renderer` is given, its name and version must match the canvas's.
    """
    path = Path(source)
    if path.is_dir():
        model = restore_canvas(path)
    elif path.is_file():
        model = _read_weights(path.read_bytes(), str(path))
    elif (data := _shipped_weights(str(source))) is not None:
        model = _read_weights(data, f"shipped canvas {source}")
    else:
        raise UserError(f"no canvas at {source}: not a workdir, a weights file or a shipped canvas "
                        f"({', '.join(shipped_canvases()) or 'none shipped'})")
    spec = model.spec
    if renderer is not None and (renderer.name, renderer.version) != (spec.renderer, spec.renderer_version):
        raise UserError(f"canvas {source} was trained for renderer {spec.renderer} "
                        f"v{spec.renderer_version}, not {renderer.name} v{renderer.version}")
    return freeze(model)
