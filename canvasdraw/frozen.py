"""Frozen canvases: what the drawer trains through, loaded from a run folder, a weights file or
the weights shipped inside the package.

A `FrozenCanvas` is a JAX pytree (architecture static, parameters as leaves) rather than an
`nnx.Module`: it holds no `nnx.Param`, so an `nnx.Optimizer(drawer, ..., wrt=nnx.Param)` cannot
see it, and its call stops gradients at the parameters, so even a gradient taken with respect to
it is zero. Pass it to jitted functions as an argument.

Weights file (`.msgpack`, `export_canvas`): {"spec": CanvasSpec as JSON, "params": state dict}.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, serialization, struct

from canvasdraw.canvas import CanvasSpec, make_canvas, next_state
from canvasdraw.files import write_atomic
from canvasdraw.renderer import UserError

SHIPPED = resources.files("canvasdraw") / "weights"


@struct.dataclass
class FrozenCanvas:
    """A trained canvas whose parameters no optimiser can change.

    canvas(states (B,S,S,C), actions (B,D)) -> predicted next states (B,S,S,C) in [0, 1].
    """

    spec: CanvasSpec = struct.field(pytree_node=False)
    graphdef: Any = struct.field(pytree_node=False)
    params: Any

    def module(self) -> nnx.Module:
        return nnx.merge(self.graphdef, jax.lax.stop_gradient(self.params))

    def __call__(self, states, actions):
        return next_state(self.spec, states, self.module()(states, actions))


def freeze(model: nnx.Module) -> FrozenCanvas:
    graphdef, params = nnx.split(model, nnx.Param)
    return FrozenCanvas(model.spec, graphdef, params)


def param_dict(model: nnx.Module, dtype=None) -> dict:
    """A module's parameters as a plain nested dict of host arrays (for msgpack), optionally
    stored as `dtype` (e.g. float16: half the bytes; `module_from_params` casts back)."""
    params = jax.device_get(nnx.to_pure_dict(nnx.state(model, nnx.Param)))
    if dtype is not None:
        params = jax.tree.map(lambda x: np.asarray(x, dtype), params)
    return serialization.to_state_dict(params)


def module_from_params(factory, raw: dict) -> nnx.Module:
    """The module `factory()` would build, with the `param_dict` output `raw` as its parameters
    (cast to the module's dtypes). The module is only traced (`nnx.eval_shape`), so no random
    initialiser runs or compiles; raises if names or shapes differ."""
    model = nnx.eval_shape(factory)
    state = nnx.state(model, nnx.Param)
    wanted = nnx.to_pure_dict(state)

    def cast(want, got):
        got = np.asarray(got)
        if got.shape != want.shape:
            raise ValueError(f"a parameter has shape {got.shape}, the architecture wants {want.shape}")
        return jnp.asarray(got, want.dtype)

    nnx.replace_by_pure_dict(state, jax.tree.map(cast, wanted, serialization.from_state_dict(wanted, raw)))
    nnx.update(model, state)
    return model


def canvas_payload(model: nnx.Module, dtype=None) -> dict:
    """{"spec": CanvasSpec as JSON, "params": parameters}: the content of a weights file."""
    return {"spec": json.dumps(dataclasses.asdict(model.spec)), "params": param_dict(model, dtype)}


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
    from canvasdraw.training import RunFolder  # Orbax: only for run folders, not weights files

    run = RunFolder.existing(workdir, "canvas")
    model = make_canvas(CanvasSpec.from_dict(run.facts["canvas"]), nnx.Rngs(0))
    run.load_latest(model)
    return model


def shipped_canvases() -> list[str]:
    """Names of the canvases shipped inside the package (renderer names)."""
    return sorted(p.name.removesuffix(".msgpack") for p in SHIPPED.iterdir() if p.name.endswith(".msgpack"))


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
