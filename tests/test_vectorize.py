"""`canvasdraw vectorize` and `canvasdraw models` on a tiny 64 px model trained through the
shipped bezier_alpha canvas."""

import json
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from flax import serialization
from PIL import Image, ImageDraw

from canvasdraw.cli.main import main
from canvasdraw.data.ink import to_ink
from canvasdraw.data.sources import load_images
from canvasdraw.render import svg
from canvasdraw.store.models import load_model
from canvasdraw.train.drawer import train_and_evaluate
from canvasdraw.vectorize.run import vectorize
from canvasdraw.vectorize.single import draw_in_passes, draw_inks
from canvasdraw_configs.drawer import drawer_config
from tests.conftest import SHARED_MNIST, fake_mnist, needs_kanjivg, needs_shared_mnist


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("model")
    config = drawer_config(f"mnist:{fake_mnist(tmp / 'mnist')}", "bezier_alpha", "smoke")
    config.size = 64
    train_and_evaluate(config, str(tmp / "run"))
    assert main(["export-model", "--workdir", str(tmp / "run"), "-o", str(tmp / "tiny.msgpack"), "--name", "tiny"]) == 0
    return tmp / "tiny.msgpack"


def stroke_image(path, size=(120, 80), mode="RGB", ink="black", paper="white"):
    image = Image.new(mode, size, paper)
    ImageDraw.Draw(image).line([(20, 20), (100, 60)], fill=ink, width=8)
    image.save(path)
    return path


