"""The `canvasdraw` commands for using models: vectorize, demo, models, export-model."""

from __future__ import annotations

import sys
from pathlib import Path


def _cmd_vectorize(args) -> int:
    from canvasdraw.errors import UserError
    from canvasdraw.store.models import load_model
    from canvasdraw.vectorize.report import write_report
    from canvasdraw.vectorize.rooms import finds_rooms
    from canvasdraw.vectorize.run import Options, vectorize

    name = args.workdir or args.model
    model = load_model(name) if name else None  # None: chosen per picture by its pen width
    coarse_name = args.coarse_model or (model.facts.get("coarse") if model else None)
    coarse = load_model(coarse_name) if args.drawer == "hierarchical" and coarse_name else None
    options = Options(args.refine, args.invert, args.batch_size, args.drawer, args.overlap, args.order, coarse,
                      args.passes)
    plans = bool(model) and finds_rooms(model.facts)
    if plans and args.report:
        raise UserError(f"--report shows ink drawings; model {model.name} finds rooms (see each <stem>_overlay.png)")
    rows, errors = vectorize(args.inputs, args.output, model, options)
    drawn_by = model.name if model else "the drawings chosen by pen width"
    for line in errors:
        print(f"canvasdraw vectorize: error: {line}", file=sys.stderr)
    for row in rows:
        if row["warning"]:
            print(f"canvasdraw vectorize: warning: {row['input']}: {row['warning']}", file=sys.stderr)
    if rows and plans:
        print(f"vectorized {len(rows)} plans with {drawn_by} into {args.output}: "
              f"{sum(r['rooms'] for r in rows)} rooms ({sum(not r['rooms'] for r in rows)} plans without rooms)")
    elif rows:
        l2, blank = (sum(r[key] for r in rows) / len(rows) for key in ("l2", "blank_l2"))
        explained = f"{1 - l2 / blank:.0%}" if blank > 0 else "—"
        print(f"vectorized {len(rows)} images with {drawn_by} into {args.output} (mean L2 of the SVGs {l2:.4f}; "
              f"empty drawing {blank:.4f}; {explained} of the ink explained)")
    if args.report:
        print(f"gallery: {write_report(Path(args.output), rows, drawn_by, errors)}")
    return 1 if errors else 0


def _cmd_demo(args) -> int:
    import time

    from canvasdraw.cli.demo import run_demo

    began = time.perf_counter()
    gallery = run_demo(args.output, args.quick)
    print(f"demo done in {(time.perf_counter() - began) / 60:.1f} min; gallery: {gallery}")
    return 0


def _cmd_models(args) -> int:
    from canvasdraw.errors import UserError
    from canvasdraw.store.models import describe_models

    if args.runs is not None and not Path(args.runs).is_dir():
        raise UserError(f"--runs {args.runs} is not a folder")

    print("| name | where | renderer | size | steps | variant | data | held-out L2 of the SVG |\n"
          "|---|---|---|---|---|---|---|---|")
    for m in describe_models(Path(args.runs or "runs")):
        l2 = _held_out_l2(m)
        print(f"| {m['name']} | {m['where']} | {m['renderer']} | {m['size']} | {m['steps']} | {m['variant']} | "
              f"{m['data']} | {l2} |")
    return 0


def _held_out_l2(facts: dict) -> str:
    """The model's held-out L2 as `canvasdraw models` shows it: the SVG's (the page's for sliding
    models), else our raster's, marked as such."""
    if "page_svg_l2" in facts:
        return f"{facts['page_svg_l2']:.4f} ({facts['page_images']} pages)"
    if "svg_l2" in facts:
        return f"{facts['svg_l2']:.4f} ({facts['eval_images']} images)"
    if "real_l2" in facts:
        return f"— (our raster: {facts['real_l2']:.4f}, {facts['eval_images']} images)"
    return "—"


def _page_scores(workdir: str, pages: str) -> dict:
    """{"page_svg_l2", "page_images"}: the mean L2 of the SVGs `vectorize` writes for the pictures
    in folder `pages` with the drawer of `workdir` (slid over them at their own size)."""
    import tempfile

    from canvasdraw.errors import UserError
    from canvasdraw.store.models import model_from_run
    from canvasdraw.vectorize.run import Options, vectorize

    if not Path(pages).is_dir():
        raise UserError(f"--pages {pages} is not a folder")
    with tempfile.TemporaryDirectory() as out:
        rows, errors = vectorize([pages], out, model_from_run(Path(workdir)), Options(drawer="sliding"))
    if errors or not rows:
        raise UserError(f"--pages {pages}: {errors[0] if errors else 'no pictures'}")
    return {"page_svg_l2": sum(r["l2"] for r in rows) / len(rows), "page_images": len(rows)}


