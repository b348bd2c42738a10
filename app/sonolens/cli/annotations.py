"""`sonolens annotations convert IN -o OUT --to FORMAT`: label files between tools.

Reads any supported format (detected from the content; the extension is a hint) and
writes the chosen one. Tiers merge where the output has none. A malformed input is a
usage error (exit 2) naming the file and line; nothing is written then.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sonolens.cli.report import Reporter

#: --to choices (export.labels format names); checked against what is available at run.
TARGETS = ("audacity", "raven", "textgrid", "sv-csv", "csv")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "annotations", help="convert annotation (label) files between tools",
        description="Annotation files: Audacity labels, Raven selection tables, Praat "
                    "TextGrids, Sonic Visualiser CSV layers and Sonolens CSV.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    convert = actions.add_parser(
        "convert", help="read IN (any supported format), write OUT in --to's format",
        description="Read IN in whatever supported format it is in (detected from its "
                    "content) and write OUT in the format --to names. Times keep "
                    "microseconds or better; bands and tiers are kept where OUT's format "
                    "holds them.")
    convert.add_argument("input", type=Path, metavar="IN", help="label file to read")
    convert.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                         help="label file to write (never IN itself)")
    convert.add_argument("--to", required=True, choices=TARGETS, help="format of OUT")
    convert.set_defaults(run=run_convert)


def run_convert(args: argparse.Namespace, reporter: Reporter) -> int:
    from sonolens.core.errors import ParameterError
    from sonolens.export.labels import formats, read_labels, write_labels
    from sonolens.export.own_input import refuse_own_inputs

    available = formats()
    if args.to not in available:
        raise ParameterError(f"to={args.to}: this build cannot write that format yet "
                             f"(available: {', '.join(available)})")
    refuse_own_inputs([args.output], [args.input])
    annotations, source_format = read_labels(args.input)
    write_labels(annotations, args.output, args.to)
    count, tiers = len(annotations.annotations), len(annotations.tiers)
    reporter.info(f"wrote {count} annotation{'s' if count != 1 else ''} "
                  f"({tiers} tier{'s' if tiers != 1 else ''}, read as {source_format.name}) "
                  f"to {args.output} as {args.to}")
    return 0
