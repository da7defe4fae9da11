"""Action files for `canvasdraw render`: a JSON list of actions in, the real raster (PNG) and its
SVG out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from canvasdraw import pictures
from canvasdraw.errors import UserError
from canvasdraw.files import write_atomic
from canvasdraw.render.contract import Renderer, check_size, validate_actions


def read_actions_file(path: str | Path) -> tuple[list, str | None]:
    """Reads an actions JSON file: a list of rows, or an object {"actions": rows, "renderer": name}.

    Returns (rows, renderer name or None). Raises UserError for unreadable or malformed files.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UserError(f"{path} is not valid JSON: {err}") from None
    if isinstance(data, dict):
        if "actions" not in data:
            raise UserError(f'{path}: a JSON object needs an "actions" list')
        return data["actions"], data.get("renderer")
    return data, None


def write_drawing(renderer: Renderer, rows, size: int, png: str | Path | None = None,
                  svg: str | Path | None = None) -> np.ndarray:
    """Validates action rows, renders them, writes the PNG and/or SVG; returns the final state.

    Everything is checked and encoded before the first byte is written, so bad input leaves
    no file behind.
    """
    actions = validate_actions(renderer, rows)
    state, svg_text = renderer.render(actions, check_size(size)), renderer.to_svg(actions, size)
    outputs = []
    if png is not None:
        outputs.append((png, pictures.png_bytes(renderer.to_rgb(state))))
    if svg is not None:
        outputs.append((svg, svg_text))
    for path, data in outputs:
        write_atomic(path, data)
    return state
