"""The `canvasdraw` commands for training and evaluating canvases and drawers."""

from __future__ import annotations

from pathlib import Path

from canvasdraw.errors import UserError


def _initialize_distributed(args) -> None:
    if args.distributed:
        import jax

        # Unset values are detected from SLURM, Open MPI, Kubernetes or Cloud TPU environments.
        jax.distributed.initialize(args.coordinator, args.num_processes, args.process_id)


def _cmd_train_canvas(args) -> int:
    from canvasdraw.train.canvas import train_and_evaluate
    from canvasdraw.train.config_files import load_config

    _initialize_distributed(args)
    config = load_config(args.config, args.overrides)
    result = train_and_evaluate(config, args.workdir, args.allow_changes)
    _print_eval(result)
    return 0


def _cmd_train_drawer(args) -> int:
    from canvasdraw.train.config_files import load_config
    from canvasdraw.train.drawer import train_and_evaluate

    _initialize_distributed(args)
    _print_eval(train_and_evaluate(load_config(args.config, args.overrides), args.workdir, args.allow_changes))
    return 0


def _cmd_eval_drawer(args) -> int:
    from canvasdraw.data.sources import load_images
    from canvasdraw.metrics.drawer import drawer_l2
    from canvasdraw.store.models import load_model, model_from_run

    model = load_model(args.model) if args.model else model_from_run(Path(args.workdir))
    if model.drawer.spec.variant == "anchors":
        raise UserError(f"model {model.name} finds rooms with an anchors drawer, whose boxes are merged before "
                        "they are drawn: score it with scripts/bench_floorplans.py --model MODEL")
    data = load_images(args.data, model.drawer.spec.size, args.split)
    _print_eval(drawer_l2(model.drawer, model.canvas, model.renderer, data, args.limit))
    return 0


def _cmd_eval_canvas(args) -> int:
    from canvasdraw.metrics.canvas import canvas_fidelity
    from canvasdraw.render.registry import load_renderer
    from canvasdraw.store.canvases import load_canvas

    canvas = load_canvas(args.workdir)
    _print_eval(canvas_fidelity(canvas, load_renderer(canvas.spec.renderer), args.episodes))
    return 0


def _cmd_export_canvas(args) -> int:
    from canvasdraw.store.canvases import export_canvas, restore_canvas

    size = export_canvas(restore_canvas(args.workdir), args.output, args.half)
    print(f"wrote {args.output} ({size / 1e6:.2f} MB)")
    return 0


def _cmd_refit_canvas(args) -> int:
    from canvasdraw.train.refit import refit_run

    _print_eval(refit_run(args.workdir, args.data, args.steps, args.eval_images, args.learning_rate))
    print(f"saved the re-fitted canvas in {args.workdir}; continue with train-drawer --config <its config> "
          f"--workdir {args.workdir} --config.steps=<more> --allow-changes")
    return 0


def _print_eval(result: dict) -> None:
    print("| metric | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value if isinstance(value, int) else f'{value:.5f}'} |")


def _add_trainer(commands, name: str, help: str, example: str, workdir: str, run) -> None:
    """A training command: --config FILE[:ARG] (with --config.* overrides), --workdir, multi-host flags."""
    p = commands.add_parser(name, help=f"{help} (resumes from --workdir)")
    p.add_argument("--config", required=True, help=f"configs/NAME.py[:ARG], e.g. {example}")
    p.add_argument("--workdir", required=True, help=workdir)
    p.add_argument("--allow-changes", action="store_true",
                   help="resume a run with other settings than it started with (run.json records the change)")
    g = p.add_argument_group("multi-host (docs/multihost.md)")
    g.add_argument("--distributed", action="store_true",
                   help="call jax.distributed.initialize() before training; one process per host")
    g.add_argument("--coordinator", help="HOST:PORT of process 0 (default: from the cluster environment)")
    g.add_argument("--num-processes", type=int, help="number of processes (default: from the cluster)")
    g.add_argument("--process-id", type=int, help="this process's index (default: from the cluster)")
    p.set_defaults(run=run, takes_config=True)


def add_commands(commands) -> None:
    """Adds this module's commands to the `canvasdraw` subcommand parsers."""
    _add_trainer(commands, "train-canvas", "train a canvas network on rollouts",
                 "configs/canvas.py:renderer=bezier_alpha",
                 "run folder: checkpoints, logs, images", _cmd_train_canvas)

    p = commands.add_parser("eval-canvas", help="held-out fidelity of a trained canvas vs the real renderer")
    p.add_argument("--workdir", required=True, metavar="DIR|FILE|NAME",
                   help="canvas run folder, exported .msgpack file, or shipped canvas name (e.g. bezier)")
    p.add_argument("--episodes", type=int, default=256, help="held-out episodes of 10 actions (default 256)")
    p.set_defaults(run=_cmd_eval_canvas)

    _add_trainer(commands, "train-drawer", "train a drawer through a frozen canvas", "configs/drawer_mnist.py:4lstm",
                 "run folder: checkpoints, logs, images, its canvas", _cmd_train_drawer)

    p = commands.add_parser("eval-drawer", help="held-out L2 of a drawer: its SVG (drawn by Cairo), our raster "
                            "and the canvas guess")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--workdir", help="drawer run folder (its latest checkpoint)")
    source.add_argument("--model", help="a shipped model name or a model file (from export-model)")
    p.add_argument("--data", required=True, help="mnist:DIR, folder:DIR or kanjivg")
    p.add_argument("--split", default="test", choices=("train", "test"))
    p.add_argument("--limit", type=int, help="score only the first N images")
    p.set_defaults(run=_cmd_eval_drawer)

    p = commands.add_parser("refit-canvas", help="fine-tune a drawer run's canvas on the drawer's own "
                            "actions, drawn by the real renderer (then go on with train-drawer)")
    p.add_argument("--workdir", required=True, help="drawer run folder")
    p.add_argument("--data", required=True, help="the drawer's images: mnist:DIR, folder:DIR or kanjivg")
    p.add_argument("--steps", type=int, default=2000, help="canvas updates of 64 transitions (default 2000)")
    p.add_argument("--learning-rate", type=float, default=1e-4, help="Adam step size (default 1e-4)")
    p.add_argument("--eval-images", type=int, default=512, help="held-out images scored before and after")
    p.set_defaults(run=_cmd_refit_canvas)

    p = commands.add_parser("export-canvas", help="write a canvas run's latest weights to one .msgpack file")
    p.add_argument("--workdir", required=True, help="canvas run folder")
    p.add_argument("-o", "--output", required=True, help="weights file to write (.msgpack)")
    p.add_argument("--half", action="store_true", help="store parameters as float16 (half the file size)")
    p.set_defaults(run=_cmd_export_canvas)
