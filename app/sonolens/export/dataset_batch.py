"""Build a dataset table from a folder: every audio file analysed once, one row each.

:func:`make_dataset` is a generator job (yields :class:`Progress`, returns a
:class:`DatasetRun`) shared by ``sonolens dataset`` and the window's Batch Export. Files run

* one after another in this process (``jobs=1``; the engine's two threads per file),
* in ``jobs`` worker processes (forked from a fork server that imported the engine once;
  spawned on Windows; one BLAS thread each, one file per task), or
* as tasks on a Dask cluster (``scheduler=ADDRESS`` or ``"local"``; needs ``sonolens[dask]``).

Rows are sorted by filename whatever the order files finish in. A file that fails is
skipped and reported; the table of the others is still written (atomically), and rewritten
every :data:`CHECKPOINT_S` seconds and when the job is closed early (cancel, Ctrl+C), so
that ``resume`` continues an interrupted run. ``Progress.partial`` is the :class:`DatasetRun`
so far.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sonolens.audio.excerpt import excerpt
from sonolens.audio.files import find_audio_files
from sonolens.audio.source import open_source
from sonolens.core.annotations import AnnotationSet
from sonolens.core.errors import AudioError, OutputError, SonolensError
from sonolens.core.progress import Progress, relay, run_to_end
from sonolens.dsp.events import tempo_of_source
from sonolens.dsp.parallel import limit_blas_threads
from sonolens.dsp.pitch import extract_with_pitch
from sonolens.export.dataset_table import (
    DatasetSpec,
    errors_path,
    file_of,
    read_rows,
    relative_name,
    write_errors,
    write_rows,
)
from sonolens.export.labels import read_labels
from sonolens.export.own_input import refuse_own_inputs
from sonolens.export.processes import worker_context

#: Progress units per file (Progress.done counts thousandths of files).
FILE_UNITS = 1000
#: Seconds between rewrites of the output while a long run goes on.
CHECKPOINT_S = 60.0
DASK_MISSING = "--scheduler needs dask: pip install sonolens[dask]"
_POLL_S = 0.2  # how often a parallel run yields (a cancel checkpoint) while files run


@dataclass(frozen=True)
class FileOutcome:
    """One file's row values (None if it failed), its error and warnings (no file name)."""

    filename: str
    values: Any  # DatasetSpec.values / annotation_values of the file, None if it failed
    error: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class DatasetRun:
    """What a finished run did. ``failed`` / ``warnings``: (filename, message), sorted."""

    root: Path
    output: Path
    rows: int = 0  # rows in the written table
    analysed: int = 0  # files analysed by this run (good ones)
    kept: int = 0  # rows kept from the existing output (resume)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    errors_file: Path | None = None
    written: bool = False


# -- one file ---------------------------------------------------------------------------


def analyse_job(path: str | os.PathLike[str], spec: DatasetSpec, *, workers: int = 1
                ) -> Generator[Progress, None, tuple[tuple[float, ...], list[str]]]:
    """Row values and warnings of one file; yields the engine's progress. Raises SonolensError."""
    decoded = 0

    def count(block: Any) -> None:
        nonlocal decoded
        decoded += len(block)

    with open_source(path) as source:
        clip = excerpt(source, offset=spec.offset, duration=spec.duration)
        job = extract_with_pitch(clip, spec.params, spec.features, workers=workers,
                                 on_source_block=count)
        table = yield from job
        notes = list(table.warnings)
        tempo = None
        if spec.tempo and decoded:
            tempo = yield from tempo_of_source(clip, sr=spec.params.sr or clip.samplerate,
                                               channel=spec.params.channel)
    if decoded == 0:
        raise AudioError(path, f"no audio at offset {spec.offset:g} s (the file is shorter)")
    if spec.annotations:
        return spec.annotation_values(table, labels_beside(path)), notes
    return spec.values(table, tempo), notes