def png_header_only(path, width, height):
    """A PNG whose header claims width×height (no pixel data needed to be refused)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    return path


def test_each_output_is_written_and_consistent(model_file, tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    stroke_image(inputs / "wide.png")                                           # dark on light, 120×80
    stroke_image(inputs / "square.png", (64, 64), "L", ink=255, paper=0)       # light on dark
    stroke_image(inputs / "alpha.webp", (50, 90), "RGBA", ink=(0, 0, 0, 255), paper=(0, 0, 0, 0))
    Image.fromarray((np.asarray(Image.open(inputs / "square.png")).astype(np.uint16) * 257)).save(inputs / "deep.tif")
    out = tmp_path / "out"
    assert main(["vectorize", str(inputs), "-o", str(out), "--model", str(model_file), "--report"]) == 0
    printed = capsys.readouterr()
    assert "gallery: " in printed.out and "empty drawing" in printed.out and "of the ink explained" in printed.out
    assert printed.err.count("canvasdraw vectorize: warning: ") == 4
    model = load_model(str(model_file))
    for stem, source in [("wide", "wide.png"), ("square", "square.png"), ("alpha", "alpha.webp"), ("deep", "deep.tif")]:
        record = json.loads((out / f"{stem}.json").read_text())
        actions = np.array(record["actions"], np.float32).reshape(-1, 8)
        assert len(actions) + record["strokes_not_written"] == 2 and actions.shape[1:] == (8,)
        assert record["model"] == "tiny" and record["action_names"][-1] == "opacity"
        with Image.open(inputs / source) as image:
            assert record["input_size"] == list(image.size)
            target = to_ink(image, 64) / 255
        rendered = model.renderer.render(actions, 64)[..., 0]
        # "l2" is the SVG's, drawn by Cairo in the model's view; our raster's is beside it, and equal.
        drawn = svg.rasterize(model.renderer.to_svg(actions, max(record["input_size"])), 64)[..., 3]
        assert record["l2"] == pytest.approx(np.mean((drawn - target) ** 2), abs=2e-5)  # actions rounded in the JSON
        assert record["raster_l2"] == pytest.approx(np.mean((rendered - target) ** 2), abs=1e-5)
        assert record["l2"] == pytest.approx(record["raster_l2"], abs=1e-4)
        # Every score comes with the empty drawing's, and a tiny untrained model earns a warning.
        assert record["blank_l2"] == pytest.approx(np.mean(target ** 2), abs=1e-5)
        assert record["explained"] == pytest.approx(1 - record["l2"] / record["blank_l2"])
        assert record["explained"] < 0.5 and "far from what tiny was trained on" in record["warning"]
        with Image.open(out / f"{stem}.png") as png:
            assert np.abs(np.asarray(png.convert("L")) / 255 - rendered).max() < 0.01
        document = (out / f"{stem}.svg").read_text()
        width, height = record["input_size"]
        assert f'width="{width}" height="{height}"' in document and document.count("<path ") == len(actions)  # one element per stroke
        assert f'{width} {height}"' in document.split("viewBox=")[1].split(">")[0]
        with Image.open(out / f"{stem}_overlay.png") as overlay:  # red strokes over the faded input, 2× S
            assert overlay.size == (2 * record["size"],) * 2 and overlay.mode == "RGB"
    # The square input's SVG, rasterised by Cairo, covers the same ink as the re-render.
    ink = svg.rasterize((out / "square.svg").read_text(), 64)[..., 3]
    rendered = np.asarray(Image.open(out / "square.png").convert("L")) / 255
    assert np.mean(np.abs(ink - rendered)) < 0.01
    page = (out / "index.html").read_text()
    linked = re.findall(r'<img src="([^"]+)"', page)
    assert len(linked) == 12 and all((out / src).is_file() for src in linked) and "data:" not in page
    assert "empty drawing L2" in page and page.count('class="warning"') == 4


def test_bad_inputs_are_named_and_leave_no_files(model_file, tmp_path, capsys):
    good = stroke_image(tmp_path / "good.png")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    (tmp_path / "notes.txt").write_text("hello")
    Image.new("L", (1, 1)).save(tmp_path / "dot.png")
    png_header_only(tmp_path / "huge.png", 20000, 20000)
    bad = ["empty.png", "corrupt.png", "notes.txt", "dot.png", "huge.png", "missing.png"]
    out = tmp_path / "out"
    code = main(["vectorize", str(good)] + [str(tmp_path / b) for b in bad] + ["-o", str(out), "--model", str(model_file)])
    assert code == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]  # not the progress bar
    assert len(errors) == len(bad) and all(line.startswith("canvasdraw vectorize: error: ") for line in errors)
    for name, reason in zip(bad, ["empty file", "not a readable image", "not a readable image", "too small",
                                  "too large", "no such file"]):
        assert any(name in line and reason in line for line in errors), (name, errors)
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "good.png", "good.svg", "good_overlay.png"]


def test_usage_errors_exit_2(model_file, tmp_path, capsys):
    good = stroke_image(tmp_path / "good.png")
    assert main(["vectorize", str(good), "-o", str(tmp_path / "out"), "--model", "no_such_model"]) == 2
    assert "unknown model 'no_such_model'" in capsys.readouterr().err
    assert main(["vectorize", str(good), "-o", str(tmp_path / "out"), "--model", str(good)]) == 2
    assert "is not a canvasdraw model file" in capsys.readouterr().err
    assert main(["vectorize", str(good), "-o", str(good), "--model", str(model_file)]) == 2
    assert "is a file: -o names the output folder" in capsys.readouterr().err
    assert main(["vectorize", str(good), "-o", str(tmp_path / "out"), "--model", str(model_file), "--refine", "-3"]) == 2
    assert "--refine >= 0" in capsys.readouterr().err
    assert main(["vectorize", str(tmp_path / "missing.png"), "-o", str(tmp_path / "out"), "--model", str(model_file)]) == 1
    assert not (tmp_path / "out").exists()  # nothing to write: no folder either
    # -o creates missing parents, as every command's -o does.
    assert main(["vectorize", str(good), "-o", str(tmp_path / "new" / "dir"), "--model", str(model_file)]) == 0
    assert (tmp_path / "new" / "dir" / "good.svg").is_file()


def test_refine_lowers_the_l2(model_file, tmp_path):
    model = load_model(str(model_file))
    inks = np.stack([to_ink(Image.open(stroke_image(tmp_path / f"{i}.png", (64 + 8 * i, 64))), 64) for i in range(4)])
    targets = inks / 255
    plain, plain_drawn = draw_inks(model, inks, refine=0, batch_size=8)
    refined, refined_drawn = draw_inks(model, inks, refine=40, batch_size=8)
    for actions, drawn in ((plain, plain_drawn), (refined, refined_drawn)):  # real re-renders of the actions
        assert np.array_equal(drawn, np.stack([model.renderer.render(a, 64) for a in actions]))
    real = [np.mean((drawn[..., 0] - targets) ** 2) for drawn in (plain_drawn, refined_drawn)]
    assert real[1] < real[0]


def test_further_passes_add_strokes_only_where_the_drawing_is_still_far_and_better(model_file, tmp_path):
    model = load_model(str(model_file))   # the smoke drawer: 2 strokes per pass, far from any target
    inks = np.stack([to_ink(Image.open(stroke_image(tmp_path / f"{i}.png", (64 + 8 * i, 64))), 64) for i in range(3)]
                    + [np.zeros((64, 64), np.uint8)])   # a blank picture needs no second pass
    once, once_drawn = draw_inks(model, inks, refine=20, batch_size=4)
    actions, drawn = draw_in_passes(model, inks, refine=20, passes=3, batch_size=4)
    assert len(actions[3]) == 2 and {len(a) for a in actions[:3]} <= {2, 4, 6} and max(map(len, actions)) > 2
    for a, d in zip(actions, drawn):   # the re-renders are the written actions'
        np.testing.assert_allclose(d, model.renderer.render(a, 64), atol=1e-6)
    l2 = [np.mean((d[..., 0] - inks / 255) ** 2, axis=(1, 2)) for d in (once_drawn, drawn)]
    assert (l2[1] <= l2[0] + 1e-7).all() and l2[1][:3].sum() < l2[0][:3].sum()
    out = tmp_path / "out"
    assert main(["vectorize", str(tmp_path / "0.png"), "-o", str(out), "--model", str(model_file), "--refine", "20",
                 "--passes", "3"]) == 0
    record = json.loads((out / "0.json").read_text())
    assert len(record["actions"]) + record["strokes_not_written"] == 2 * record["passes"]
    for bad in (["--passes", "0"], ["--passes", "2", "--drawer", "sliding"]):
        assert main(["vectorize", str(tmp_path / "0.png"), "-o", str(tmp_path / "no"), "--model", str(model_file),
                     *bad]) == 2   # a usage error
    assert not (tmp_path / "no").exists()


def test_a_model_of_a_shipped_canvas_names_it_instead_of_holding_it(model_file, tmp_path, capsys):
    run, half = model_file.parent / "run", tmp_path / "half.msgpack"
    assert main(["export-model", "--workdir", str(run), "-o", str(half), "--half"]) == 0
    raw = serialization.msgpack_restore(half.read_bytes())
    assert raw["format"] == "canvasdraw-drawer-model/2" and set(raw["canvas"]) == {"shipped", "sha256"}
    assert half.stat().st_size < model_file.stat().st_size - 1.5e6  # float32 canvas: held, not shipped
    assert "spec" in serialization.msgpack_restore(model_file.read_bytes())["canvas"]
    a, b = load_model(str(half)), load_model(str(model_file))
    states, actions = np.zeros((1, 64, 64, 1), np.float32), np.full((1, 8), 0.5, np.float32)
    np.testing.assert_allclose(a.canvas(states, actions), b.canvas(states, actions), atol=2e-3)
    raw["canvas"]["sha256"] = "0" * 64  # the installed canvas is not the one the drawer was trained through
    half.write_bytes(serialization.msgpack_serialize(raw))
    assert main(["vectorize", str(stroke_image(tmp_path / "x.png")), "-o", str(tmp_path / "o"), "--model", str(half)]) == 2
    assert "trained through the shipped canvas bezier_alpha, which this installation has in another version" \
        in capsys.readouterr().err


def test_models_lists_shipped_models_and_user_runs(model_file, capsys):
    assert main(["models", "--runs", str(model_file.parent)]) == 0
    table = capsys.readouterr().out
    assert "| run | " in table and "| bezier_alpha | 64 | 2 | lstm | mnist:" in table
    assert "| held-out L2 of the SVG |" in table


def test_export_model_records_the_page_l2_of_the_svgs_that_models_then_shows(model_file, tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    stroke_image(pages / "a.png", (150, 100))
    stroke_image(pages / "b.png", (96, 96))
    out = tmp_path / "models"
    assert main(["export-model", "--workdir", str(model_file.parent / "run"), "-o", str(out / "paged.msgpack"),
                 "--slides", "--pages", str(pages)]) == 0
    facts = load_model(str(out / "paged.msgpack")).facts
    assert facts["page_images"] == 2 and 0 < facts["page_svg_l2"] < 0.5
    rows, _ = vectorize([str(pages)], tmp_path / "again", load_model(str(out / "paged.msgpack")), progress=False)
    assert facts["page_svg_l2"] == pytest.approx(np.mean([r["l2"] for r in rows]), abs=1e-6)
    assert main(["export-model", "--workdir", str(model_file.parent / "run"), "-o", str(out / "x.msgpack"),
                 "--pages", str(tmp_path / "none")]) == 2
    assert "--pages" in capsys.readouterr().err and not (out / "x.msgpack").exists()


@pytest.mark.slow
def test_demo_quick_runs_every_stage_and_ends_with_a_gallery(tmp_path, capsys):
    assert main(["demo", "-o", str(tmp_path / "demo"), "--quick"]) == 0
    out = capsys.readouterr().out
    gallery = tmp_path / "demo" / "vectorized" / "index.html"
    assert f"gallery: {gallery}" in out and "1/3 canvas" in out and "3/3 vectorize" in out
    assert gallery.read_text().count("<img ") == 3 * 8
    assert len(list((tmp_path / "demo" / "vectorized").glob("stroke*.svg"))) == 8


def test_the_shipped_model_vectorizes_the_example_images(tmp_path, capsys):
    examples = Path(__file__).resolve().parents[1] / "examples" / "images"
    assert main(["vectorize", str(examples), "-o", str(tmp_path / "out")]) == 0  # default: chosen by pen width
    records = [json.loads(p.read_text()) for p in sorted((tmp_path / "out").glob("*.json"))]
    assert len(records) == len(list(examples.iterdir())) >= 3
    assert all(r["model"] == "lineart_20lstm" and r["choice"]["drawer"] == "single" and r["refine_steps"] == 100
               and len(r["actions"]) + r["strokes_not_written"] == 20 * r["passes"] and r["l2"] < 0.2 * r["blank_l2"]
               for r in records)
    for png in sorted((tmp_path / "out").glob("*.png")):
        if png.stem.endswith("_overlay"):
            continue
        with Image.open(png) as image:  # the re-render, white ink on black at the model size
            raster = np.asarray(image.convert("L"), np.float32) / 255
        text = png.with_suffix(".svg").read_text()
        side = max(json.loads(png.with_suffix(".json").read_text())["input_size"])
        square = re.sub(r'viewBox="[^"]*"', f'viewBox="0 0 {side} {side}"', text)  # the model's padded square
        drawn = svg.rasterize(square, 64)[..., 3]
        assert np.mean((drawn - raster) ** 2) < 1e-4, png.name  # the SVG file is the drawing we show and score


def test_the_table1_drawers_ship_for_mnist_and_symbols_with_4_and_20_steps():
    for data in ("mnist", "symbols"):
        for steps in (4, 20):
            model = load_model(f"{data}_{steps}lstm")
            assert (model.drawer.spec.steps, model.facts["steps"], model.canvas.spec.renderer) == (steps, steps, "bezier_alpha")
            assert not model.facts.get("slides")
    assert load_model("sliding_10lstm").facts["slides"]


@needs_kanjivg
def test_the_20_step_symbol_drawer_beats_the_4_step_one_on_held_out_symbols():
    inks = load_images("kanjivg:8", 64, "test").hints[:96, ..., 0]
    target = inks.astype(np.float32)[..., None] / 255
    scores = {steps: np.mean((draw_inks(load_model(f"symbols_{steps}lstm"), inks)[1] - target) ** 2) for steps in (4, 20)}
    assert scores[20] < scores[4] - 0.003 and scores[4] < np.mean(target ** 2), scores


@needs_shared_mnist
@pytest.mark.parametrize("name, bound", [("mnist_4lstm", 0.0100), ("mnist_20lstm", 0.0060)])
def test_the_shipped_mnist_models_keep_their_mnist64_scores_in_the_svg_they_write(name, bound, tmp_path):
    """The first 64 MNIST-64 test digits through `vectorize`: the L2 of each written SVG, drawn by
    Cairo, is what the JSON reports, and the SVG is the PNG written beside it (full numbers:
    docs/results.md)."""
    inks = load_images(f"mnist:{SHARED_MNIST}", 64, "test").hints[:64, ..., 0]
    for i, ink in enumerate(inks):
        Image.fromarray(255 - ink).save(tmp_path / f"{i:02d}.png")
    rows, errors = vectorize([str(tmp_path)], tmp_path / "out", load_model(name), progress=False)
    assert not errors and len(rows) == 64
    scores = []
    for row, ink in zip(sorted(rows, key=lambda r: r["stem"]), inks):
        drawn = svg.rasterize((tmp_path / "out" / f"{row['stem']}.svg").read_text(), 64)[..., 3]
        png = np.asarray(Image.open(tmp_path / "out" / f"{row['stem']}.png").convert("L"), np.float32) / 255
        assert np.mean((drawn - png) ** 2) < 1e-4  # the SVG is its raster
        scores.append(np.mean((drawn - ink / 255) ** 2))
        assert row["l2"] == pytest.approx(scores[-1], abs=1e-6)
    assert np.mean(scores) < bound


@pytest.mark.slow
def test_large_jobs_write_through_worker_processes_with_the_same_files(model_file, tmp_path, monkeypatch):
    from canvasdraw.vectorize import run as vectorize_module

    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(3):
        stroke_image(inputs / f"s{i}.png", (60 + 10 * i, 64))
    model = load_model(str(model_file))
    threaded, _ = vectorize_module.vectorize([str(inputs)], tmp_path / "threads", model, progress=False)
    monkeypatch.setattr(vectorize_module, "PROCESS_MIN", 2)
    monkeypatch.setattr(vectorize_module, "JOB", 2)
    spawned, _ = vectorize_module.vectorize([str(inputs)], tmp_path / "processes", model, progress=False)
    assert [r["stem"] for r in spawned] == [r["stem"] for r in threaded] == ["s0", "s1", "s2"]
    for name in sorted(p.name for p in (tmp_path / "threads").iterdir()):
        assert (tmp_path / "processes" / name).read_bytes().replace(b"processes", b"threads") == \
            (tmp_path / "threads" / name).read_bytes(), name


def test_large_pictures_are_drawn_window_by_window_at_their_own_size(model_file, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    stroke_image(inputs / "wide.png", (150, 100))
    Image.new("L", (90, 70), 255).save(inputs / "blank.png")
    for drawer in ("sliding", "hierarchical"):
        out = tmp_path / drawer
        assert main(["vectorize", str(inputs), "-o", str(out), "--model", str(model_file), "--drawer", drawer]) == 0
        record = json.loads((out / "wide.json").read_text())
        assert record["drawer"] == drawer and record["input_size"] == [150, 100]
        assert {w["side"] for w in record["windows"]} == ({64, 128} if drawer == "hierarchical" else {64})
        # The smoke model draws 2 per window; those that draw nothing or do not help are not written.
        assert all(len(w["actions"]) <= 2 for w in record["windows"])
        assert sum(len(w["actions"]) for w in record["windows"]) + record["strokes_not_written"] == \
            2 * len(record["windows"])
        rendered = np.asarray(Image.open(out / "wide.png").convert("L")) / 255
        assert rendered.shape == (100, 150) and Image.open(out / "wide_overlay.png").size == (150, 100)
        ink = np.asarray(Image.open(inputs / "wide.png").convert("L"))
        target = (255 - ink) / 255
        assert record["l2"] == pytest.approx(np.mean((rendered - target) ** 2), abs=2e-3)
        text = (out / "wide.svg").read_text()
        chained = {tuple(member) for chain in record["joined"] for member in chain}
        alone = sum(any((k, i) not in chained for i in range(len(w["actions"]))) for k, w in enumerate(record["windows"]))
        assert 'viewBox="0 0 150 100"' in text and text.count("clip-path=") == alone
        assert text.count("<path") == sum(len(w["actions"]) for w in record["windows"]) - len(chained) + len(record["joined"])
        blank = json.loads((out / "blank.json").read_text())
        assert blank["windows"] == [] and "<g " not in (out / "blank.svg").read_text()
    # A model trained on whole images draws large ones as one S×S picture unless told otherwise.
    assert main(["vectorize", str(inputs / "wide.png"), "-o", str(tmp_path / "auto"), "--model", str(model_file)]) == 0
    assert "windows" not in json.loads((tmp_path / "auto" / "wide.json").read_text())
    assert Image.open(tmp_path / "auto" / "wide.png").size == (64, 64)
    # ... and one exported with --slides (a drawer of windows trained on other data) slides by default.
    sliding_file = tmp_path / "slides.msgpack"
    assert main(["export-model", "--workdir", str(model_file.parent / "run"), "-o", str(sliding_file), "--slides"]) == 0
    assert main(["vectorize", str(inputs / "wide.png"), "-o", str(tmp_path / "slid"), "--model", str(sliding_file)]) == 0
    assert json.loads((tmp_path / "slid" / "wide.json").read_text())["drawer"] == "sliding"
    assert main(["vectorize", str(inputs), "-o", str(tmp_path / "x"), "--model", str(model_file),
                 "--drawer", "sliding", "--passes", "2"]) == 2
    assert not (tmp_path / "x").exists()
    # --refine moves all windows' strokes together towards the picture, through the twin.
    assert main(["vectorize", str(inputs / "wide.png"), "-o", str(tmp_path / "refined"), "--model", str(model_file),
                 "--drawer", "sliding", "--refine", "20"]) == 0
    slid, refined = (json.loads((tmp_path / name / "wide.json").read_text()) for name in ("sliding", "refined"))
    assert (slid["refine_steps"], refined["refine_steps"]) == (0, 20)
    assert refined["l2"] < slid["l2"]


def test_advice_names_the_drawer_that_fits_a_large_picture():
    from canvasdraw.vectorize.advice import warning

    target = np.zeros((64, 64), np.float32)
    single = {"name": "mnist_4lstm", "size": 64, "slides": False, "data": "mnist"}
    sliding = {**single, "name": "sliding_10lstm", "slides": True}
    assert "try --model sliding_10lstm" in warning(target, None, (512, 512), single, windowed=False)
    assert "try --drawer auto" in warning(target, None, (512, 512), sliding, windowed=False)
    assert warning(target, None, (512, 512), single, windowed=True) is None  # drawn at its own size
    assert warning(target, 0.9, (64, 64), single, windowed=False) is None
    assert "explains none of the ink" in warning(target, -0.2, (64, 64), single, windowed=False)
    assert "--model symbols_20lstm" in warning(target, 0.3, (64, 64), single, windowed=False)
    colour = {**single, "name": "color_mnist", "translates": True}   # refining needs the drawing's target
    assert "--refine" not in warning(target, 0.3, (64, 64), colour, False)
    assert "--refine 100" in warning(target, 0.3, (64, 64), {**colour, "translates": False}, False)
    assert "more than half of the picture is ink" in warning(np.ones((64, 64), np.float32), 0.9, (64, 64), single,
                                                             False)

