"""The first analysis of the file named on the command line, started before the window.

Building the window costs ~1 CPU-s of imports and widgets on the GUI thread; the analysis
(decoding, STFT: mostly outside the GIL) runs meanwhile on the other core. When the
window's coordinator then asks for the same analysis (same file, parameters, kind and
features), it adopts this one (:func:`adopt`): a job that relays its progress and returns
its result, so the first columns are ready when the window shows. Anything else (another
file, other parameters, a file read as a stream) is not adopted and the prefetch stops.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Generator
from pathlib import Path
from typing import Any

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams, fit_to_file
from sonolens.core.progress import Progress
from sonolens.core.view_settings import ViewSettings

_WAIT_S = 0.2  # between checks of the adopting job's cancel while nothing new arrives
_current: _Prefetch | None = None


class _Prefetch:
    """One analysis job driven on a plain thread; its latest progress and its end are
    handed to the adopter (only the latest: snapshots nobody draws are not kept)."""

    def __init__(self, path: Path, params: AnalysisParams, view: ViewSettings,
                 cache: Any = None) -> None:
        self.path = path
        self.cache = cache  # a store.cache.AnalysisCache, or None (not used)
        self.lookup: Any = None  # the cache lookup of the job, handed over with it
        self.params = params
        self.kind = view.kind
        self.features = CATALOG.per_block(CATALOG.shown_by(view.overlays, view.lower_view))
        self.changed = threading.Condition()
        self.latest: Progress | None = None
        self.serial = 0  # counts the progress items made
        self.end: tuple[str, Any] | None = None  # ("done", result) or ("error", exception)
        self.source: Any = None  # the prefetch's own handle on the file (its facts)
        self.decided = threading.Event()  # the file was opened and checked
        self.usable = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sonolens-prefetch", daemon=True)

    def _run(self) -> None:
        from sonolens.audio import open_source
        from sonolens.dsp.segments import reads_segments
        from sonolens.workers.jobs import analysis_job

        try:
            source = self.source = open_source(self.path)
        except Exception:  # the window's own open says what is wrong
            self.decided.set()
            return
        try:
            self.params, _note = fit_to_file(self.params, source.samplerate, source.channels)
            # only a file read in segments: the stream's first pass is the window's own
            self.usable = reads_segments(source, self.params.sr or source.samplerate)
            self.decided.set()
            if not self.usable:
                return
            if self.cache is not None:  # a file analysed before: read, not computed
                from sonolens.workers.cached_jobs import Lookup, cached_analysis

                self.lookup = Lookup()
                job = cached_analysis(self.cache, self.lookup, source, self.params, self.kind,
                                      envelope=True, features=self.features)
            else:
                job = analysis_job(source, self.params, self.kind, envelope=True,
                                   features=self.features)
            try:
                while not self.stop.is_set():
                    progress = next(job)
                    with self.changed:
                        self.latest, self.serial = progress, self.serial + 1
                        self.changed.notify_all()
            except StopIteration as done:
                self._finish(("done", done.value))
            finally:
                job.close()
        except BaseException as exc:  # handed to the adopter, raised in its job
            self._finish(("error", exc))
        finally:
            self.decided.set()
            source.close()

    def _finish(self, end: tuple[str, Any]) -> None:
        with self.changed:
            self.end = end
            self.changed.notify_all()

    def matches(self, path: Path, params: AnalysisParams, kind: str,
                features: tuple[str, ...] | None) -> bool:
        return (_same_file(path, self.path) and params == self.params and kind == self.kind
                and features == self.features)

    def relay(self, target: Any) -> Generator[Progress, None, Any]:
        """The adopted job: the prefetch's latest progress as it comes, then its result;
        what the prefetch's pass learnt about the file (where its data really ends, NaN
        samples) is handed to ``target``, the window's own source. Closing it stops the
        prefetch."""
        seen, last = 0, Progress(0, 1, "analysing")
        try:
            while True:
                with self.changed:
                    self.changed.wait_for(lambda n=seen: self.serial != n or self.end is not None,
                                          timeout=_WAIT_S)
                    serial, latest, end = self.serial, self.latest, self.end
                if serial != seen and latest is not None:
                    seen, last = serial, latest
                    yield latest
                elif end is not None:
                    take = getattr(target, "take_facts", None)
                    if take is not None and self.source is not None:
                        take(self.source)
                    if end[0] == "error":
                        raise end[1]
                    return end[1]
                else:
                    yield last  # a cancel checkpoint while decoding is slow
        finally:
            self.stop.set()


def start(path: str | os.PathLike[str], params: AnalysisParams, view: ViewSettings,
          cache: Any = None) -> None:
    """Start analysing ``path`` as a window with these settings will ask for it (through
    the analysis ``cache`` when the window uses one)."""
    global _current
    discard()
    _current = _Prefetch(Path(path), params, view, cache)
    _current.thread.start()


def adopt(source: Any, params: AnalysisParams, kind: str, features: tuple[str, ...] | None
          ) -> tuple[Generator[Progress, None, Any], Any] | None:
    """(the prefetched analysis job, its cache lookup or None) if it is this one for the
    window's ``source`` (then it is handed over once), else None (and any prefetch is
    stopped). A prefetch that has not yet opened its file (milliseconds; the window took
    far longer to build) is not waited for."""
    global _current
    prefetch, _current = _current, None
    if prefetch is None:
        return None
    prefetch.decided.wait(timeout=0.05)
    if prefetch.usable and prefetch.matches(Path(source.path), params, kind, features):
        job = prefetch.relay(source)
        # a job cancelled before it starts is closed unstarted (its finally never runs)
        weakref.finalize(job, prefetch.stop.set)
        return job, prefetch.lookup
    prefetch.stop.set()
    return None


def discard() -> None:
    """Stop any prefetch (the window opened something else, or closed)."""
    global _current
    prefetch, _current = _current, None
    if prefetch is not None:
        prefetch.stop.set()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
