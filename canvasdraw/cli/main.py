"""`canvasdraw` command line: a thin layer over the library.

User mistakes (unknown renderer, bad file, bad value) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys

from canvasdraw.cli import knit, render, train, use
from canvasdraw.errors import NonFiniteLossError, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canvasdraw", description="Turn pixel images into sequences of drawing actions.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (use, render, train, knit):
        module.add_commands(commands)
    return parser


def _run(args) -> int:
    if args.overrides and not getattr(args, "takes_config", False):
        raise UserError(f"{args.command} takes no config: --config.{args.overrides[0]} does not apply")
    return args.run(args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    overrides = [a[len("--config."):] for a in argv if a.startswith("--config.")]
    args = build_parser().parse_args([a for a in argv if not a.startswith("--config.")])
    args.overrides = overrides
    try:
        return _run(args)
    except UserError as err:
        print(f"canvasdraw {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"canvasdraw {args.command}: interrupted (training resumes from the last checkpoint)",
              file=sys.stderr)
        return 130
    except NonFiniteLossError as err:
        print(f"canvasdraw {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
