"""Loading experiment configs: `path/to/config.py[:variant]` plus `--config.a.b=value` overrides
(big_vision / flax-examples style: the file defines get_config(arg) -> ConfigDict)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from canvasdraw.renderer import UserError


def load_config(spec: str, overrides: list[str] = ()):
    """'configs/x.py:variant' and ['a.b=1', ...] -> ml_collections.ConfigDict."""
    path, _, variant = spec.partition(":")
    if not Path(path).is_file():
        raise UserError(f"config file {path} does not exist")
    module_spec = importlib.util.spec_from_file_location(f"canvasdraw_config_{Path(path).stem}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    try:
        config = module.get_config(variant or None)
    except ValueError as err:
        raise UserError(f"{spec}: {err}") from None
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep:
            raise UserError(f"override {item!r} must look like --config.name=value")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        try:
            config.update_from_flattened_dict({key: value})
        except (KeyError, TypeError, AttributeError) as err:
            raise UserError(f"cannot set config.{key}={text!r}: {err}") from None
    return config
