"""`sonolens extract AUDIO... -o OUT.csv`: per-frame features of one or more files."""

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
from sonolens.core.errors import AudioError, SonolensError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract", help="per-frame features to CSV",
        description="Write per-frame features (columns named as librosa's features) to CSV.",
    )
    parser.add_argument("audio", nargs="*", type=Path, help="audio files")
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--demo", action="store_true", help="analyse the bundled demo sound")
    add_analysis_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    from sonolens.audio import open_source
    from sonolens.dsp.engine import extract_features
    from sonolens.export.csv_table import write_feature_csv
    from sonolens.export.own_input import refuse_own_inputs
    from sonolens.resources import demo_sound

    params = params_from_args(args)
    features = features_from_args(args.features)
    inputs = list(args.audio) + ([demo_sound()] if args.demo else [])
    if not inputs:
        reporter.usage("extract needs at least one AUDIO file (or --demo)")
        return 2
    refuse_own_inputs([args.output], inputs)
    check_channel_exists(params.channel, inputs)
    tables = []
    for path in inputs:
        try:
            with open_source(path) as source:
                job = extract_features(source, params, features)
                table = progress_bar(job, f"{path.name}", enabled=reporter.interactive)
        except AudioError as exc:  # its message names the file
            reporter.error(str(exc))
            continue
        except SonolensError as exc:  # e.g. fmax past this file's Nyquist
            reporter.error(f"{path}: {exc}")
            continue
        for note in table.warnings:
            reporter.warning(f"{path}: {note}")
        tables.append((str(path), table))
    if not tables:
        return 1
    try:
        write_feature_csv(args.output, tables, file_column=len(inputs) > 1)
    except SonolensError as exc:
        reporter.error(str(exc))
        return 1
    rows = sum(t.n_frames for _, t in tables)
    reporter.info(f"wrote {rows} frames x {len(tables[0][1].names)} features to {args.output}")
    return 1 if len(tables) < len(inputs) else 0
