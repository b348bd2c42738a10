"""Keeps the Document's results in step with its source, parameters and view (QtCore only).

Listens to the Document and submits the jobs of ``workers.registry`` to the JobRunner; a
newer submit under a key cancels the older job, and results carry a Token the Document
checks. What a job returns or yields is offered to ``Document.accept`` as its registry
entry says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from sonolens.core.catalog import CATALOG
from sonolens.core.view_settings import ViewSettings
from sonolens.model.document import Document
from sonolens.model.results import ENVELOPE, FEATURES, PITCH, SPECTROGRAM
from sonolens.workers import jobs, prefetch
from sonolens.workers.cached_jobs import KEY_CACHE, CacheHook
from sonolens.workers.registry import (
    ANALYSIS,
    ANALYSIS_KEYS,
    DETAIL_TILES,
    FEATURES_ADDED,
    FEATURES_ONLY,
    KEY_DETAIL,
    KEY_FEATURES,
    KEY_OPEN,
    KEY_PITCH,
    KEY_SPECTROGRAM,
    PITCH_TRACK,
    SPECTROGRAM_ONLY,
    JobEntry,
)
from sonolens.workers.runner import JobRunner

# fmin/fmax also cut the view (the tutorials' max_freq), so they count for every kind
_SPECTROGRAM_FIELDS = ("sr", "channel", "n_fft", "hop_length", "win_length", "window",
                       "fmin", "fmax")


def spectrogram_params(params, kind: str) -> tuple:
    """The parameters a spectrogram of ``kind`` depends on (others change only features)."""
    names = _SPECTROGRAM_FIELDS + CATALOG.kind(kind).fields
    return tuple(getattr(params, name) for name in names)


class AnalysisCoordinator(QObject):
    """Runs open / envelope / features / spectrogram jobs for one Document."""

    open_failed = Signal(str, str)  # path, one-line message
    analysis_failed = Signal(str, str)  # key, one-line message

    def __init__(self, document: Document, runner: JobRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        runner.run_quietly(KEY_CACHE)  # the cache's writes: nothing to show or cancel
        document.audio_changed.connect(self._on_document_audio_changed)
        document.params_changed.connect(self._on_document_params_changed)
        document.view_changed.connect(self._on_document_view_changed)
        document.all_features_requested.connect(self._on_all_features_requested)
        self._detail_request: tuple[int, frozenset] | None = None
        self._partial_seen: dict[str, tuple[int, tuple]] = {}  # see _changed
        self._analysis_kind: str | None = None  # the kind the running analysis job draws
        self._running: dict[str, JobEntry] = {}  # runner key -> the entry last submitted
        self._features_wanted: tuple[str, ...] = ()  # what the last features job computes
        self._check_shown_after = False  # check _compute_shown_features when it ends
        self._all_wanted = False  # every window feature was asked for (an export, a measure)
        self._cancelled_for_open = False
        self._pitch_for: tuple | None = None  # (generation, params) of the last pitch job
        self.cache = CacheHook()  # the analysis cache (off until the window sets one)
        runner.finished.connect(self._on_runner_finished)
        runner.partial.connect(self._on_runner_partial)
        runner.failed.connect(self._on_runner_failed)
        runner.cancelled.connect(self._on_runner_cancelled)

    def open_file(self, path: str | Path) -> None:
        """Open ``path`` on a worker; the document changes only if it opens."""
        # free the worker threads: opening must not queue behind the current analysis
        self._cancelled_for_open = any(self.runner.is_busy(k) for k in ANALYSIS_KEYS)
        for key in ANALYSIS_KEYS:
            self.runner.cancel(key)
        self.runner.submit(KEY_OPEN, lambda: jobs.open_job(path), token=str(path))

    def request_detail(self, spectrogram: object, keys: list) -> None:
        """Compute these tiles of the document's (pooled, complete) spectrogram, replacing
        any earlier request (the view has moved on)."""
        source = self.document.source
        if source is None or spectrogram is not self.document.spectrogram or not keys:
            return
        request = (id(spectrogram), frozenset(keys))
        running = self._detail_request
        if (running is not None and self.runner.is_busy(KEY_DETAIL)
                and running[0] == request[0] and request[1] <= running[1]):
            return  # the running job computes these already
        self._detail_request = request
        self._submit(DETAIL_TILES, source, spectrogram, list(keys),
                     token=self.document.token(self.document.view.kind))

    def recompute(self) -> None:
        """Start every analysis of the current source again (cancelling running ones)."""
        self._submit_features(with_spectrogram=True, with_envelope=True)

    # -- submitting ----------------------------------------------------------------------
    def _submit(self, entry: JobEntry, *args: Any, token: object, **kwargs: Any) -> None:
        """Run ``entry.run(*args, **kwargs)`` under its key; its results go to the document."""
        self._running[entry.key] = entry
        self.runner.submit(entry.key, self.cache.job(entry, args, kwargs), token=token)

    def wanted_features(self) -> tuple[str, ...]:
        """What the window computes now: the features its views draw (overlays, lower
        view) with what they need, in catalog order; every window feature (the catalog's
        defaults too) once something asked for them (:meth:`Document.request_all_features`).
        What nobody looks at (MFCC, chroma, contrast when not shown) waits until then."""
        view = self.document.view
        names = (CATALOG.window_features(view.overlays, view.lower_view) if self._all_wanted
                 else CATALOG.shown_by(view.overlays, view.lower_view))
        return CATALOG.per_block(names)

    def _submit_features(self, *, with_spectrogram: bool = False,
                         with_envelope: bool = False) -> None:
        """Features; with ``with_spectrogram`` also the display spectrogram from the same
        STFT (one pass instead of two), replacing any spectrogram job."""
        source, params, kind = self.document.source, self.document.params, self.document.view.kind
        if source is None:
            return
        self._analysis_kind = kind if with_spectrogram else None
        self._features_wanted = features = self.wanted_features()
        if with_spectrogram:
            self.runner.cancel(KEY_SPECTROGRAM)
            adopted = (prefetch.adopt(source, params, kind, features) if with_envelope
                       else None)
            if adopted is not None:  # started before the window: the same job, further on
                job, lookup = adopted
                self._running[ANALYSIS.key] = ANALYSIS
                self.cache.adopt(ANALYSIS.key, lookup)
                self.runner.submit(ANALYSIS.key, lambda: job, token=self.document.token(kind))
            else:
                self._submit(ANALYSIS, source, params, kind, envelope=with_envelope,
                             features=features, token=self.document.token(kind))
        else:
            self._submit(FEATURES_ONLY, source, params, features, token=self.document.token())
        self._compute_pitch()

    def _compute_pitch(self) -> None:
        """The pitch track, when an overlay shows it and the document has none for its
        parameters (nor is one being computed for them)."""
        doc = self.document
        shown = [n for n in doc.view.overlays if CATALOG.feature(n).result == PITCH]
        if doc.source is None or not shown:
            return
        track = doc.result(PITCH)
        if track is not None and track.complete and track.params == doc.params:
            return
        if self.runner.is_busy(KEY_PITCH) and self._pitch_for == (doc.generation, doc.params):
            return
        self._pitch_for = (doc.generation, doc.params)
        self._submit(PITCH_TRACK, doc.source, doc.params, token=doc.token())

    def _submit_spectrogram(self) -> None:
        source, params = self.document.source, self.document.params
        kind = self.document.view.kind
        if source is not None:
            self._submit(SPECTROGRAM_ONLY, source, params, kind,
                         token=self.document.token(kind))

    # -- document events -----------------------------------------------------------------
    def _on_all_features_requested(self) -> None:
        self._all_wanted = True
        self._compute_shown_features()

    def _on_document_audio_changed(self) -> None:
        self._all_wanted = False  # a new file: what its views show first
        for key in ANALYSIS_KEYS:
            self.runner.cancel(key)
        if not (self.document.restoring and self._complete()):
            self.recompute()  # (a kept recording shown again with its results: nothing)

    def _complete(self) -> bool:
        """Whether the document holds a finished analysis for its parameters and view."""
        doc = self.document
        spec, envelope, features = doc.spectrogram, doc.envelope, doc.features
        return (spec is not None and spec.complete and spec.kind == doc.view.kind
                and envelope is not None and envelope.complete
                and features is not None and features.complete)

    def _on_document_params_changed(self) -> None:
        self._all_wanted = False  # the new analysis draws what is shown first, again
        spec, envelope = self.document.spectrogram, self.document.envelope
        # an edit during a file's first pass cancels it: redo what it had not finished
        unfinished = envelope is None or not envelope.complete
        if (spec is None or not spec.complete or unfinished
                or spec.kind != self.document.view.kind  # a kind change is under way
                or spectrogram_params(spec.params, spec.kind) != spectrogram_params(
                    self.document.params, self.document.view.kind)):
            self._submit_features(with_spectrogram=True, with_envelope=unfinished)
        else:  # the picture does not depend on what changed: keep it, re-tag it
            self._submit_features()
            self.document.accept(SPECTROGRAM, spec,
                                 self.document.token(self.document.view.kind))

    def _on_document_view_changed(self, previous: ViewSettings) -> None:
        self._compute_shown_features()
        self._compute_pitch()
        kind = self.document.view.kind
        if previous.kind == kind:
            return
        if self.runner.is_busy(KEY_FEATURES) and self._analysis_kind == kind:
            # back to the kind the running analysis draws: its picture is the one to show
            self.runner.cancel(KEY_SPECTROGRAM)
        else:
            self._submit_spectrogram()

    def _compute_shown_features(self) -> None:
        """An opt-in feature the view now shows (poly_features' lower view) and the table
        lacks: compute the features again with it (the table on screen stays until then).
        A features job already running is left to finish (its pass and its picture are
        not thrown away); the check is made again when it ends."""
        doc = self.document
        if doc.source is None:
            return
        wanted = self.wanted_features()
        if self.runner.is_busy(KEY_FEATURES):
            if not set(wanted) <= set(self._features_wanted):
                self._check_shown_after = True
            return
        table = doc.features
        have = table.columns if table is not None else {}
        missing = tuple(name for name in wanted if any(
            column not in have for column in CATALOG.columns(name, doc.params)))
        if not missing:
            return
        if table is None or not table.complete or table.params != doc.params:
            self._submit_features()
            return
        # only what is missing (poly_features: one pass of its own), joined to the table
        self._features_wanted = wanted
        self._analysis_kind = None
        self._submit(FEATURES_ADDED, doc.source, doc.params, table, missing,
                     token=doc.token())

    # -- runner events -------------------------------------------------------------------
    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key == KEY_OPEN:
            self.document.set_source(result)  # type: ignore[arg-type]
            return
        entry = self._running.get(key)
        if entry is not None:
            for name, value in entry.results(result):
                self.document.accept(name, value, token)
        stored = self.cache.store_job(key, entry, result)  # written in the background
        source = self.document.source
        # a damaged file's facts (where its data ends, NaN samples) are not cached with it
        if stored is not None and source is not None and not source.warnings:
            self.runner.submit(*stored)
        self._after_features_job(key)

    def _after_features_job(self, key: str) -> None:
        if key == KEY_FEATURES and self._check_shown_after:
            self._check_shown_after = False
            self._compute_shown_features()

    def _on_runner_partial(self, key: str, payload: object, token: object) -> None:
        entry = self._running.get(key)
        if entry is not None:
            for name, value in entry.partials(payload):
                if self._shows_partial(name, value):
                    self.document.accept(name, value, token)

    def _shows_partial(self, name: str, value: Any) -> bool:
        """Whether a partial result is worth drawing now."""
        doc = self.document
        if name == ENVELOPE:
            return self._changed(ENVELOPE, value, (value.n_frames, value.complete))
        if name == FEATURES:  # snapshots only until a complete table is shown
            return doc.features is None or not doc.features.complete
        if name == SPECTROGRAM:
            # drawn as it grows while nothing complete is shown (a recompute keeps the
            # old, complete picture until the new one is done); once more as it completes
            shown = doc.spectrogram
            return (shown is None or shown is value or not shown.complete) and self._changed(
                SPECTROGRAM, value, (value.filled, value.complete))
        return True

    def _changed(self, what: str, result: object, state: tuple) -> bool:
        """Whether a growing ``result`` has grown (``state``) since it was last accepted:
        partials keep coming, with the same finished object, until the job ends."""
        seen = (id(result), state)
        if self._partial_seen.get(what) == seen:
            return False
        self._partial_seen[what] = seen
        return True

    def _on_runner_cancelled(self, key: str) -> None:
        """A stopped pitch job's provisional track is not kept (nor measured, nor exported);
        stopped features are asked for again only when something needs them again."""
        if key == KEY_FEATURES:
            self._all_wanted = False
        track = self.document.result(PITCH)
        if key == KEY_PITCH and track is not None and not track.complete:
            self.document.accept(PITCH, None, self.document.token())

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_OPEN:
            if self._cancelled_for_open:  # the current file's analysis was stopped for it
                self._cancelled_for_open = False
                self.recompute()
            self.open_failed.emit(str(token), message)
        elif self.document.is_current(token):
            self.analysis_failed.emit(key, message)
