"""`sonolens compare A B -o OUT.csv|OUT.png`: two recordings aligned, frame by frame, and
their difference (per-frame feature columns, or the difference spectrogram B - A)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sonolens.cli.options import (
    add_analysis_options,
    check_channel_exists,
    features_from_args,
    params_from_args,
)
from sonolens.cli.report import Reporter, progress_bar

LOW_CONFIDENCE = 0.3
"""Below this fine correlation the files are taken to share no audio."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare", help="two recordings aligned, per-frame features side by side",
        description="Find how much later the shared audio starts in B than in A "
                    "(cross-correlation; printed as 'offset: SECONDS' with its confidence), "
                    "then write one row per aligned frame where both have audio: time, then "
                    "<column>_a, <column>_b and <column>_diff (B - A) for every feature "
                    "column. B is analysed at A's analysis rate. An image OUT (.png, .jpg, "
                    "...) draws the difference spectrogram B - A in dB instead (white: the "
                    "same level, red: B louder, blue: B quieter).",
    )
    parser.add_argument("a", type=Path, metavar="A", help="reference recording")
    parser.add_argument("b", type=Path, metavar="B", help="recording compared with A")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="CSV file to write, or an image of the difference spectrogram")
    parser.add_argument("--offset", type=float, metavar="SECONDS",
                        help="use this offset instead of searching for it")
    parser.add_argument("--summary", action="store_true",
                        help="also print, per feature column, the means of A and B, the mean "
                             "difference and their correlation over the aligned frames, and "
                             "the log-spectral distance (dB)")
    g = parser.add_argument_group("difference spectrogram image")
    g.add_argument("--range", type=float, default=20.0, metavar="DB", dest="range_db",
                   help="colours span -DB..+DB (default 20)")
    g.add_argument("--width", type=int, default=1200, help="image width in pixels")
    g.add_argument("--height", type=int, default=600, help="image height in pixels")
    g.add_argument("--bare", action="store_true",
                   help="the data image alone, exactly WIDTH x HEIGHT pixels (as render)")
    add_analysis_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    from sonolens.audio import open_source
    from sonolens.audio.shifted import ShiftedSource
    from sonolens.core.errors import ParameterError
    from sonolens.dsp.align import find_offset
    from sonolens.dsp.compare import overlap_seconds
    from sonolens.dsp.difference import difference_job
    from sonolens.export.compare_table import comparison_table
    from sonolens.export.csv_table import prefetch_polars, write_feature_csv
    from sonolens.export.own_input import refuse_own_inputs

    image = args.output.suffix.lower() != ".csv"
    if image:
        from sonolens.cli.render import _setup_qt

        _setup_qt()
        from sonolens.ui.render import image_format

        image_format(args.output)  # a usage error before any work
        if not args.range_db > 0:
            raise ParameterError(f"--range {args.range_db}: give a positive number of dB")
    refuse_own_inputs([args.output], [args.a, args.b])
    params = params_from_args(args)
    features = features_from_args(args.features)
    check_channel_exists(params.channel, [args.a, args.b])
    if not image:
        prefetch_polars()
    with open_source(args.a) as a, open_source(args.b) as b:
        if args.offset is None:
            alignment = find_offset(a, b)
            offset, confidence = alignment.offset, alignment.confidence
            print(f"offset: {offset:.6f}\nconfidence: {confidence:.3f}", flush=True)
            if confidence < LOW_CONFIDENCE:
                reporter.error(f"{args.a} and {args.b} seem to share no audio (alignment "
                               f"confidence {confidence:.2f}); nothing written (give "
                               "--offset to compare them anyway)")
                return 1
        else:
            offset = args.offset
            print(f"offset: {offset:.6f}", flush=True)
        duration_a, duration_b = a.frames / a.samplerate, b.frames / b.samplerate
        start, end = overlap_seconds(offset, duration_a, duration_b)
        if start >= end:
            reporter.error(f"at offset {offset:.6f} s {args.a} and {args.b} do not overlap")
            return 1
        moved = ShiftedSource.by_offset(b, offset)
        if image:
            return _write_difference(args, reporter, a, moved, params, start, end)
        table = progress_bar(comparison_table(a, b, offset, params, features),
                             f"{args.a.name} vs {args.b.name}", enabled=reporter.interactive)
        for note in table.warnings:
            reporter.warning(note)
        write_feature_csv(args.output, [(str(args.a), table)], file_column=False)
        reporter.info(f"wrote {table.n_frames} aligned frames ({start:.3f}-{end:.3f} s of "
                      f"{args.a.name}) x {len(table.names)} columns to {args.output}")
        if args.summary:
            first, stop = _frames(params, table.sr, start, end)
            difference = progress_bar(difference_job(a, moved, params, first=first, stop=stop),
                                      "difference", enabled=reporter.interactive)
            print_summary(table, difference.lsd)
    return 0


def _frames(params, sr: int, start: float, end: float) -> tuple[int, int]:
    """Frames [first, stop) whose centre lies in [start, end] s."""
    from sonolens.dsp.compare import centred_frames

    return centred_frames(start, end, hop_length=params.hop_length, sr=sr)


def print_summary(table, lsd: float) -> None:
    """The comparison summary on stdout: a CSV block, then the log-spectral distance."""
    from sonolens.dsp.compare import summary

    print("column,mean_a,mean_b,mean_diff,correlation")
    for column, *values in summary(table):
        print(",".join([column, *(f"{v:.7g}" for v in values)]))
    print(f"log-spectral distance: {lsd:.4f} dB", flush=True)


def _write_difference(args: argparse.Namespace, reporter: Reporter, a, moved, params,
                      start: float, end: float) -> int:
    """Draw B - A (dB) over the frames whose centre lies in [start, end] s of A."""
    from sonolens.dsp.difference import difference_job
    from sonolens.ui.render import difference_png, image_format, write_png

    first, stop = _frames(params, params.sr or a.samplerate, start, end)
    difference = progress_bar(
        difference_job(a, moved, params, first=first, stop=stop, max_columns=args.width),
        "difference", enabled=reporter.interactive)
    data = difference_png(difference, args.range_db, (args.width, args.height),
                          bare=args.bare, fmt=image_format(args.output))
    write_png(args.output, data)
    reporter.info(f"wrote the difference spectrogram ({start:.3f}-{end:.3f} s of "
                  f"{args.a.name}, B - A within ±{args.range_db:g} dB) to {args.output}")
    if args.summary:
        print(f"log-spectral distance: {difference.lsd:.4f} dB", flush=True)
    return 0
