"""`canvasdraw` command line: a thin layer over the library.

User mistakes (unknown renderer, bad file, bad value) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys

from canvasdraw.cli_vectorize import add_user_commands


def _cmd_renderers(args) -> int:
    from canvasdraw.registry import describe_installed

    for info in describe_installed():
        print(info.line())
    return 0


def _cmd_render(args) -> int:
    from canvasdraw.drawing import read_actions_file, write_drawing
    from canvasdraw.registry import load_renderer
    from canvasdraw.renderer import UserError

    if args.png is None and args.svg is None:
        raise UserError("nothing to write: give --png and/or --svg")
    rows, named = read_actions_file(args.actions)
    name = args.renderer or named
    if name is None:
        raise UserError("which renderer? give --renderer (see `canvasdraw renderers`)")
    renderer = load_renderer(name)
    write_drawing(renderer, rows, args.size, png=args.png, svg=args.svg)
    print(f"drew {len(rows)} {name} actions at {args.size}px -> "
          + ", ".join(str(p) for p in (args.png, args.svg) if p is not None))
    return 0


def _cmd_rollouts(args) -> int:
    from canvasdraw.registry import load_renderer
    from canvasdraw.renderer import UserError
    from canvasdraw.rollout_files import write_rollouts
    from canvasdraw.rollouts import RolloutSpec

    renderer = load_renderer(args.renderer)
    if args.num < 1 or args.episode_length < 1 or args.workers < 0 or args.shard_size < 1:
        raise UserError("--num, --episode-length and --shard-size must be >= 1, --workers >= 0")
    spec = RolloutSpec(renderer, args.size, args.seed, args.episode_length)
    out = write_rollouts(spec, args.num, args.output, workers=args.workers, shard_size=args.shard_size)
    print(f"wrote {args.num} transitions to {out} (contact sheet: {out / 'contact_sheet.png'})")
    return 0


def _initialize_distributed(args) -> None:
    if args.distributed:
        import jax

        # Unset values are detected from SLURM, Open MPI, Kubernetes or Cloud TPU environments.
        jax.distributed.initialize(args.coordinator, args.num_processes, args.process_id)


def _cmd_train_canvas(args) -> int:
    from canvasdraw.canvas_train import train_and_evaluate
    from canvasdraw.configs import load_config

    _initialize_distributed(args)
    config = load_config(args.config, args.overrides)
    result = train_and_evaluate(config, args.workdir)
    _print_eval(result)
    return 0


def _cmd_train_drawer(args) -> int:
    from canvasdraw.configs import load_config
    from canvasdraw.drawer_train import train_and_evaluate

    _initialize_distributed(args)
    _print_eval(train_and_evaluate(load_config(args.config, args.overrides), args.workdir))
    return 0


def _cmd_eval_drawer(args) -> int:
    from canvasdraw.datasets import load_images
    from canvasdraw.drawer_train import evaluate, restore_drawer

    if args.model:
        from canvasdraw.models import load_model

        model = load_model(args.model)
        drawer, canvas, renderer = model.drawer, model.canvas, model.renderer
    else:
        drawer, canvas, renderer = restore_drawer(args.workdir)
    data = load_images(args.data, drawer.spec.size, args.split)
    _print_eval(evaluate(drawer, canvas, renderer, data, args.limit))
    return 0


def _cmd_eval_canvas(args) -> int:
    from canvasdraw.canvas_train import evaluate
    from canvasdraw.frozen import load_canvas
    from canvasdraw.registry import load_renderer

    canvas = load_canvas(args.workdir)
    _print_eval(evaluate(canvas, load_renderer(canvas.spec.renderer), args.episodes))
    return 0


def _cmd_export_canvas(args) -> int:
    from canvasdraw.frozen import export_canvas, restore_canvas

    size = export_canvas(restore_canvas(args.workdir), args.output, args.half)
    print(f"wrote {args.output} ({size / 1e6:.2f} MB)")
    return 0


def _cmd_refit_canvas(args) -> int:
    from canvasdraw.refit import refit_run

    _print_eval(refit_run(args.workdir, args.data, args.steps, args.eval_images, args.learning_rate))
    print(f"saved the re-fitted canvas in {args.workdir}; continue with train-drawer --workdir {args.workdir} "
          "--config.steps=<more>")
    return 0


def _print_eval(result: dict) -> None:
    print("| metric | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value if isinstance(value, int) else f'{value:.5f}'} |")


def _add_distributed_arguments(p) -> None:
    g = p.add_argument_group("multi-host (docs/multihost.md)")
    g.add_argument("--distributed", action="store_true",
                   help="call jax.distributed.initialize() before training; one process per host")
    g.add_argument("--coordinator", help="HOST:PORT of process 0 (default: from the cluster environment)")
    g.add_argument("--num-processes", type=int, help="number of processes (default: from the cluster)")
    g.add_argument("--process-id", type=int, help="this process's index (default: from the cluster)")




def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canvasdraw", description="Turn pixel images into sequences of drawing actions.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_user_commands(commands)

    p = commands.add_parser("renderers", help="list installed renderers, one per line: "
                            "name, version, composite rule, action parameters, providing package")
    p.set_defaults(run=_cmd_renderers)

    p = commands.add_parser("render", help="draw a JSON list of actions with the real renderer")
    p.add_argument("actions", help='JSON file: a list of rows, or {"renderer": ..., "actions": rows}')
    p.add_argument("--renderer", help="renderer name (default: the file's \"renderer\" field)")
    p.add_argument("--size", type=int, default=64, help="square canvas size in px, 16..1024 (default 64)")
    p.add_argument("--png", help="write the raster here")
    p.add_argument("--svg", help="write the SVG here")
    p.set_defaults(run=_cmd_render)

    p = commands.add_parser("rollouts", help="write random-action rollouts (x_n, y_n, x_n+1) to shards")
    p.add_argument("--renderer", required=True)
    p.add_argument("--size", type=int, default=64, help="canvas size in px, 16..1024 (default 64)")
    p.add_argument("--num", type=int, required=True, help="number of transitions")
    p.add_argument("-o", "--output", required=True, help="output folder (must not exist yet)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--episode-length", type=int, default=8, help="actions before reset to x_0 (default 8)")
    p.add_argument("--workers", type=int, default=2, help="render processes (default 2; 0 = in-process)")
    p.add_argument("--shard-size", type=int, default=4096, help="transitions per shard, rounded down to whole episodes (default 4096)")
    p.set_defaults(run=_cmd_rollouts)

    p = commands.add_parser("train-canvas", help="train a canvas network on rollouts (resumes from --workdir)")
    p.add_argument("--config", required=True, help="configs/NAME.py[:variant]")
    p.add_argument("--workdir", required=True, help="run folder: checkpoints, logs, images")
    _add_distributed_arguments(p)
    p.set_defaults(run=_cmd_train_canvas)

    p = commands.add_parser("eval-canvas", help="held-out fidelity of a trained canvas vs the real renderer")
    p.add_argument("--workdir", required=True, metavar="DIR|FILE|NAME",
                   help="canvas run folder, exported .msgpack file, or shipped canvas name (e.g. bezier)")
    p.add_argument("--episodes", type=int, default=256, help="held-out episodes of 10 actions (default 256)")
    p.set_defaults(run=_cmd_eval_canvas)

    p = commands.add_parser("train-drawer", help="train a drawer through a frozen canvas (resumes from --workdir)")
    p.add_argument("--config", required=True, help="configs/NAME.py[:variant], e.g. configs/drawer_mnist.py:4lstm")
    p.add_argument("--workdir", required=True, help="run folder: checkpoints, logs, images, its canvas")
    _add_distributed_arguments(p)
    p.set_defaults(run=_cmd_train_drawer)

    p = commands.add_parser("eval-drawer", help="held-out L2 of a drawer: real re-render and canvas guess")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    overrides = [a[len("--config."):] for a in argv if a.startswith("--config.")]
    args = build_parser().parse_args([a for a in argv if not a.startswith("--config.")])
    args.overrides = overrides
    from canvasdraw.renderer import UserError

    try:
        return args.run(args)
    except UserError as err:
        print(f"canvasdraw {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"canvasdraw {args.command}: interrupted (training resumes from the last checkpoint)",
              file=sys.stderr)
        return 130
    except RuntimeError as err:
        from canvasdraw.training import NonFiniteLossError

        if not isinstance(err, NonFiniteLossError):
            raise
        print(f"canvasdraw {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
