"""Entry point `sonolens`: dispatches subcommands; never shows a traceback to users."""

from __future__ import annotations

import argparse
import os
import sys

from sonolens import __version__
from sonolens.cli.report import Reporter
from sonolens.core.errors import LabelFileError, ParameterError, SonolensError

SUBCOMMANDS = ("extract", "dataset", "render", "annotations", "events", "compare")


def build_parser() -> argparse.ArgumentParser:
    # the commands' modules (numpy, soundfile...) load here, not before the window's splash
    from sonolens.cli import annotations, compare, dataset, events, extract, render

    parser = argparse.ArgumentParser(
        prog="sonolens",
        description="Spectrogram analyzer and librosa-exact feature extractor. "
                    "No command writes over one of its inputs (same file by name or "
                    "through a link): that is refused with an error, exit code 2.",
    )
    parser.add_argument("--version", action="version", version=f"sonolens {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress or summary (before or after COMMAND)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    extract.add_parser(sub)
    dataset.add_parser(sub)
    render.add_parser(sub)
    annotations.add_parser(sub)
    events.add_parser(sub)
    compare.add_parser(sub)
    for command in sub.choices.values():  # global options also after the subcommand
        command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                             help="no progress or summary (also before the command)")
    return parser


def build_window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sonolens",
        description="Open the Sonolens window (Ctrl+C in the terminal closes it). "
                    "Subcommands: " + ", ".join(SUBCOMMANDS)
                    + " (see `sonolens COMMAND --help`).",
    )
    parser.add_argument("audio", nargs="?", metavar="AUDIO", help="audio file to open")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo sound")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="wait until every view is drawn, save the window as PNG, "
                             "print the file's warnings ('warning: FILE: ...'), exit")
    parser.add_argument("--version", action="version", version=f"sonolens {__version__}")
    return parser


def session_audio(path: str) -> str:
    """The audio to open for ``path``: itself, or the recording of a ``.sonolens``
    session (read here so that a bad session is one line before any window)."""
    from pathlib import Path

    from sonolens.export.session import SUFFIX, SessionError, read_session

    if Path(path).suffix.lower() != SUFFIX:
        return path
    session = read_session(path)
    if not session.audio.is_file():
        raise SessionError(path, f"the recording {session.audio} is missing")
    return str(session.audio)


def run_window_command(argv: list[str]) -> int:
    args = build_window_parser().parse_args(argv)
    path = args.audio
    if args.demo:
        from sonolens.resources import demo_sound

        path = str(demo_sound())
    if path is not None and args.screenshot is not None:
        from sonolens.audio.source import open_source
        from sonolens.export.own_input import refuse_own_inputs

        audio = session_audio(path)
        refuse_own_inputs([args.screenshot], [path] if audio == path else [path, audio])
        open_source(audio).close()  # fail fast, before any window, with a one-line error
    from sonolens.ui.app import run_window

    return run_window(path, screenshot=args.screenshot)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    window_mode = first not in SUBCOMMANDS and not {"--version"} & set(argv)
    if window_mode and ("-h" in argv or "--help" in argv) and first is None:
        build_parser().print_help()
        print()
        build_window_parser().print_help()
        return 0
    reporter = Reporter(quiet="-q" in argv or "--quiet" in argv)
    if window_mode:
        try:
            return run_window_command([a for a in argv if a not in ("-q", "--quiet")])
        except ParameterError as exc:
            reporter.usage(str(exc))
            return 2
        except SonolensError as exc:
            reporter.error(str(exc))
            return 1
    args = build_parser().parse_args(argv)
    reporter = Reporter(quiet=args.quiet)
    try:
        return int(args.run(args, reporter))
    except (ParameterError, LabelFileError) as exc:  # bad usage or a malformed label file
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
