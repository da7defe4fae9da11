"""The `canvasdraw` commands for renderers: renderers, render, rollouts."""

from __future__ import annotations


def _cmd_renderers(args) -> int:
    from canvasdraw.render.registry import describe_installed

    for info in describe_installed():
        print(info.line())
    return 0


def _cmd_render(args) -> int:
    from canvasdraw.errors import UserError
    from canvasdraw.render.action_files import read_actions_file, write_drawing
    from canvasdraw.render.registry import load_renderer

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
    from canvasdraw.data.rollout_files import write_rollouts
    from canvasdraw.data.rollouts import RolloutSpec
    from canvasdraw.errors import UserError
    from canvasdraw.render.registry import load_renderer

    renderer = load_renderer(args.renderer)
    if args.num < 1 or args.episode_length < 1 or args.workers < 0 or args.shard_size < 1:
        raise UserError("--num, --episode-length and --shard-size must be >= 1, --workers >= 0")
    spec = RolloutSpec(renderer, args.size, args.seed, args.episode_length)
    out = write_rollouts(spec, args.num, args.output, workers=args.workers, shard_size=args.shard_size)
    print(f"wrote {args.num} transitions to {out} (contact sheet: {out / 'contact_sheet.png'})")
    return 0


def add_commands(commands) -> None:
    """Adds this module's commands to the `canvasdraw` subcommand parsers."""
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
    p.add_argument("--shard-size", type=int, default=4096,
                   help="transitions per shard, rounded down to whole episodes (default 4096)")
    p.set_defaults(run=_cmd_rollouts)
