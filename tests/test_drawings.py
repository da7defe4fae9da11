"""Large line-drawing pages and the training windows cut from them (canvasdraw.data.pages)."""

import numpy as np
import pytest
from PIL import Image

from canvasdraw.data.ink import MIN_INK
from canvasdraw.data.pages import cut_windows, page_svg, read_pages, render_page
from canvasdraw.data.sources import load_images
from canvasdraw.errors import UserError

SQUARE = ["M 10 10 L 99 10 L 99 99 L 10 99 Z", "M 20 50 Q 55 0 90 50"]  # two "strokes" in KanjiVG's box


def write_pages(folder, count=3, size=256):
    for split in ("train", "test"):
        (folder / split).mkdir(parents=True)
        rng = np.random.default_rng(len(split))
        for i in range(count):
            Image.fromarray(render_page(page_svg(rng, [SQUARE], size))).save(folder / split / f"{i}.png")
    return folder


def test_a_page_is_black_line_art_on_white_and_deterministic():
    page = render_page(page_svg(np.random.default_rng(0), [SQUARE], 256))
    assert page.shape == (256, 256) and page.dtype == np.uint8
    assert np.median(page) == 255 and 0.01 < np.mean(page < 128) < 0.3
    np.testing.assert_array_equal(page, render_page(page_svg(np.random.default_rng(0), [SQUARE], 256)))


def test_windows_have_ink_and_start_from_some_of_their_halves(tmp_path):
    pages = read_pages(write_pages(tmp_path / "drawings"), "train")
    windows, starts = cut_windows(pages, 32, seed=0)
    assert windows.shape[1:] == (32, 32) and starts.shape == windows.shape and len(windows) > 10
    assert np.all(np.mean(windows > 127, axis=(1, 2)) >= MIN_INK)
    kept = starts > 0
    np.testing.assert_array_equal(starts[kept], windows[kept])  # a start is the window where it is drawn
    for window, start in zip(windows, starts):  # ... and the drawn part is a union of halves
        drawn = np.zeros((32, 32), bool)
        for half in (np.s_[:16], np.s_[16:], np.s_[:, :16], np.s_[:, 16:]):
            if np.array_equal(start[half], window[half]):
                drawn[half] = True
        assert np.array_equal(start, np.where(drawn, window, 0))
    data = load_images(f"windows:{tmp_path / 'drawings'}", 32, "test")
    batch = data.batch(np.arange(4))
    assert batch["start"].shape == batch["hint"].shape == (4, 32, 32, 1) and batch["start"].max() <= 1


def test_bad_drawing_folders_are_refused(tmp_path):
    with pytest.raises(UserError, match="no train drawings"):
        read_pages(tmp_path, "train")
    (tmp_path / "train").mkdir()
    Image.new("L", (64, 32), 255).save(tmp_path / "train" / "wide.png")
    with pytest.raises(UserError, match="must be square"):
        read_pages(tmp_path, "train")
