"""The `vectorize --report` gallery opened in a real browser (headless Chromium): every picture it
links loads, and it stays small because nothing is embedded."""

import json
import re
import shutil
import subprocess

import pytest
from PIL import Image, ImageDraw

from canvasdraw.cli.main import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHECK = """<!DOCTYPE html><html><body><iframe id="gallery" src="index.html"></iframe><pre id="result">pending</pre>
<script>
document.getElementById("gallery").onload = function () {
  const images = Array.from(this.contentDocument.images);
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute("src"));
  const shapes = images.map(i => [i.naturalWidth, i.naturalHeight, i.width, i.height]);
  document.getElementById("result").textContent = JSON.stringify({count: images.length, broken, shapes});
};
</script></body></html>"""

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package chromium; .ci/run installs it)")]


def open_in_chromium(gallery_dir, tmp_path) -> dict:
    """What headless Chromium saw of every <img> of gallery_dir/index.html."""
    (gallery_dir / "check.html").write_text(CHECK)
    page = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--allow-file-access-from-files", "--virtual-time-budget=5000",
         "--dump-dom", (gallery_dir / "check.html").as_uri()], capture_output=True, text=True, timeout=120).stdout
    return json.loads(re.search(r'<pre id="result">(.*?)</pre>', page, re.S).group(1).replace("&quot;", '"'))


def test_every_gallery_picture_loads_in_chromium_with_its_aspect_ratio(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, size in enumerate([(64, 64), (160, 80), (60, 120)]):
        image = Image.new("L", size, 255)
        ImageDraw.Draw(image).line([(10, 10), (size[0] - 10, size[1] - 10)], fill=0, width=6)
        image.save(inputs / f"line {i}.png")  # a space in the name must survive the links
    out = tmp_path / "out"
    # The sliding drawer draws each picture at its own size, so the pictures are not square.
    assert main(["vectorize", str(inputs), "-o", str(out), "--report", "--model", "sliding_10lstm",
                 "--drawer", "sliding"]) == 0
    seen = open_in_chromium(out, tmp_path)
    assert seen["count"] == 9 and seen["broken"] == []
    assert {round(w / h, 2) for w, h, _, _ in seen["shapes"]} == {1.0, 2.0, 0.5}
    for natural_w, natural_h, shown_w, shown_h in seen["shapes"]:
        assert abs(shown_w / shown_h - natural_w / natural_h) < 0.05  # not squashed
    # A missing picture is caught.
    (out / "line 1_overlay.png").unlink()
    assert open_in_chromium(out, tmp_path)["broken"] == ["line%201_overlay.png"]
