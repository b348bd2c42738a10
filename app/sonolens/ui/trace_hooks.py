"""The window's milestones for ``SONOLENS_TRACE`` (core/trace.py), read by the benchmarks.

Events, each when it is first on screen: a paint of the window or of a view's viewport
queues a check that runs once the painted frame was flushed (the next turn of the event
loop); a slow timer checks ``settled`` too, which may come without a paint:

* ``window_built``: the main window constructed (imports and construction; not painted);
* ``window_shown``: the main window's first paint;
* ``spectrogram_first``: the spectrogram view shows columns of the current file;
* ``spectrogram_complete``: it shows every column of the complete spectrogram;
* ``envelope_complete``: the waveform shows the complete envelope;
* ``features_complete``: the overlays and the lower view show the complete table;
* ``settled``: ``MainWindow.is_settled`` (every job idle, every view finished).

The file-dependent events of the second file opened get the suffix ``@2``, and so on.
Nothing is connected unless SONOLENS_TRACE is set.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer

from sonolens.core import trace

SETTLED_POLL_MS = 50
FILE_EVENTS = ("spectrogram_first", "spectrogram_complete", "envelope_complete",
               "features_complete", "settled")


class TraceHooks(QObject):
    """Watches ``window`` (a MainWindow) and marks its milestones once each."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.files = 0  # files opened so far (the suffix of their events)
        self.done: set[str] = set()
        self._poll = QTimer(self)
        self._poll.setInterval(SETTLED_POLL_MS)
        self._poll.timeout.connect(self.check)
        self._after_paint = QTimer(self)  # runs after the paint cycle and its flush
        self._after_paint.setSingleShot(True)
        self._after_paint.setInterval(0)
        self._after_paint.timeout.connect(self._on_painted)
        window.installEventFilter(self)
        for view in window.time_views:
            view.viewport().installEventFilter(self)
        window.document.audio_changed.connect(self._on_audio_changed)
        trace.mark("window_built")

    def _on_audio_changed(self) -> None:
        if self.window.document.source is None:
            return
        self.files += 1
        self.done = {name for name in self.done if name not in FILE_EVENTS}
        self._poll.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._after_paint.isActive():
            self._after_paint.start()
        return False

    def _on_painted(self) -> None:
        if "window_shown" not in self.done:
            self._mark("window_shown")
        self.check()

    def _mark(self, name: str) -> None:
        self.done.add(name)
        suffix = f"@{self.files}" if name in FILE_EVENTS and self.files > 1 else ""
        trace.mark(name + suffix)

    def check(self) -> None:
        """Mark each milestone now reached (cheap: attribute reads only)."""
        window, done = self.window, self.done
        doc = window.document
        if doc.source is None or self.files == 0:
            return
        spec_view = window.spectrogram_view
        spec = doc.spectrogram
        shows_spec = spec is not None and spec_view.spectrogram is spec
        if "spectrogram_first" not in done and shows_spec and spec_view.drawn_filled > 0:
            self._mark("spectrogram_first")
        if ("spectrogram_complete" not in done and shows_spec and spec.complete
                and spec_view.drawn_filled == spec.filled and not spec_view.redraw_pending):
            self._mark("spectrogram_complete")
        wave, envelope = window.waveform, doc.envelope
        if ("envelope_complete" not in done and envelope is not None and envelope.complete
                and wave.envelope is envelope and wave.drawn and not wave.redraw_pending):
            self._mark("envelope_complete")
        features, lower = doc.features, window.lower.currentWidget()
        if ("features_complete" not in done and features is not None and features.complete
                and spec_view.features is features and lower.features is features
                and not spec_view.redraw_pending and not lower.redraw_pending):
            self._mark("features_complete")
        if "settled" not in done and window.is_settled():
            self._mark("settled")
            self._poll.stop()


def connect_trace(window) -> TraceHooks | None:
    """Mark ``window``'s milestones when SONOLENS_TRACE is set; else do nothing (None)."""
    return TraceHooks(window) if trace.enabled() else None
