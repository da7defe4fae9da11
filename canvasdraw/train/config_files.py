"""Loading experiment configs: `path/to/config.py[:arg]` plus `--config.a.b=value` overrides
(big_vision / flax-examples style: the file defines get_config(arg) -> ConfigDict)."""

from __future__ import annotations

import ast
import difflib
import importlib.util
from pathlib import Path

from canvasdraw.errors import UserError


def _keys(config, prefix: str = "") -> list[str]:
    """Every settable dotted name of a ConfigDict, nested ones included."""
    out = []
    for key, value in config.items():
        out.append(prefix + key)
        if hasattr(value, "items"):
            out += _keys(value, f"{prefix}{key}.")
    return out


def _number_or_text(text: str):
    """'nan', 'inf', '-inf' as floats (literal_eval refuses them), anything else as the text."""
    try:
        return float(text) if text.lower().lstrip("+-") in ("nan", "inf", "infinity") else text
    except ValueError:
        return text


def load_config(spec: str, overrides: list[str] = ()):
    """'configs/x.py:arg' and ['a.b=1', ...] -> ml_collections.ConfigDict. The config is locked:
    an override naming no field of it is an error that lists the closest field names."""
    path, _, arg = spec.partition(":")
    if not Path(path).is_file():
        raise UserError(f"config file {path} does not exist")
    module_spec = importlib.util.spec_from_file_location(f"canvasdraw_config_{Path(path).stem}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    try:
        config = module.get_config(arg or None)
    except ValueError as err:
        raise UserError(f"{spec}: {err}") from None
    config.lock()
    fields = _keys(config)
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep:
            raise UserError(f"override {item!r} must look like --config.name=value")
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=3, cutoff=0.5)
            raise UserError(f"{spec} has no field {key!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = _number_or_text(text)
        try:
            config.update_from_flattened_dict({key: value})
        except (KeyError, TypeError, AttributeError) as err:
            raise UserError(f"cannot set config.{key}={text!r}: {err}") from None
    return config
