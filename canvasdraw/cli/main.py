"""`canvasdraw` command line: a thin layer over the library.

User mistakes (unknown renderer, bad file, bad value) print one line on stderr and exit 2.
Compiled XLA programs are kept between runs in a cache folder (`compilation_cache`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import jax

from canvasdraw.cli import knit, render, train, use
from canvasdraw.errors import NonFiniteLossError, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canvasdraw", description="Turn pixel images into sequences of drawing actions.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (use, render, train, knit):
        module.add_commands(commands)
    return parser


MIN_COMPILE_S = 0.2   # programs that compile faster are not kept: reading them back would not pay


def compilation_cache() -> None:
    """Keeps compiled programs in $CANVASDRAW_JAX_CACHE (default: the user's cache folder,
    canvasdraw/jax; empty: none): on 2 CPU cores a drawer or a refinement compiles for seconds,
    longer than it then runs on one picture, and a second run with the same shapes reads it back."""
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "canvasdraw" / "jax"
    folder = os.environ.get("CANVASDRAW_JAX_CACHE", str(default))
    if folder:
        jax.config.update("jax_compilation_cache_dir", folder)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", MIN_COMPILE_S)


def _run(args) -> int:
    if args.overrides and not getattr(args, "takes_config", False):
        raise UserError(f"{args.command} takes no config: --config.{args.overrides[0]} does not apply")
    return args.run(args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    overrides = [a[len("--config."):] for a in argv if a.startswith("--config.")]
    args = build_parser().parse_args([a for a in argv if not a.startswith("--config.")])
    args.overrides = overrides
    compilation_cache()
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
