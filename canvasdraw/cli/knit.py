"""`canvasdraw knit`: a knitting program file drawn as fabric or as a chart (PNG, SVG), and
written for a knitting machine (Knitout)."""

from __future__ import annotations

STYLES = {"fabric": "knitting", "chart": "knitting_chart"}  # style -> renderer


def _cmd_knit(args) -> int:
    from pathlib import Path

    from canvasdraw import pictures
    from canvasdraw.errors import UserError
    from canvasdraw.files import write_atomic
    from canvasdraw.render import load_renderer, parse_program, svg
    from canvasdraw.vectorize.knitout import knitout_of

    if not (args.png or args.svg or args.knitout):
        raise UserError("nothing to write: give --png, --svg and/or --knitout")
    if args.stitch < 2 or args.stitch > 64:
        raise UserError(f"--stitch must be 2..64 px, got {args.stitch}")
    try:
        text = Path(args.program).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read {args.program}: {getattr(err, 'strerror', None) or err}") from None
    renderer = load_renderer(STYLES[args.style])
    try:
        program = parse_program(text, renderer.instructions)
    except UserError as err:
        raise UserError(f"{args.program}: {err}") from None
    outputs = []  # everything is made before the first byte is written
    if args.png or args.svg:
        ink, group = renderer.draw_program(program, args.stitch)
        if args.png:
            outputs.append((args.png, pictures.png_bytes(1 - ink[..., None].repeat(3, -1))))
        if args.svg:
            outputs.append((args.svg, svg.document(ink.shape[1], [group], height=ink.shape[0])))
    if args.knitout:
        outputs.append((args.knitout, knitout_of(program, renderer.instructions).text))
    for path, data in outputs:
        write_atomic(path, data)
    rows, cols = program.shape
    print(f"knit {rows}×{cols} stitches ({args.style}) -> " + ", ".join(str(p) for p, _ in outputs))
    return 0


def add_commands(commands) -> None:
    """Adds this module's commands to the `canvasdraw` subcommand parsers."""
    p = commands.add_parser("knit", help="draw a knitting program (one course per line, top first, instruction "
                            "names separated by spaces) as fabric or chart, and write it as Knitout")
    p.add_argument("program", help="program text file, e.g. 'K P K P' per line; instructions: K P T M FR1 FR2 "
                   "FL1 FL2 BR1 BR2 BL1 BL2 XR+ XR- XL+ XL- S")
    p.add_argument("--style", choices=tuple(STYLES), default="fabric", help="fabric (default) or chart")
    p.add_argument("--stitch", type=int, default=8, help="px per stitch (default 8: 20×20 stitches = 160 px)")
    p.add_argument("--png", help="write the drawing here (ink on white)")
    p.add_argument("--svg", help="write the drawing as SVG here")
    p.add_argument("--knitout", help="write the program as Knitout for a V-bed machine here")
    p.set_defaults(run=_cmd_knit)
