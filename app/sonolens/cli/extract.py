"""`sonolens extract AUDIO... -o OUT.csv`: per-frame features of one or more files."""

from __future__ import annotations

import argparse
from pathlib import Path

from sonolens.cli.cached import add_cache_option, cache_for, cached_table
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
    parser.add_argument("--annotations", type=Path, metavar="LABELS",
                        help="one row per annotation of this label file (Audacity, Raven, "
                             "TextGrid, Sonic Visualiser CSV or Sonolens CSV) instead of one "
                             "per frame: tier,label,start,end,low_hz,high_hz,frames, then "
                             "<column>_mean and <column>_std (population) of every feature "
                             "column over the frames whose centre lies in [start, end) (a "
                             "point: the frame nearest it); one AUDIO only")
    add_analysis_options(parser)
    add_cache_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    from sonolens.audio import open_source
    from sonolens.dsp.pitch import extract_with_pitch
    from sonolens.export.csv_table import prefetch_polars, write_feature_csv
    from sonolens.export.own_input import refuse_own_inputs
    from sonolens.resources import demo_sound

    params = params_from_args(args)
    features = features_from_args(args.features)
    inputs = list(args.audio) + ([demo_sound()] if args.demo else [])
    if not inputs:
        reporter.usage("extract needs at least one AUDIO file (or --demo)")
        return 2
    if args.annotations is not None:
        return _run_annotations(args, reporter, inputs, params, features)
    refuse_own_inputs([args.output], inputs)
    check_channel_exists(params.channel, inputs)
    prefetch_polars()
    tables = []
    cache = cache_for(args)
    for path in inputs:
        try:
            with open_source(path) as source:
                table = cached_table(cache, path, params, features, lambda s=source, p=path:
                                     progress_bar(extract_with_pitch(s, params, features),
                                                  f"{p.name}", enabled=reporter.interactive),
                                     source=source)
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


def _run_annotations(args: argparse.Namespace, reporter: Reporter, inputs: list[Path],
                     params, features) -> int:
    """``--annotations``: one row per annotation of one audio file."""
    from sonolens.audio import open_source
    from sonolens.core.errors import ParameterError
    from sonolens.dsp.pitch import extract_with_pitch
    from sonolens.export.annotation_table import write_annotation_csv
    from sonolens.export.labels import read_labels
    from sonolens.export.own_input import refuse_own_inputs

    if len(inputs) != 1:
        raise ParameterError("--annotations: give exactly one AUDIO file (its labels)")
    refuse_own_inputs([args.output], [*inputs, args.annotations])
    check_channel_exists(params.channel, inputs)
    annotations, _fmt = read_labels(args.annotations)  # LabelFileError: exit 2
    with open_source(inputs[0]) as source:
        table = cached_table(cache_for(args), inputs[0], params, features, lambda: progress_bar(
            extract_with_pitch(source, params, features), inputs[0].name,
            enabled=reporter.interactive), source=source)
        duration = source.frames / float(source.samplerate)
    for note in table.warnings:
        reporter.warning(f"{inputs[0]}: {note}")
    beyond = sum(1 for a in annotations.annotations if a.start > duration)
    if beyond:
        reporter.warning(f"{args.annotations}: {beyond} annotation(s) start after the end of "
                         f"{inputs[0].name} ({duration:.3f} s): kept, with the last frame")
    rows = write_annotation_csv(args.output, table, annotations)
    reporter.info(f"wrote {rows} annotations x {len(table.names)} features to {args.output}")
    return 0
