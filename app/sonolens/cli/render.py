"""`sonolens render AUDIO... -o OUT`: the window's spectrogram image export, headless.

Draws with the same code as File > Export > Spectrogram Image (``ui.render``), on an
offscreen Qt platform when there is no display. Qt is imported only inside :func:`run`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sonolens.audio.files import find_audio_files
from sonolens.cli.cached import add_cache_option, cache_for, cached_spectrogram, cached_table
from sonolens.cli.options import (
    add_analysis_options,
    check_channel_exists,
    params_from_args,
)
from sonolens.cli.render_npz import render_npz, wants_npz
from sonolens.cli.report import Reporter, progress_bar
from sonolens.core.catalog import CATALOG
from sonolens.core.errors import AudioError, OutputError, ParameterError, SonolensError
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import (
    COLORMAPS,
    FREQUENCY_AXES,
    FREQUENCY_SCALES,
    OVERLAYS,
    ViewSettings,
)
from sonolens.export.own_input import refuse_own_inputs

#: --kind -> spectrogram kind of the engine (the other kinds are feature matrices).
SPECTROGRAM_KINDS = {kind.cli: kind.name for kind in CATALOG.kinds}
#: --kind -> (matrix view kind, the feature it draws).
MATRIX_KINDS = {view: (view, f.name) for view, f in CATALOG.matrix_views().items()}
#: What users type for each overlay (its first alias).
#: overlays render draws (the pitch track, a job of its own, is drawn in the window only)
_RENDERED = tuple(n for n in OVERLAYS if CATALOG.feature(n).result == "features")
_OVERLAY_NAMES = ", ".join(CATALOG.feature(name).aliases[0] for name in _RENDERED)
KINDS = (*SPECTROGRAM_KINDS, *MATRIX_KINDS)
DEFAULT_SIZE = (1200, 500)


@dataclass(frozen=True)
class Job:
    """One input file and the PNG it becomes."""

    source: Path
    target: Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render", help="spectrogram image(s) to PNG (or JPEG...), as the window exports them",
        description="Draw the spectrogram (or MFCC / chroma / contrast) image of each AUDIO "
                    "as the window's File > Export > Spectrogram Image does, without a window. "
                    "One AUDIO: -o is the image file. Several AUDIO or a directory: -o is "
                    "a folder and each file becomes <stem>.png there (sub-folders "
                    "mirrored). With --duration every image has the same seconds per "
                    "pixel; --bare gives the data image alone.",
        conflict_handler="resolve",
    )
    parser.add_argument("audio", nargs="*", type=Path, help="audio files or directories")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="image file (one input), written in the format its extension "
                             "names: .png (also without extension), .jpg/.jpeg, .bmp, "
                             ".tif/.tiff, .webp; .npz: the spectrogram matrix (times, "
                             "freqs, values) as File > Export writes it; or a folder "
                             "(several inputs / a directory: one <stem>.png each)")
    parser.add_argument("--demo", action="store_true", help="render the bundled demo sound")
    g = parser.add_argument_group("image")
    g.add_argument("--kind", default="db", choices=KINDS,
                   help="what to draw (linear = magnitude, mel = mel dB, cqt = constant-Q "
                        "dB on a note axis; default db)")
    g.add_argument("--scale", default="linear", choices=tuple(FREQUENCY_SCALES),
                   help="frequency axis of spectrogram kinds (default linear)")
    g.add_argument("--axis", default="hz", choices=tuple(FREQUENCY_AXES),
                   help="frequency axis labels: hz, or notes (C of each octave, semitones "
                        "where there is room; default hz)")
    g.add_argument("--a4", type=float, default=ViewSettings.a4,
                   help="reference pitch of the note names, Hz in [400, 480] "
                        "(default %(default)s)")
    g.add_argument("--colormap", default=ViewSettings.colormap, choices=COLORMAPS)
    g.add_argument("--db-range", type=float, default=ViewSettings.db_range,
                   help="dB shown below the maximum (default %(default)s)")
    g.add_argument("--overlays", default="none",
                   help=f"comma-separated: {_OVERLAY_NAMES}; or none (default) / all")
    g.add_argument("--width", type=int, default=DEFAULT_SIZE[0], help="pixels (default 1200)")
    g.add_argument("--height", type=int, default=DEFAULT_SIZE[1], help="pixels (default 500)")
    g.add_argument("--offset", type=float, default=0.0,
                   help="start of the drawn excerpt, seconds (default 0)")
    g.add_argument("--duration", type=float, default=None,
                   help="length of the drawn excerpt, seconds (default: to the end); with a "
                        "fixed --duration every image spans that many seconds at the same "
                        "time scale, and a shorter file leaves the rest of the image empty")
    g.add_argument("--bare", action="store_true",
                   help="the data image only: no axes, labels, colorbar, legend or margins; "
                        "exactly --width x --height pixels (for image classifiers)")
    parser.add_argument("-j", "--jobs", type=int, default=1,
                        help="files drawn in parallel processes (default 1)")
    add_analysis_options(parser)
    add_cache_option(parser)
    # extract's --features has no meaning here: hide it (and refuse it in run).
    parser.add_argument("--features", default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def overlays_from_text(text: str) -> frozenset[str]:
    """Parse --overlays into keys of :data:`OVERLAYS`; raises ParameterError."""
    if text.strip().lower() in ("", "none"):
        return frozenset()
    if text.strip().lower() == "all":
        return frozenset(_RENDERED)
    chosen = set()
    for raw in text.split(","):
        if not raw.strip():
            continue
        name = CATALOG.resolve(raw)
        if name in OVERLAYS and name not in _RENDERED:
            raise ParameterError(f"overlays: {raw.strip()!r} is drawn in the window only")
        if name not in _RENDERED:
            raise ParameterError(
                f"overlays: unknown overlay {raw.strip()!r} (choose from {_OVERLAY_NAMES}, "
                "or none)")
        chosen.add(name)
    return frozenset(chosen)


def view_from_args(args: argparse.Namespace) -> ViewSettings:
    """The display settings the window would have; raises ParameterError."""
    overlays = overlays_from_text(args.overlays)
    if overlays and args.kind in MATRIX_KINDS:
        raise ParameterError(f"overlays apply to spectrogram kinds, not kind={args.kind!r}")
    lower_view = MATRIX_KINDS[args.kind][0] if args.kind in MATRIX_KINDS else "features"
    kind = SPECTROGRAM_KINDS.get(args.kind, "db")
    return ViewSettings(kind=kind, freq_scale=args.scale, colormap=args.colormap,
                        db_range=args.db_range, overlays=overlays,
                        lower_view=lower_view, freq_axis=args.axis, a4=args.a4).validate()


def is_folder_mode(inputs: list[Path]) -> bool:
    """Several inputs or a directory: -o names a folder."""
    return len(inputs) > 1 or any(p.is_dir() for p in inputs)


def plan_jobs(inputs: list[Path], output: Path) -> tuple[list[Job], list[str]]:
    """Pair inputs with PNG paths; returns (jobs, errors about inputs that give none)."""
    if not is_folder_mode(inputs):
        source = inputs[0]
        target = output / f"{source.stem}.png" if output.is_dir() else output
        return [Job(source, target)], []
    jobs: list[Job] = []
    errors: list[str] = []
    taken: dict[Path, Path] = {}
    for item in inputs:
        if item.is_dir():
            found = list(find_audio_files(item))
            if not found:
                errors.append(f"{item}: no audio files in this directory")
            pairs = [(f, output / f.relative_to(item).with_suffix(".png")) for f in found]
        else:
            pairs = [(item, output / f"{item.stem}.png")]
        for source, target in pairs:
            if target in taken:
                errors.append(f"{source}: {target} is already written for {taken[target]}")
                continue
            taken[target] = source
            jobs.append(Job(source, target))
    return jobs, errors


def _drive(job: Any, label: str, reporter: Reporter) -> Any:
    return progress_bar(job, label, enabled=reporter.interactive)


def _overlay_features(overlays: frozenset[str]) -> tuple[str, ...]:
    """Features the overlays need (the bandwidth band is drawn around the centroid)."""
    return CATALOG.with_needs(overlays)


def render_file(path: Path, params: AnalysisParams, view: ViewSettings, matrix: str | None,
                size: tuple[int, int], reporter: Reporter, *,
                cut: tuple[float, float | None] = (0.0, None), bare: bool = False,
                fmt: str = "PNG", cache: Any = None) -> bytes:
    """PNG (or ``fmt``) bytes of one file (Qt must be set up); ``cut`` = (offset, duration)
    seconds.

    A fixed duration is the image's time span whatever the file's length (one time scale
    for every image of a run). ``cache``: the analysis cache (store.cache.AnalysisCache)
    or None. Raises SonolensError.
    """
    from sonolens.audio import open_source
    from sonolens.audio.excerpt import excerpt
    from sonolens.dsp.engine import extract_features
    from sonolens.dsp.spectrogram import compute_spectrogram
    from sonolens.ui.render import matrix_png, spectrogram_png

    extra = None if cut == (0.0, None) else {"offset": cut[0], "duration": cut[1]}
    with open_source(path) as opened:
        source = excerpt(opened, offset=cut[0], duration=cut[1])

        def table(names: tuple[str, ...], label: str):
            return cached_table(cache, path, params, names, lambda: _drive(
                extract_features(source, params, names), label, reporter), extra=extra,
                source=source)

        if matrix is not None:
            features = table((MATRIX_KINDS[matrix][1],), path.name)
            data = matrix_png(features, MATRIX_KINDS[matrix][0], view, size, span=cut[1],
                              start=cut[0], bare=bare, fmt=fmt)
        else:
            spectrogram = cached_spectrogram(cache, path, params, view.kind, lambda: _drive(
                compute_spectrogram(source, params, view.kind), path.name, reporter),
                extra=extra, source=source)
            features = None
            if view.overlays:
                features = table(_overlay_features(view.overlays), f"{path.name} (overlays)")
            data = spectrogram_png(spectrogram, features, view, size, span=cut[1],
                                   start=cut[0], bare=bare, fmt=fmt, source=source)
        for note in source.warnings:
            reporter.warning(f"{path}: {note}")
    return data


def _setup_qt() -> None:
    """The QApplication for offscreen drawing, set up as the window's (``ui.qt_setup``)."""
    from sonolens.ui.qt_setup import make_application

    make_application(["sonolens"])