def labels_beside(path: str | os.PathLike[str]) -> AnnotationSet:
    """The annotations of the audio ``path``: the label file beside it, with its stem and
    any other (non-audio) suffix (``a.wav`` -> ``a.txt``, ``a.TextGrid``,
    ``a.selections.txt``), the first one a format reads (each read once). Raises
    AudioError (for the errors table) if none."""
    from sonolens.audio.files import AUDIO_SUFFIXES

    path = Path(path)
    candidates = sorted(p for p in path.parent.iterdir()
                        if p != path and p.is_file() and p.name.startswith(path.stem + ".")
                        and p.suffix.lower() not in AUDIO_SUFFIXES)
    problems = []
    for candidate in candidates:
        try:
            return read_labels(candidate)[0]
        except SonolensError as exc:
            problems.append(str(exc))
    if problems:
        raise AudioError(path, f"no readable label file beside it ({problems[0]})")
    raise AudioError(path, f"no label file beside it ({path.stem}.txt, .TextGrid, .csv ...)")


def file_outcome(path: str, filename: str, spec: DatasetSpec, workers: int = 1) -> FileOutcome:
    """Analyse one file; every failure becomes the outcome's ``error`` (never raises)."""
    limit_blas_threads()
    try:
        values, notes = run_to_end(analyse_job(path, spec, workers=workers))
    except Exception as exc:
        return FileOutcome(filename, None, error=describe_error(exc))
    return FileOutcome(filename, values, warnings=tuple(notes))


def describe_error(exc: BaseException) -> str:
    """One line for the errors table: the cause, without the file name."""
    if isinstance(exc, AudioError):
        return exc.cause
    if isinstance(exc, SonolensError):
        return str(exc)
    return f"internal error ({type(exc).__name__}: {exc})"


# -- many files -------------------------------------------------------------------------


def make_dataset(
    root: str | os.PathLike[str], output: str | os.PathLike[str], spec: DatasetSpec, *,
    jobs: int = 1, resume: bool = False, scheduler: str | None = None,
) -> Generator[Progress, None, DatasetRun]:
    """Analyse every audio file under ``root`` and write the table to ``output``.

    ``resume`` keeps the rows of an existing ``output`` (same columns required) and
    analyses only the files it lacks (with ``spec.annotations``: a file is kept when it
    has one row per annotation of its label file). Failed files go to
    ``errors_path(output)``; a stale errors file is removed when nothing failed. Raises
    SonolensError when ``root`` holds no audio or the output cannot be written.
    """
    spec.validate()
    root, output = Path(root), Path(output)
    if not root.is_dir():
        raise AudioError(root, "not a folder" if root.exists() else "folder not found")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{output}: folder {folder} does not exist")
    files = {relative_name(p, root): p for p in find_audio_files(root)}
    if not files:
        raise AudioError(root, "no audio files in this folder")
    refuse_own_inputs([output, errors_path(output)], files.values())
    header = spec.header()
    rows: dict[str, list[str]] = {}
    run = DatasetRun(root, output)
    if resume and output.exists():
        rows = {key: cells for key, cells in read_rows(output, header,
                                                        numbered=spec.annotations).items()
                if file_of(key) in files}
        if spec.annotations:
            rows = _whole_files(rows, files)
        run.kept = len(rows)
    kept_files = {file_of(key) for key in rows}
    todo = [(str(files[name]), name) for name in sorted(files) if name not in kept_files]
    total = len(todo) * FILE_UNITS
    yield Progress(0, total, f"0/{len(todo)} files", run)
    last_write = time.monotonic()
    done = 0
    try:
        for item in _outcomes(todo, spec, jobs=jobs, scheduler=scheduler):
            if isinstance(item, float):  # progress within the running file (sequential)
                within = min(item, 0.99)  # a file is done when its outcome is in
                yield Progress(int((done + within) * FILE_UNITS), total,
                               f"{done}/{len(todo)} files", run)
                continue
            done += 1
            run.warnings += [(item.filename, note) for note in item.warnings]
            if item.values is None:
                run.failed.append((item.filename, item.error))
            else:
                rows.update(spec.rows(item.filename, item.values))
                run.analysed += 1
            if time.monotonic() - last_write > CHECKPOINT_S:
                _write_table(run, header, rows)
                last_write = time.monotonic()
            yield Progress(done * FILE_UNITS, total, f"{done}/{len(todo)} files", run)
    except (GeneratorExit, KeyboardInterrupt):  # cancelled: keep finished rows for resume
        if run.analysed:
            _write_table(run, header, rows)
        raise
    run.failed.sort()
    run.warnings.sort()
    _finish(run, header, rows)
    return run


