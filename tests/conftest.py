"""Helpers shared by the tests: tiny data sets, a tiny canvas, the fake `dots` plug-in, and the
skip marks for data that lives outside the repository."""

import gzip
import os
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from flax import nnx

from canvasdraw import load_renderer
from canvasdraw.nets.canvas import make_canvas, spec_for
from canvasdraw.render import registry

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
needs_shared_mnist = pytest.mark.skipif(
    not SHARED_MNIST.is_dir(), reason=f"needs the MNIST IDX files in {SHARED_MNIST} (../shared/data/mnist, "
                                      "outside the repository)")


def _kanjivg_installed() -> bool:
    try:
        return metadata.distribution("kanjivg") is not None
    except metadata.PackageNotFoundError:
        return False


needs_kanjivg = pytest.mark.skipif(not _kanjivg_installed(),
                                   reason="needs the kanjivg data (pip install 'canvasdraw[symbols]', in [test])")


@pytest.fixture(autouse=True, scope="session")
def compilation_cache_of_the_session(tmp_path_factory):
    """The CLI, in this process and in the ones tests start, keeps compiled programs in a folder of
    this test session, not in the user's cache: tests see no programs from earlier runs."""
    os.environ["CANVASDRAW_JAX_CACHE"] = str(tmp_path_factory.mktemp("jax_cache"))


DOTS = metadata.EntryPoint(name="dots", value="tests.plugin_dots:DotsRenderer", group=registry.GROUP)


@pytest.fixture
def dots_plugin(monkeypatch):
    """Installs the third-party `dots` renderer through a faked entry point."""
    real = metadata.entry_points

    def entry_points(**selection):
        found = real(**selection)
        if selection.get("group") == registry.GROUP:
            found = metadata.EntryPoints(tuple(found) + (DOTS,))
        return found

    monkeypatch.setattr(registry.metadata, "entry_points", entry_points)
    return "dots"


def write_idx(path, images):
    """A uint8 IDX file (IDX3 images, IDX1 labels; gzipped if the name ends in .gz), as MNIST ships them."""
    header = b"\0\0\x08" + bytes([images.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in images.shape)
    data = header + images.astype(np.uint8).tobytes()
    (gzip.open if str(path).endswith(".gz") else open)(path, "wb").write(data)


def fake_mnist(folder, train=64, test=16):
    """Blurry random blobs, 28×28, labelled 0, 1, ..., 9, 0, ... in MNIST's file layout; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for stem, n in (("train", train), ("t10k", test)):
        yy, xx = np.mgrid[:28, :28]
        centres = rng.uniform(8, 20, (n, 2))
        blobs = np.exp(-((xx - centres[:, :1, None]) ** 2 + (yy - centres[:, 1:, None]) ** 2) / 18)
        write_idx(folder / f"{stem}-images-idx3-ubyte.gz", blobs * 255)
        write_idx(folder / f"{stem}-labels-idx1-ubyte.gz", np.arange(n) % 10)
    return folder


def small_canvas(size=16):
    """An untrained `bezier` canvas with a 16-wide MLP (a trainable module)."""
    return make_canvas(spec_for(load_renderer("bezier"), size, hidden=16), nnx.Rngs(0))
