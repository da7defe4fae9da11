"""Every bad-input case we know of, run as a user would: the command, its exit code, its one-line
message and the files it left behind. Writes the table of docs/errors.md.

    python scripts/error_cases.py > docs/errors.md

Each case runs `canvasdraw ...` in a fresh folder holding the inputs its setup wrote; "files
left" lists whatever else is in the folder afterwards (expected: nothing). tests/test_errors.py
runs the same cases in-process.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
SMOKE = f"{REPO}/configs/canvas.py:renderer=bezier,variant=smoke"
MNIST = f"{REPO}/configs/drawer_mnist.py:smoke"


def actions(rows):
    return lambda d: (d / "a.json").write_text(json.dumps(rows))


def text(name, content):
    return lambda d: (d / name).write_text(content)


def stroke(d: Path, name="in.png", size=(64, 64)):
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).line([(8, 8), (size[0] - 8, size[1] - 8)], fill=0, width=5)
    image.save(d / name)


def folder(name, content=None):
    def make(d: Path):
        (d / name).mkdir()
        if content:
            (d / name / "x.txt").write_text(content)
    return make


def trained_canvas(d: Path):
    from canvasdraw.train.canvas import train_and_evaluate
    from canvasdraw.train.config_files import load_config

    train_and_evaluate(load_config(SMOKE, ["steps=2"]), str(d / "run"))


def fake_mnist(d: Path):
    sys.path.insert(0, str(REPO))
    from tests.conftest import fake_mnist as make

    make(d / "mnist")


V = ["vectorize"]
TC = ["train-canvas", "--config", SMOKE, "--workdir", "run"]
# (case, arguments, setup of the folder or None, environment additions or None)
CASES = [
    ("knit: program file missing", ["knit", "nope.txt", "--png", "o.png"], None),
    ("knit: unknown instruction", ["knit", "p.txt", "--png", "o.png"], text("p.txt", "K P K\nK Q K\n")),
    ("knit: rows of different lengths", ["knit", "p.txt", "--svg", "o.svg"], text("p.txt", "K P K\nK P\n")),
    ("knit: empty program", ["knit", "p.txt", "--png", "o.png"], text("p.txt", "\n")),
    ("knit: nothing to write", ["knit", "p.txt"], text("p.txt", "K P\n")),
    ("knit: stitch size out of range", ["knit", "p.txt", "--stitch", "1", "--png", "o.png"], text("p.txt", "K P\n")),
    ("render: actions file missing", ["render", "nope.json", "--renderer", "bezier", "--png", "o.png"], None),
    ("render: actions file not JSON", ["render", "a.json", "--renderer", "bezier", "--png", "o.png"], text("a.json", "{")),
    ("render: row of the wrong width", ["render", "a.json", "--renderer", "bezier", "--png", "o.png"], actions([[0.5] * 3])),
    ("render: value outside [0, 1]", ["render", "a.json", "--renderer", "bezier", "--png", "o.png"], actions([[0.5] * 6 + [2]])),
    ("render: a value that is not a number", ["render", "a.json", "--renderer", "bezier", "--svg", "o.svg"],
     actions([[0.5] * 6 + ["x"]])),
    ("render: unknown renderer", ["render", "a.json", "--renderer", "nosuch", "--png", "o.png"], actions([[0.5] * 7])),
    ("render: no renderer named", ["render", "a.json", "--png", "o.png"], actions([[0.5] * 7])),
    ("render: nothing to write", ["render", "a.json", "--renderer", "bezier"], actions([[0.5] * 7])),
    ("render: size too small", ["render", "a.json", "--renderer", "bezier", "--size", "8", "--png", "o.png"],
     actions([[0.5] * 7])),
    ("render: size too large", ["render", "a.json", "--renderer", "bezier", "--size", "5000", "--png", "o.png"],
     actions([[0.5] * 7])),
    ("render: --png below a file", ["render", "a.json", "--renderer", "bezier", "--png", "a.json/o.png"],
     actions([[0.5] * 7])),
    ("rollouts: unknown renderer", ["rollouts", "--renderer", "nosuch", "--num", "8", "-o", "r"], None),
    ("rollouts: --num 0", ["rollouts", "--renderer", "bezier", "--num", "0", "-o", "r"], None),
    ("rollouts: --episode-length 0", ["rollouts", "--renderer", "bezier", "--num", "8", "--episode-length", "0",
                                      "-o", "r"], None),
    ("rollouts: --workers -1", ["rollouts", "--renderer", "bezier", "--num", "8", "--workers", "-1", "-o", "r"], None),
    ("rollouts: -o a folder that is not empty", ["rollouts", "--renderer", "bezier", "--num", "8", "-o", "r"],
     folder("r", "x")),
    ("rollouts: -o a file", ["rollouts", "--renderer", "bezier", "--num", "8", "-o", "f.txt"], text("f.txt", "x")),
    ("train-canvas: config file missing", ["train-canvas", "--config", "nope.py", "--workdir", "run"], None),
    ("train-canvas: unknown variant", ["train-canvas", "--config", f"{REPO}/configs/canvas.py:variant=huge",
                                       "--workdir", "run"], None),
    ("train-canvas: unknown config argument", ["train-canvas", "--config", f"{REPO}/configs/canvas.py:colour=red",
                                               "--workdir", "run"], None),
    ("train-canvas: unknown key --config.nosuch=1", TC + ["--config.nosuch=1"], None),
    ("train-canvas: typo --config.step=50", TC + ["--config.step=50"], None),
    ("train-canvas: --config.steps=-5", TC + ["--config.steps=-5"], None),
    ("train-canvas: --config.batch_size=0", TC + ["--config.batch_size=0"], None),
    ("train-canvas: batch not a multiple of the episode", TC + ["--config.batch_size=6"], None),
    ("train-canvas: --config.learning_rate=nan", TC + ["--config.learning_rate=nan"], None),
    ("train-canvas: --config.schedule=linear", TC + ["--config.schedule=linear"], None),
    ("train-canvas: --config.size=48", TC + ["--config.size=48"], None),
    ("train-canvas: --config.canvas.form=round", TC + ["--config.canvas.form=round"], None),
    ("train-canvas: unknown renderer", TC + ["--config.renderer=nosuch"], None),
    ("train-canvas: --workdir a file", ["train-canvas", "--config", SMOKE, "--workdir", "f.txt"], text("f.txt", "x")),
    ("train-canvas: --workdir below a file", ["train-canvas", "--config", SMOKE, "--workdir", "f.txt/run"],
     text("f.txt", "x")),
    ("train-canvas: --workdir not a run folder", TC, folder("run", "x")),
    ("train-canvas: corrupt run.json", TC, lambda d: (folder("run")(d), (d / "run" / "run.json").write_text("{"))),
    ("train-canvas: resume with another seed", TC + ["--config.seed=3", "--config.steps=2"], trained_canvas),
    ("train-canvas: resume for another renderer", TC + ["--config.renderer=rectangles"], trained_canvas),
    ("train-canvas: init_from a canvas of another shape", ["train-canvas", "--config", SMOKE, "--workdir", "new",
                                                          "--config.init_from=bezier_alpha"], None),
    ("train-canvas: 8 devices, batch 12", TC + ["--config.batch_size=12", "--config.episode_length=4"], None,
     {"XLA_FLAGS": "--xla_force_host_platform_device_count=8"}),
    ("train-drawer: 3-channel canvas for 1-channel data",
     ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.canvas=rectangles", "--config.size=64",
      "--config.data=mnist:mnist"], fake_mnist),
    ("train-drawer: drawer size differs from the canvas's", ["train-drawer", "--config", MNIST, "--workdir", "run",
                                                             "--config.data=mnist:mnist"], fake_mnist),
    ("train-drawer: floorplans source without a count", ["train-drawer", "--config", MNIST, "--workdir", "run",
                                                          "--config.size=64", "--config.data=floorplans:many"], None),
    ("train-drawer: floorplans source with an unknown style",
     ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.size=64",
      "--config.data=floorplans:100:blueprint"], None),
    ("train-drawer: floorplans source with 1-20 rooms",
     ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.size=64",
      "--config.data=floorplans:100::1-20"], None),
    ("train-drawer: overlap penalty for strokes", ["train-drawer", "--config", MNIST, "--workdir", "run",
                                                   "--config.data=mnist:mnist", "--config.overlap=1.0"], fake_mnist),
    ("train-drawer: prisms source with 7 boxes", ["train-drawer", "--config", MNIST, "--workdir", "run",
                                                  "--config.size=64", "--config.data=prisms:100:mixed:1-7"], None),
    ("train-drawer: colour hints for an ink drawer",
     ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.size=64", "--config.canvas=prisms",
      "--config.data=prisms:100"], None),
    ("train-drawer: MNIST folder missing", ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.size=64",
                                            "--config.data=mnist:nowhere"], None),
    ("train-drawer: unknown image source", ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.size=64",
                                            "--config.data=photos:x"], None),
    ("train-drawer: unknown init_from", ["train-drawer", "--config", MNIST, "--workdir", "run", "--config.size=64",
                                         "--config.data=mnist:mnist", "--config.init_from=nosuch"], fake_mnist),
    ("train-drawer: --config.steps_per_image=0", ["train-drawer", "--config", MNIST, "--workdir", "run",
                                                  "--config.steps_per_image=0"], None),
    ("train-drawer: --config.drawer.variant=gru", ["train-drawer", "--config", MNIST, "--workdir", "run",
                                                   "--config.size=64", "--config.drawer.variant=gru"], None),
    ("eval-canvas: no such canvas", ["eval-canvas", "--workdir", "nowhere"], None),
    ("eval-canvas: an empty folder", ["eval-canvas", "--workdir", "run"], folder("run")),
    ("eval-canvas: a file that is not a canvas", ["eval-canvas", "--workdir", "f.txt"], text("f.txt", "x")),
    ("eval-drawer: no such run", ["eval-drawer", "--workdir", "nowhere", "--data", "mnist:mnist"], None),
    ("eval-drawer: unknown model", ["eval-drawer", "--model", "nosuch", "--data", "mnist:mnist"], None),
    ("export-canvas: no such run", ["export-canvas", "--workdir", "nowhere", "-o", "c.msgpack"], None),
    ("export-model: no such run", ["export-model", "--workdir", "nowhere", "-o", "m.msgpack"], None),
    ("export-model: --pages missing", ["export-model", "--workdir", "nowhere", "-o", "m.msgpack", "--pages", "none"],
     None),
    ("refit-canvas: no such run", ["refit-canvas", "--workdir", "nowhere", "--data", "mnist:mnist"], None),
    ("models: --runs missing", ["models", "--runs", "nowhere"], None),
    ("vectorize: --config.* does not apply", V + ["in.png", "-o", "out", "--config.steps=3"], stroke),
    ("vectorize: -o a file", V + ["in.png", "-o", "in.png"], stroke),
    ("vectorize: -o below a file", V + ["in.png", "-o", "in.png/out"], stroke),
    ("vectorize: unknown model", V + ["in.png", "-o", "out", "--model", "nosuch"], stroke),
    ("vectorize: --model a file that is not a model", V + ["in.png", "-o", "out", "--model", "in.png"], stroke),
    ("vectorize: --refine -3", V + ["in.png", "-o", "out", "--refine", "-3"], stroke),
    ("vectorize: --passes 0", V + ["in.png", "-o", "out", "--passes", "0"], stroke),
    ("vectorize: --passes with a colour model", V + ["in.png", "-o", "out", "--model", "color_mnist", "--passes", "2"],
     stroke),
    ("vectorize: --batch-size 0", V + ["in.png", "-o", "out", "--batch-size", "0"], stroke),
    ("vectorize: --drawer without a model", V + ["in.png", "-o", "out", "--drawer", "sliding"], stroke),
    ("vectorize: --passes with the sliding drawer", V + ["in.png", "-o", "out", "--model", "mnist_4lstm", "--passes", "2",
                                                         "--drawer", "sliding"],
     stroke),
    ("vectorize: a colour model with the sliding drawer", V + ["in.png", "-o", "out", "--model", "prisms",
                                                              "--drawer", "sliding"], stroke),
    ("vectorize: input missing", V + ["nope.png", "-o", "out"], None),
    ("vectorize: empty file", V + ["e.png", "-o", "out"], text("e.png", "")),
    ("vectorize: not an image", V + ["t.png", "-o", "out"], text("t.png", "hello")),
    ("vectorize: picture too small", V + ["s.png", "-o", "out"], lambda d: Image.new("L", (3, 3)).save(d / "s.png")),
    ("vectorize: folder without images", V + ["f", "-o", "out"], folder("f", "x")),
]
# vectorize names a bad input and goes on with the others: exit code 1, not 2.
PER_INPUT = {"vectorize: input missing", "vectorize: empty file", "vectorize: not an image",
             "vectorize: picture too small", "vectorize: folder without images"}


def run_case(args: list[str], setup, env: dict | None, folder: Path) -> tuple[int, list[str], list[str]]:
    """Runs one case in `folder`: (exit code, stderr lines that are not progress bars, new files)."""
    if setup is not None:
        setup(folder)
    before = {p.relative_to(folder) for p in folder.rglob("*")}
    done = subprocess.run([sys.executable, "-m", "canvasdraw", *args], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)
    lines = [line for line in done.stderr.splitlines() if line.startswith("canvasdraw ") or "Traceback" in line]
    left = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.relative_to(folder) not in before)
    return done.returncode, lines, left


def main():
    print("# Bad input: what each command says\n")
    print("Every case below, run with `python scripts/error_cases.py > docs/errors.md` (the command runs in a\n"
          "fresh folder holding the inputs its case needs). Expected: exit code 2 (1 for `vectorize`, which\n"
          "goes on with its other inputs), one line on stderr naming the problem, no file left.\n")
    print("| case | command | exit | message | files left |\n|---|---|---|---|---|")
    for case, args, setup, *env in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            code, lines, left = run_case(args, setup, env[0] if env else None, Path(tmp))
        message = " / ".join(lines).replace(tmp, ".").replace(str(REPO) + "/", "").replace("|", "\\|") or "—"
        command = " ".join(args).replace(str(REPO) + "/", "").replace("|", "\\|")
        print(f"| {case} | `canvasdraw {command}` | {code} | {message} | {', '.join(left) or 'none'} |", flush=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