def _cmd_export_model(args) -> int:
    from canvasdraw.store.models import export_model

    scores = _page_scores(args.workdir, args.pages) if args.pages else {}
    size = export_model(args.workdir, args.output, args.name, args.data, args.half, args.coarse, args.slides,
                        scores)
    print(f"wrote {args.output} ({size / 1e6:.2f} MB)" + "".join(f"; {k} {v:.4g}" for k, v in scores.items()))
    return 0


def add_commands(commands) -> None:
    """Adds this module's commands to the `canvasdraw` subcommand parsers."""
    p = commands.add_parser("vectorize", help="turn images into drawing actions: SVG, re-render, overlay, JSON")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files and/or folders of images")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder (created if missing)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--model", help="shipped model or model file (see `canvasdraw models`); default: chosen per "
                       "picture by its pen width: lineart_20lstm in one window, or strokes along the centrelines of "
                       "large pictures")
    which.add_argument("--workdir", help="a drawer run folder instead of a shipped model")
    p.add_argument("--refine", type=int, default=None, metavar="K",
                   help="K Adam steps on the actions after the drawer, through the renderer's differentiable twin "
                        "(else the canvas); window by window, all windows' strokes together, those adding little "
                        "dropped after 30 %% of 40 or more steps (default 0 with --model; without it, 100 for pictures "
                        "drawn in one window, 30 for large ones drawn along their centrelines)")
    p.add_argument("--passes", type=int, default=None, metavar="K",
                   help="up to K passes of the drawer, each adding its strokes to the drawing so far, for pictures "
                        "still far from their target (default 1 with --model; without it, 4 for pictures drawn in "
                        "one window)")
    polarity = p.add_mutually_exclusive_group()
    polarity.add_argument("--invert", action="store_true", default=None,
                          help="the input is dark ink on light paper (default: detected from the border)")
    polarity.add_argument("--no-invert", dest="invert", action="store_false",
                          help="the input is light ink on a dark background")
    p.add_argument("--drawer", choices=("auto", "single", "sliding", "hierarchical", "centrelines"), default="auto",
                   help="draw large pictures window by window at their own size (sliding, hierarchical), as "
                        "strokes along their centrelines refined through the model's renderer (centrelines, no "
                        "drawer) or as one S×S picture (single); auto: sliding for models trained on windows:DIR")
    p.add_argument("--no-overlap", dest="overlap", action="store_false",
                   help="sliding windows side by side instead of at half-window stride")
    p.add_argument("--order", choices=("raster", "flood-fill"), default="raster", help="sliding window order")
    p.add_argument("--coarse-model", help="the hierarchical drawer's coarse module (default: the one named by the "
                   "model, else the model itself)")
    p.add_argument("--batch-size", type=int, default=256, help="images per jitted call (default 256)")
    p.add_argument("--report", action="store_true", help="also write OUTDIR/index.html, a gallery of the results")
    p.set_defaults(run=_cmd_vectorize)

    p = commands.add_parser("demo", help="train a tiny canvas and drawer from nothing and vectorize a few "
                            "held-out images (a few minutes on a CPU; resumes if interrupted)")
    p.add_argument("-o", "--output", default="canvasdraw-demo", help="folder for everything (default ./canvasdraw-demo)")
    p.add_argument("--quick", action="store_true", help="a few updates only: checks an install in seconds")
    p.set_defaults(run=_cmd_demo)

    p = commands.add_parser("models", help="list the shipped drawer models and the drawer runs under --runs")
    p.add_argument("--runs", help="folder searched for drawer run folders (default ./runs, if there is one)")
    p.set_defaults(run=_cmd_models)

    p = commands.add_parser("export-model", help="write a drawer run as one model file for vectorize --model")
    p.add_argument("--workdir", required=True, help="drawer run folder")
    p.add_argument("-o", "--output", required=True, help="model file to write (.msgpack)")
    p.add_argument("--name", help="the model's name (default: the run folder's name)")
    p.add_argument("--data", help="training data as `models` shows it (default: the run's data source)")
    p.add_argument("--half", action="store_true", help="store parameters as float16 (half the file size)")
    p.add_argument("--coarse", help="the model `vectorize --drawer hierarchical` takes as its coarse module")
    p.add_argument("--slides", action="store_true", help="a drawer of windows: vectorize slides it over large "
                   "pictures by default (automatic for runs trained on windows:DIR)")
    p.add_argument("--pages", metavar="DIR", help="held-out large pictures: slide the drawer over them and record "
                   "the mean L2 of the SVGs in the model's facts (`canvasdraw models` shows it)")
    p.set_defaults(run=_cmd_export_model)
