"""Entry point `sonolens`: dispatches subcommands; never shows a traceback to users."""

from __future__ import annotations

import argparse
import os
import sys

from sonolens import __version__
from sonolens.cli import extract
from sonolens.cli.report import Reporter
from sonolens.core.errors import ParameterError, SonolensError

SUBCOMMANDS = ("extract",)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sonolens",
        description="Spectrogram analyzer and librosa-exact feature extractor.",
    )
    parser.add_argument("--version", action="version", version=f"sonolens {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    extract.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not any(a in SUBCOMMANDS for a in argv) and not {"-h", "--help", "--version"} & set(argv):
        print("sonolens: error: the window is not part of this version yet; "
              "use `sonolens extract AUDIO -o OUT.csv` (see `sonolens --help`)", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    reporter = Reporter(quiet=args.quiet)
    try:
        return int(args.run(args, reporter))
    except ParameterError as exc:
        reporter.usage(str(exc))
        return 2
    except SonolensError as exc:
        reporter.error(str(exc))
        return 1
    except KeyboardInterrupt:
        reporter.error("interrupted; nothing was written")
        return 130
    except Exception as exc:  # a bug: say so in one line unless debugging
        if os.environ.get("SONOLENS_DEBUG"):
            raise
        reporter.error(f"internal error ({type(exc).__name__}: {exc}); "
                       "set SONOLENS_DEBUG=1 for details")
        return 1
