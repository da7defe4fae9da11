"""The `vectorize --report` gallery: OUTDIR/index.html, linking each input's files beside its
scores. Pictures are linked, not embedded, so a gallery of 1,000 inputs stays small: the
re-render and overlay are the vectorize outputs themselves, and the model's view of each input is
a thumbnail (at most THUMBNAIL px a side) in OUTDIR/gallery/. Pictures keep their aspect ratio."""

from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import quote

import numpy as np
from PIL import Image

from canvasdraw import pictures
from canvasdraw.files import write_atomic

THUMBNAIL = 256
HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>canvasdraw vectorize: {title}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 6px 12px; text-align: left; vertical-align: middle; }}
img {{ height: 160px; width: auto; image-rendering: pixelated; border: 1px solid #ccc; }}
.warning {{ color: #a33; }}
</style></head><body>
<h1>canvasdraw vectorize</h1>
<p>{summary}</p>
<table>
<tr><th>input (as the model sees it)</th><th>real re-render</th><th>strokes over the input</th><th>L2 of the SVG</th>
<th>empty drawing L2</th><th>ink explained</th><th>strokes</th></tr>
{rows}
</table></body></html>
"""


def _thumbnail(ink: np.ndarray) -> bytes:
    """The model's view (H, W) uint8 ink as black on white, shrunk to at most THUMBNAIL px a side."""
    image = Image.fromarray(255 - ink)
    image.thumbnail((THUMBNAIL, THUMBNAIL), Image.BILINEAR)
    return pictures.png_bytes(np.asarray(image, np.float32) / 255)


def _link(name: str) -> str:
    """A file name as a URL path, whatever bytes it holds."""
    return quote(os.fsencode(name))


def _shown(text: str) -> str:
    """Text for the page: names that are not valid UTF-8 show replacement characters."""
    return html.escape(os.fsencode(text).decode("utf-8", "replace"))


def _row(row: dict) -> str:
    stem = _shown(row["stem"])
    sources = [f"gallery/{row['stem']}.png", f"{row['stem']}.png", f"{row['stem']}_overlay.png"]
    cells = "".join(f'<td><img src="{_link(src)}" alt="{stem}"></td>' for src in sources)
    explained = "—" if row["explained"] is None else f"{row['explained']:.0%}"
    note = f'<br><span class="warning">{html.escape(row["warning"])}</span>' if row["warning"] else ""
    return (f'<tr>{cells}<td>{row["l2"]:.4f}</td><td>{row["blank_l2"]:.4f}</td><td>{explained}</td>'
            f'<td>{row["strokes"]}</td></tr>\n<tr><td colspan="7"><small>{_shown(row["input"])} → '
            f'<a href="{_link(row["stem"] + ".svg")}">{stem}.svg</a></small>{note}</td></tr>')


def write_report(outdir: Path, rows: list[dict], model_name: str, errors: list[str]) -> Path:
    """Writes OUTDIR/index.html (and its thumbnails) for `vectorize` rows {stem, input, l2,
    blank_l2, explained, warning, strokes, ink} whose <stem>.png and <stem>_overlay.png are in
    `outdir`; returns its path."""
    for row in rows:
        write_atomic(outdir / "gallery" / f"{row['stem']}.png", _thumbnail(row["ink"]))
    l2, blank = (sum(r[key] for r in rows) / len(rows) if rows else float("nan") for key in ("l2", "blank_l2"))
    summary = (f"{len(rows)} images, model <b>{html.escape(model_name)}</b>, mean L2 of the SVGs {l2:.4f} "
               f"(empty drawing {blank:.4f})"
               + (f"; {sum(bool(r['warning']) for r in rows)} warnings" if any(r["warning"] for r in rows) else "")
               + (f"; {len(errors)} failed: " + "; ".join(html.escape(e) for e in errors) if errors else ""))
    path = outdir / "index.html"
    write_atomic(path, HTML_PAGE.format(title=html.escape(model_name), summary=summary,
                                        rows="\n".join(map(_row, rows))))
    return path
