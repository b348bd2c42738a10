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
import queue
import threading
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
    """One analysis job driven on a plain thread; its items queued for the adopter."""

    def __init__(self, path: Path, params: AnalysisParams, view: ViewSettings,
                 cache: Any = None) -> None:
        self.path = path
        self.cache = cache  # a store.cache.AnalysisCache, or None (not used)
        self.lookup: Any = None  # the cache lookup of the job, handed over with it
        self.params = params
        self.kind = view.kind
        self.features = CATALOG.per_block(CATALOG.shown_by(view.overlays, view.lower_view))
        self.items: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.decided = threading.Event()  # the file was opened and checked
        self.usable = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sonolens-prefetch", daemon=True)

    def _run(self) -> None:
        from sonolens.audio import open_source
        from sonolens.dsp.segments import reads_segments
        from sonolens.workers.jobs import analysis_job

        try:
            source = open_source(self.path)
        except Exception:  # the window's own open says what is wrong
            self.decided.set()
            return
        try:
            self.params, _note = fit_to_file(self.params, source.samplerate, source.channels)
            # only a file read in segments: its source's facts (length, warnings) are
            # the same whoever reads it; a stream's first pass teaches its own source
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
                    self.items.put(("progress", next(job)))
            except StopIteration as done:
                self.items.put(("done", done.value))
            finally:
                job.close()
        except BaseException as exc:  # handed to the adopter, raised in its job
            self.items.put(("error", exc))
        finally:
            self.decided.set()
            source.close()

    def matches(self, path: Path, params: AnalysisParams, kind: str,
                features: tuple[str, ...] | None) -> bool:
        return (_same_file(path, self.path) and params == self.params and kind == self.kind
                and features == self.features)

    def relay(self) -> Generator[Progress, None, Any]:
        """The adopted job: the prefetch's progress, then its result (closing it stops
        the prefetch)."""
        last = Progress(0, 1, "analysing")
        try:
            while True:
                try:
                    what, value = self.items.get(timeout=_WAIT_S)
                except queue.Empty:
                    yield last  # a cancel checkpoint while decoding is slow
                    continue
                if what == "progress":
                    last = value
                    yield value
                elif what == "done":
                    return value
                else:
                    raise value
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


def adopt(path: str | os.PathLike[str], params: AnalysisParams, kind: str,
          features: tuple[str, ...] | None
          ) -> tuple[Generator[Progress, None, Any], Any] | None:
    """(the prefetched analysis job, its cache lookup or None) if it is this one (then it
    is handed over once), else None (and any prefetch is stopped). A prefetch that has not
    yet opened its file (milliseconds; the window took far longer to build) is not
    waited for."""
    global _current
    prefetch, _current = _current, None
    if prefetch is None:
        return None
    prefetch.decided.wait(timeout=0.05)
    if prefetch.usable and prefetch.matches(Path(path), params, kind, features):
        return prefetch.relay(), prefetch.lookup
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
