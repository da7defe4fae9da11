"""Image sources for drawers: MNIST IDX, folders of images, the optional KanjiVG symbols."""


import numpy as np
import pytest
from PIL import Image

from canvasdraw.data.ink import to_ink
from canvasdraw.data.sources import load_images
from canvasdraw.errors import UserError
from tests.conftest import SHARED_MNIST, needs_shared_mnist, write_idx


@pytest.mark.parametrize("name", ["train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"])
def test_mnist_idx_files_are_resized_bilinearly_to_ink_in_unit_range(tmp_path, name):
    digits = np.zeros((3, 28, 28), np.uint8)
    digits[:, 10:18, 12:16] = 255
    write_idx(tmp_path / name, digits)
    data = load_images(f"mnist:{tmp_path}", 64)
    assert data.hints.shape == (3, 64, 64, 1) and data.hints.dtype == np.uint8
    batch = data.batch(np.array([0, 2]))
    assert batch["hint"].shape == (2, 64, 64, 1) and batch["target"] is batch["hint"]
    assert batch["hint"].max() == 1.0 and batch["hint"].min() == 0.0
    expected = np.asarray(Image.fromarray(digits[0]).resize((64, 64), Image.BILINEAR)) / 255
    np.testing.assert_allclose(batch["hint"][0, ..., 0], expected, atol=1e-6)


def test_bad_mnist_files_give_clear_errors(tmp_path):
    with pytest.raises(UserError, match="no train-images-idx3-ubyte.gz"):
        load_images(f"mnist:{tmp_path}", 32)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\0\0\x08\x03" + (5).to_bytes(4, "big") * 3 + b"\0" * 10)
    with pytest.raises(UserError, match="truncated"):
        load_images(f"mnist:{tmp_path}", 32)
    with pytest.raises(UserError, match="unknown image source"):
        load_images("imagenet:/x", 32)
    with pytest.raises(UserError, match="positive number of strokes"):
        load_images("kanjivg:many", 32)


@needs_shared_mnist
def test_real_mnist_test_split_is_mnist64():
    data = load_images(f"mnist:{SHARED_MNIST}", 64, "test")
    assert data.hints.shape == (10_000, 64, 64, 1)
    assert 0.05 < data.hints.mean() / 255 < 0.2  # white digits on black


def test_to_ink_handles_polarity_alpha_16_bit_and_aspect(tmp_path):
    paper = np.full((20, 40), 255, np.uint8)
    paper[8:12, 5:35] = 0                                   # dark bar on white paper, wide image
    ink = to_ink(Image.fromarray(paper), 32)
    assert ink.shape == (32, 32) and ink[16, 16] > 200 and ink[2, 16] == 0  # inverted, padded
    assert to_ink(Image.fromarray(255 - paper), 32)[16, 16] > 200              # light on dark kept
    rgba = np.zeros((16, 16, 4), np.uint8)
    rgba[4:12, 4:12] = (0, 0, 0, 255)                       # opaque black square, transparent rest
    assert to_ink(Image.fromarray(rgba, "RGBA"), 16)[8, 8] == 255 and to_ink(Image.fromarray(rgba, "RGBA"), 16)[0, 0] == 0
    deep = Image.fromarray((255 - paper).astype(np.uint16) * 257)  # 16-bit grey
    np.testing.assert_array_equal(to_ink(deep, 32), to_ink(Image.fromarray(255 - paper), 32))
    forced = to_ink(Image.fromarray(255 - paper), 32, invert=True)
    assert forced[16, 16] < 50
    tinted = np.where(paper == 255, 230, 25).astype(np.uint8)  # grey pen on off-white paper
    ink = to_ink(Image.fromarray(tinted), 32)
    assert ink[2, 16] == 0 and ink[8, 16] == 0 and ink[16, 16] == round((230 - 25) * 255 / 230)  # paper level -> 0


def test_folder_source_splits_every_tenth_file(tmp_path):
    for i in range(12):
        Image.fromarray(np.full((8, 8), 20 * i, np.uint8)).save(tmp_path / f"{i:02d}.png")
    (tmp_path / "notes.txt").write_text("not an image")
    assert len(load_images(f"folder:{tmp_path}", 16, "train")) == 11
    assert len(load_images(f"folder:{tmp_path}", 16, "test")) == 1
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(UserError, match="cannot read image .*broken.png"):
        load_images(f"folder:{tmp_path}", 16, "train")
    with pytest.raises(UserError, match="not a folder"):
        load_images(f"folder:{tmp_path / 'nope'}", 16)


def test_arrays_source_reads_hints_and_starts_and_checks_them(tmp_path):
    hints = np.arange(3 * 8 * 8, dtype=np.uint8).reshape(3, 8, 8)
    np.savez(tmp_path / "train.npz", hints=hints, starts=hints // 2)
    data = load_images(f"arrays:{tmp_path}", 8, "train")
    assert len(data) == 3 and data.targets is None
    batch = data.batch([2])
    np.testing.assert_allclose(batch["hint"][0, ..., 0], hints[2] / 255)
    np.testing.assert_allclose(batch["start"][0, ..., 0], (hints[2] // 2) / 255)
    with pytest.raises(UserError, match="must be uint8 \\(M, 16, 16"):
        load_images(f"arrays:{tmp_path}", 16, "train")
    with pytest.raises(UserError, match="test.npz does not exist"):
        load_images(f"arrays:{tmp_path}", 8, "test")
    np.savez(tmp_path / "test.npz", starts=hints)
    with pytest.raises(UserError, match="no array named hints"):
        load_images(f"arrays:{tmp_path}", 8, "test")


def test_kanjivg_without_the_package_names_the_extra(monkeypatch):
    from importlib import metadata

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "files", missing)
    with pytest.raises(UserError, match=r"pip install 'canvasdraw\[symbols\]'"):
        load_images("kanjivg", 32)


def test_synthetic_strokes_are_real_renders_and_deterministic():
    train, test = load_images("strokes:40", 32, "train"), load_images("strokes:40", 32, "test")
    assert train.hints.shape == (40, 32, 32, 1) and test.hints.shape == (16, 32, 32, 1)
    assert np.array_equal(train.hints, load_images("strokes:40", 32, "train").hints)
    assert not np.array_equal(train.hints[:16], test.hints)  # the splits use different seeds
    assert all(h.max() >= 150 for h in train.hints)  # every image has ink (opacity >= 0.6)
    with pytest.raises(UserError, match="positive number"):
        load_images("strokes:many", 32)