def _flush_deleted() -> None:
    """Delete the widgets ``ui.render`` scheduled for deletion (no event loop runs here)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@dataclass(frozen=True)
class Drawing:
    """Everything that decides the pixels, the same for every file (sent to workers)."""

    params: AnalysisParams
    view: ViewSettings
    matrix: str | None
    size: tuple[int, int]
    cut: tuple[float, float | None]
    bare: bool = False
    cache: bool = True  # use the analysis cache (store.cache.cache_from_env)


def run(args: argparse.Namespace, reporter: Reporter) -> int:
    from sonolens.resources import demo_sound

    if args.features is not None:
        raise ParameterError("--features does not apply to render (see --kind, --overlays)")
    params = params_from_args(args)
    view = view_from_args(args)
    matrix = args.kind if args.kind in MATRIX_KINDS else None
    size = (int(args.width), int(args.height))
    if args.jobs < 1:
        raise ParameterError(f"jobs={args.jobs} must be >= 1")
    if args.offset < 0:
        raise ParameterError(f"offset={args.offset:g} s must be >= 0")
    if args.duration is not None and not args.duration > 0:
        raise ParameterError(f"duration={args.duration:g} s must be positive")
    inputs = list(args.audio) + ([demo_sound()] if args.demo else [])
    if not inputs:
        reporter.usage("render needs at least one AUDIO file or directory (or --demo)")
        return 2
    if wants_npz(args.output):  # the matrix, not an image (cli.render_npz)
        return render_npz(args, params, SPECTROGRAM_KINDS.get(args.kind), inputs, reporter)
    folder_mode = is_folder_mode(inputs)
    jobs, problems = plan_jobs(inputs, args.output)
    refuse_own_inputs([job.target for job in jobs],
                      [*(job.source for job in jobs), *(p for p in inputs if not p.is_dir())])
    check_channel_exists(params.channel, [job.source for job in jobs])
    _setup_qt()
    from sonolens.ui.render import MAX_SIZE, MIN_SIZE, image_format

    for name, value in (("width", size[0]), ("height", size[1])):
        if not MIN_SIZE <= value <= MAX_SIZE:
            raise ParameterError(f"{name}={value} must lie in {MIN_SIZE}..{MAX_SIZE} px")
    for job in jobs:
        image_format(job.target)  # the extension names a format Qt writes, or a usage error
    drawing = Drawing(params, view, matrix, size, (args.offset, args.duration), args.bare,
                      cache_for(args) is not None)
    if folder_mode:
        _make_folder(args.output)
    for message in problems:
        reporter.error(message)
    if args.jobs > 1 and len(jobs) > 1:
        outcomes = _render_in_processes(jobs, drawing, folder_mode, args.jobs)
    else:
        outcomes = (_render_one(job, drawing, folder_mode, reporter) for job in jobs)
    written = 0
    failed = len(problems)
    for notes, error in outcomes:
        for note in notes:
            reporter.warning(note)
        if error:
            reporter.error(error)
            failed += 1
        else:
            written += 1
    if written:
        where = args.output if folder_mode else jobs[0].target
        reporter.info(f"wrote {written} image{'s' if written != 1 else ''} "
                      f"({size[0]}x{size[1]} px) to {where}")
    return 1 if failed else 0


def _render_one(job: Job, drawing: Drawing, folder_mode: bool, reporter: Reporter
                ) -> tuple[list[str], str]:
    """Draw and write one PNG: (warnings kept by a _WarningList reporter, error or "")."""
    from sonolens.store.cache import cache_from_env
    from sonolens.ui.render import image_format, write_png

    kept = reporter.kept if isinstance(reporter, _WarningList) else []
    try:
        data = render_file(job.source, drawing.params, drawing.view, drawing.matrix,
                           drawing.size, reporter, cut=drawing.cut, bare=drawing.bare,
                           fmt=image_format(job.target),
                           cache=cache_from_env() if drawing.cache else None)
        if folder_mode:
            _make_folder(job.target.parent)
        write_png(job.target, data)
    except (AudioError, OutputError) as exc:  # their messages name the file
        return kept, str(exc)
    except SonolensError as exc:
        return kept, f"{job.source}: {exc}"
    finally:
        _flush_deleted()
    return kept, ""


def _render_in_processes(jobs: list[Job], drawing: Drawing, folder_mode: bool, workers: int
                         ) -> Iterator[tuple[list[str], str]]:
    """Outcomes of ``jobs`` drawn by ``workers`` processes, in the order of ``jobs``."""
    from concurrent.futures import ProcessPoolExecutor

    from sonolens.export.processes import worker_context

    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(),
                             initializer=_setup_qt) as pool:
        futures = [pool.submit(_render_in_worker, job, drawing, folder_mode) for job in jobs]
        try:
            for job, future in zip(jobs, futures, strict=True):
                try:
                    yield future.result()
                except Exception as exc:  # the worker process died
                    yield [], f"{job.source}: drawing failed ({type(exc).__name__}: {exc})"
        finally:
            for future in futures:
                future.cancel()


class _WarningList(Reporter):
    """A worker's reporter: no progress bar; warnings kept for the parent to print."""

    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.kept: list[str] = []

    def warning(self, message: str) -> None:
        self.kept.append(message)


def _render_in_worker(job: Job, drawing: Drawing, folder_mode: bool
                      ) -> tuple[list[str], str]:
    return _render_one(job, drawing, folder_mode, _WarningList())


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from exc
