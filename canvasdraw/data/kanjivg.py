"""The KanjiVG symbol set (PyPI `kanjivg`, CC BY-SA 3.0): 11,662 characters as SVG stroke paths in
writing order, an Omniglot-like set with ground-truth strokes. Optional: `pip install
'canvasdraw[symbols]'`."""

from __future__ import annotations

import re
from importlib import metadata

from canvasdraw.data.ink import split_items
from canvasdraw.errors import UserError

STROKE_NUMBERS = re.compile(r'<g id="kvg:StrokeNumbers_.*?</g>', re.DOTALL)  # KanjiVG's grey digits
KANJI_BOX = 109  # KanjiVG's coordinate box


def kanjivg_files() -> list:
    """The KanjiVG SVG files (importlib metadata), sorted; a clear error if not installed."""
    try:
        files = metadata.files("kanjivg") or []
    except metadata.PackageNotFoundError:
        raise UserError("the kanjivg symbol set is not installed: pip install 'canvasdraw[symbols]' "
                        "(or pip install kanjivg)") from None
    return sorted((f for f in files if f.suffix == ".svg"), key=str)


def kanji_svgs(split: str, max_strokes: int | None = None) -> list[str]:
    """The SVG texts of the split's characters (of at most `max_strokes` strokes, if given), with
    the stroke-order numbers removed."""
    texts = (f.locate().read_text(encoding="utf-8") for f in kanjivg_files())
    chosen = split_items([t for t in texts if max_strokes is None or t.count("<path ") <= max_strokes], split)
    return [STROKE_NUMBERS.sub("", text) for text in chosen]