def _whole_files(rows: dict[str, list[str]], files: dict[str, Path]
                 ) -> dict[str, list[str]]:
    """The annotation rows of the files that have one row per annotation of their label
    file now; the rows of the others are dropped (analysed again, as a full run would)."""
    found: dict[str, int] = {}
    for key in rows:
        found[file_of(key)] = found.get(file_of(key), 0) + 1
    whole = set()
    for name, count in found.items():
        try:
            if len(labels_beside(files[name]).annotations) == count:
                whole.add(name)
        except SonolensError:
            pass
    return {key: cells for key, cells in rows.items() if file_of(key) in whole}


def _write_table(run: DatasetRun, header: list[str], rows: dict[str, list[str]]) -> None:
    write_rows(run.output, header, rows)
    run.rows, run.written = len(rows), True


def _finish(run: DatasetRun, header: list[str], rows: dict[str, list[str]]) -> None:
    """Write the table (if any row) and the errors table (or remove a stale one)."""
    if rows:
        _write_table(run, header, rows)
    errors = errors_path(run.output)
    if run.failed:
        write_errors(errors, run.failed)
        run.errors_file = errors
    else:
        with contextlib.suppress(FileNotFoundError):
            errors.unlink()


def _outcomes(todo: list[tuple[str, str]], spec: DatasetSpec, *, jobs: int,
              scheduler: str | None) -> Iterator[float | FileOutcome]:
    """FileOutcome per file (any order); floats = progress of a file running here."""
    if scheduler is not None:
        with dask_executor(scheduler, jobs) as executor:
            yield from _parallel(todo, spec, executor, in_flight=max(2, 2 * jobs))
    elif jobs > 1:
        with process_executor(jobs) as executor:
            yield from _parallel(todo, spec, executor, in_flight=2 * jobs)
    else:
        yield from _sequential(todo, spec)


def _sequential(todo: list[tuple[str, str]], spec: DatasetSpec
                ) -> Iterator[float | FileOutcome]:
    for path, name in todo:
        try:
            values, notes = yield from relay(analyse_job(path, spec, workers=2),
                                             lambda progress: progress.fraction)
        except Exception as exc:
            yield FileOutcome(name, None, error=describe_error(exc))
        else:
            yield FileOutcome(name, values, warnings=tuple(notes))


def _parallel(todo: list[tuple[str, str]], spec: DatasetSpec, executor: Executor, *,
              in_flight: int) -> Iterator[float | FileOutcome]:
    """Submit at most ``in_flight`` files at a time; yield outcomes as they finish."""
    waiting = iter(todo)
    pending: dict[Future[FileOutcome], str] = {}

    def fill() -> None:
        while len(pending) < in_flight:
            task = next(waiting, None)
            if task is None:
                return
            pending[executor.submit(file_outcome, task[0], task[1], spec)] = task[1]

    try:
        fill()
        while pending:
            finished, _ = wait(list(pending), timeout=_POLL_S, return_when=FIRST_COMPLETED)
            if not finished:
                yield 0.0  # a cancel checkpoint while long files run
            for future in finished:
                name = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # the worker died, or the task could not be sent
                    yield FileOutcome(name, None, error=f"worker failed: {describe_error(exc)}")
            fill()
    finally:
        for future in pending:
            future.cancel()


def _init_worker() -> None:
    """Runs first in each worker process. Unpickling this function imported this module,
    hence numpy: only now can its BLAS be limited (threadpoolctl limits loaded libraries;
    a multi-threaded sgemm sums in another order, and the rows would differ in the last
    bits from a ``jobs=1`` run)."""
    limit_blas_threads()


@contextlib.contextmanager
def process_executor(jobs: int) -> Iterator[Executor]:
    """``jobs`` worker processes, one BLAS thread each, kept for the whole run."""
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=worker_context(),
                                   initializer=_init_worker)
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def dask_executor(scheduler: str, jobs: int) -> Iterator[Executor]:
    """A concurrent.futures view of a Dask Client at ``scheduler`` (``"local"``: a
    LocalCluster of ``jobs`` single-threaded worker processes on this machine)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SonolensError(DASK_MISSING) from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1,
                                   processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:  # unreachable / malformed address
        if cluster is not None:
            cluster.close()
        raise SonolensError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    try:
        executor = client.get_executor(pure=False)
        try:
            yield executor
        finally:
            executor.shutdown(wait=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
