"""`sonolens dataset DIR -o OUT.csv`: one row of feature statistics per audio file.

Never loads Qt. The work is ``export.dataset_batch.make_dataset`` (shared with the window).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sonolens.audio.files import find_audio_files
from sonolens.cli.options import (
    add_analysis_options,
    check_channel_exists,
    features_from_args,
    params_from_args,
)
from sonolens.cli.report import Reporter
from sonolens.core.errors import ParameterError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dataset", help="one row of feature statistics per audio file (an ML table)",
        description="Walk DIR recursively and write one CSV row per audio file: filename "
                    "(relative to DIR), label (its first folder under DIR), then "
                    "<column>_<stat> for every per-frame column of `sonolens extract`.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder of audio files")
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--stats", default="mean,std",
                        help="comma-separated statistics over frames: mean, std, min, max, "
                             "median (default mean,std)")
    parser.add_argument("--layout", default="features", choices=("features", "gtzan"),
                        help="features (default) or gtzan: the GTZAN tutorial's columns, "
                             "22050 Hz mono, first 30 s")
    parser.add_argument("--offset", type=float, default=0.0,
                        help="start of the analysed excerpt, seconds (default 0)")
    parser.add_argument("--duration", type=float, default=None,
                        help="length of the analysed excerpt, seconds (default: to the end; "
                             "gtzan: 30)")
    parser.add_argument("-j", "--jobs", type=int, default=1,
                        help="files analysed in parallel processes (default 1)")
    parser.add_argument("--annotations", action="store_true",
                        help="one row per annotation instead of per file: each audio file's "
                             "label file beside it (same stem, any supported format: "
                             "Audacity, Raven, TextGrid, Sonic Visualiser CSV, Sonolens CSV) "
                             "gives the rows; label = the annotation's label, then tier, "
                             "start, end, low_hz, high_hz and the statistics over its frames")
    parser.add_argument("--tempo", action="store_true",
                        help="add a last column 'tempo': the file's tempo in BPM as "
                             "librosa.beat.beat_track finds it (0 when it finds no beat)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the rows already in OUT and analyse only the other files "
                             "(with --annotations: files with a row per annotation)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run files as tasks on a Dask cluster at ADDRESS "
                             "('local': a LocalCluster of --jobs processes here)")
    add_analysis_options(parser)
    parser.set_defaults(run=run)


def stats_from_args(text: str) -> tuple[str, ...]:
    from sonolens.export.dataset_table import STATISTICS

    chosen: list[str] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name not in STATISTICS:
            raise ParameterError(
                f"stats: unknown statistic {raw.strip()!r} (choose from {', '.join(STATISTICS)})")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise ParameterError("stats: no statistic chosen")
    return tuple(chosen)


def spec_from_args(args: argparse.Namespace):
    """The DatasetSpec the options describe; raises ParameterError."""
    from sonolens.export.dataset_table import GTZAN_DURATION, DatasetSpec

    params = params_from_args(args)
    if args.jobs < 1:
        raise ParameterError(f"jobs={args.jobs} must be >= 1")
    if args.layout == "gtzan":
        if args.annotations:
            raise ParameterError("--annotations does not apply to --layout gtzan (one row "
                                 "per 30 s file)")
        if args.tempo:
            raise ParameterError("--tempo does not apply to --layout gtzan (its columns are "
                                 "fixed)")
        if args.features.strip().lower() != "all" or args.stats != "mean,std":
            raise ParameterError("--features and --stats do not apply to --layout gtzan "
                                 "(its columns are fixed)")
        duration = GTZAN_DURATION if args.duration is None else args.duration
        return DatasetSpec.gtzan(params, offset=args.offset, duration=duration)
    return DatasetSpec(params, features_from_args(args.features), stats_from_args(args.stats),
                       "features", args.offset, args.duration,
                       annotations=args.annotations, tempo=args.tempo).validate()


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    if args.jobs > 1 and args.scheduler is None:
        from sonolens.export.processes import start_fork_server

        start_fork_server()  # it imports the engine while this process does the same
    from sonolens.export.dataset_batch import make_dataset

    spec = spec_from_args(args)
    if args.folder.is_dir():
        check_channel_exists(spec.params.channel, find_audio_files(args.folder))
    job = make_dataset(args.folder, args.output, spec, jobs=args.jobs, resume=args.resume,
                       scheduler=args.scheduler)
    latest = []
    try:
        result = _drive(job, enabled=reporter.interactive, seen=latest)
    except KeyboardInterrupt:
        run = latest[-1] if latest else None
        if run is not None and run.written:
            reporter.error(f"interrupted; the {run.rows} rows finished are in {run.output} "
                           "(run again with --resume to finish)")
        else:
            reporter.error("interrupted; nothing was written")
        return 130
    root = result.root
    for name, note in result.warnings:
        reporter.warning(f"{root / name}: {note}")
    for name, message in result.failed:
        reporter.error(f"{root / name}: {message}")
    _summary(result, reporter)
    return 1 if result.failed else 0


def _drive(job, *, enabled: bool, seen: list):
    """Run ``make_dataset``'s generator, with a files bar on stderr when ``enabled``;
    ``seen`` receives the DatasetRun so far (``Progress.partial``)."""
    from sonolens.core.progress import drive
    from sonolens.export.dataset_batch import FILE_UNITS

    bars = []

    def show(progress) -> None:
        if not seen:
            seen.append(progress.partial)
        if enabled and not bars:
            from tqdm import tqdm

            bars.append(tqdm(total=progress.total // FILE_UNITS, desc="dataset", unit="file",
                             file=sys.stderr, leave=False,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total} "
                                        "files [{elapsed}<{remaining}]"))
        for bar in bars:
            bar.n = progress.done / FILE_UNITS
            bar.refresh()

    try:
        return drive(job, show)
    finally:
        for bar in bars:
            bar.close()


def _summary(result, reporter: Reporter) -> None:
    parts = []
    if result.written:
        kept = f" ({result.kept} kept from before)" if result.kept else ""
        parts.append(f"wrote {result.rows} row{'s' if result.rows != 1 else ''}{kept} "
                     f"to {result.output}")
    else:
        parts.append(f"nothing written to {result.output}")
    if result.failed:
        parts.append(f"{len(result.failed)} file{'s' if len(result.failed) != 1 else ''} "
                     f"failed (listed in {result.errors_file})")
    reporter.info("; ".join(parts))
