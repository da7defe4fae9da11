"""The `vectorize --report` gallery: one self-contained HTML page (pictures inlined as data URIs)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from canvasdraw import pictures
from canvasdraw.files import write_atomic

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>canvasdraw vectorize: {title}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 6px 12px; text-align: left; vertical-align: middle; }}
img {{ width: 192px; height: 192px; image-rendering: pixelated; border: 1px solid #ccc; }}
</style></head><body>
<h1>canvasdraw vectorize</h1>
<p>{summary}</p>
<table>
<tr><th>input (as the model sees it)</th><th>real re-render</th><th>strokes over the input</th><th>L2</th><th>strokes</th></tr>
{rows}
</table></body></html>
"""


def _inline(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def write_report(outdir: Path, rows: list[dict], model_name: str, errors: list[str]) -> Path:
    """Writes OUTDIR/index.html for `vectorize` rows {stem, input, l2, strokes, ink} whose
    <stem>.png and <stem>_overlay.png are in `outdir`; returns its path."""
    lines = []
    for row in rows:
        stem = html.escape(row["stem"])
        sources = [_inline(pictures.png_bytes(1 - row["ink"] / 255)), _inline((outdir / f"{row['stem']}.png").read_bytes()),
                   _inline((outdir / f"{row['stem']}_overlay.png").read_bytes())]
        cells = "".join(f'<td><img src="{src}" alt="{stem}"></td>' for src in sources)
        lines.append(f'<tr>{cells}<td>{row["l2"]:.4f}</td><td>{row["strokes"]}</td></tr>'
                     f'<tr><td colspan="5"><small>{html.escape(row["input"])} → {stem}.svg</small></td></tr>')
    mean = sum(r["l2"] for r in rows) / len(rows) if rows else float("nan")
    summary = (f"{len(rows)} images, model <b>{html.escape(model_name)}</b>, mean L2 {mean:.4f}"
               + (f"; {len(errors)} failed: " + "; ".join(html.escape(e) for e in errors) if errors else ""))
    path = outdir / "index.html"
    write_atomic(path, HTML_PAGE.format(title=html.escape(model_name), summary=summary, rows="\n".join(lines)))
    return path
