"""Module parameters as plain nested dicts of arrays (for msgpack files), and back."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, serialization


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


def shipped_names(folder) -> list[str]:
    """Names of the `.msgpack` files shipped in a package folder (importlib resources), sorted."""
    if not folder.is_dir():
        return []
    return sorted(p.name.removesuffix(".msgpack") for p in folder.iterdir() if p.name.endswith(".msgpack"))
