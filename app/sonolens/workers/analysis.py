"""Keeps the Document's results in step with its source, parameters and view (QtCore only).

Listens to the Document and submits jobs to the JobRunner under fixed keys; a newer
submit under a key cancels the older job, and results carry a Token the Document checks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from sonolens.core.catalog import CATALOG
from sonolens.core.view_settings import ViewSettings
from sonolens.model.document import Document, Token
from sonolens.workers import jobs
from sonolens.workers.runner import JobRunner

KEY_OPEN = "open"
KEY_FEATURES = "features"
KEY_SPECTROGRAM = "spectrogram"
KEY_DETAIL = "detail"  # zoomed-in spectrogram tiles (dsp.tiles)
ANALYSIS_KEYS = (KEY_FEATURES, KEY_SPECTROGRAM, KEY_DETAIL)


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
        document.audio_changed.connect(self._on_document_audio_changed)
        document.params_changed.connect(self._on_document_params_changed)
        document.view_changed.connect(self._on_document_view_changed)
        self._detail_request: tuple[int, frozenset] | None = None
        self._partial_seen: dict[str, tuple[int, tuple]] = {}  # see _changed
        self._analysis_kind: str | None = None  # the kind the running analysis job draws
        self._cancelled_for_open = False
        runner.finished.connect(self._on_runner_finished)
        runner.partial.connect(self._on_runner_partial)
        runner.failed.connect(self._on_runner_failed)

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
        self.runner.submit(KEY_DETAIL,
                           lambda: jobs.detail_job(source, spectrogram, list(keys)),
                           token=self.document.token(self.document.view.kind))

    def recompute(self) -> None:
        """Start every analysis of the current source again (cancelling running ones)."""
        self._submit_features(with_spectrogram=True, with_envelope=True)

    # -- submitting ----------------------------------------------------------------------
    def _submit_features(self, *, with_spectrogram: bool = False,
                         with_envelope: bool = False) -> None:
        """Features; with ``with_spectrogram`` also the display spectrogram from the same
        STFT (one pass instead of two), replacing any spectrogram job."""
        source, params, kind = self.document.source, self.document.params, self.document.view.kind
        if source is None:
            return
        self._analysis_kind = kind if with_spectrogram else None
        if with_spectrogram:
            self.runner.cancel(KEY_SPECTROGRAM)
            self.runner.submit(
                KEY_FEATURES,
                lambda: jobs.analysis_job(source, params, kind, envelope=with_envelope),
                token=self.document.token(kind))
        else:
            self.runner.submit(KEY_FEATURES, lambda: jobs.features_job(source, params),
                               token=self.document.token())

    def _submit_spectrogram(self) -> None:
        source, params = self.document.source, self.document.params
        kind = self.document.view.kind
        if source is not None:
            self.runner.submit(KEY_SPECTROGRAM,
                               lambda: jobs.spectrogram_job(source, params, kind),
                               token=self.document.token(kind))

    # -- document events -----------------------------------------------------------------
    def _on_document_audio_changed(self) -> None:
        for key in ANALYSIS_KEYS:
            self.runner.cancel(key)
        self.recompute()

    def _on_document_params_changed(self) -> None:
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
            self.document.accept_spectrogram(spec, self.document.token(self.document.view.kind))

    def _on_document_view_changed(self, previous: ViewSettings) -> None:
        kind = self.document.view.kind
        if previous.kind == kind:
            return
        if self.runner.is_busy(KEY_FEATURES) and self._analysis_kind == kind:
            # back to the kind the running analysis draws: its picture is the one to show
            self.runner.cancel(KEY_SPECTROGRAM)
        else:
            self._submit_spectrogram()

    # -- runner events -------------------------------------------------------------------
    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key == KEY_OPEN:
            self.document.set_source(result)  # type: ignore[arg-type]
        elif key == KEY_FEATURES and isinstance(result, tuple):
            table, spectrogram, envelope = result
            if envelope is not None:
                self.document.accept_envelope(envelope, token)
            if isinstance(token, Token):
                self.document.accept_features(table, replace(token, kind=""))
            self.document.accept_spectrogram(spectrogram, token)
        elif key == KEY_FEATURES:
            self.document.accept_features(result, token)
        elif key == KEY_SPECTROGRAM:
            self.document.accept_spectrogram(result, token)
        elif key == KEY_DETAIL:
            self.document.accept_detail(result, token)

    def _on_runner_partial(self, key: str, payload: object, token: object) -> None:
        if key == KEY_DETAIL:
            self.document.accept_detail(payload, token)
            return
        doc = self.document
        if key == KEY_FEATURES:
            if not isinstance(payload, tuple):
                return  # only the analysis job's partials are drawn
            payload, envelope, table = payload  # (spectrogram, envelope, table snapshot)
            if envelope is not None and self._changed(
                    "envelope", envelope, (envelope.n_frames, envelope.complete)):
                doc.accept_envelope(envelope, token)
            if table is not None and (doc.features is None or not doc.features.complete):
                doc.accept_features(table, replace(token, kind="") if isinstance(
                    token, Token) else token)
        shown = doc.spectrogram
        if key in (KEY_SPECTROGRAM, KEY_FEATURES) and (
                shown is None or shown is payload or not shown.complete) and self._changed(
                "spectrogram", payload, (payload.filled, payload.complete)):
            # drawn as it grows while nothing complete is shown (a recompute keeps the
            # old, complete picture until the new one is done); once more as it completes
            doc.accept_spectrogram(payload, token)

    def _changed(self, what: str, result: object, state: tuple) -> bool:
        """Whether a growing ``result`` has grown (``state``) since it was last accepted:
        partials keep coming, with the same finished object, until the job ends."""
        seen = (id(result), state)
        if self._partial_seen.get(what) == seen:
            return False
        self._partial_seen[what] = seen
        return True

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_OPEN:
            if self._cancelled_for_open:  # the current file's analysis was stopped for it
                self._cancelled_for_open = False
                self.recompute()
            self.open_failed.emit(str(token), message)
        elif self.document.is_current(token):
            self.analysis_failed.emit(key, message)
