"""Wires the difference detail (ui.views.difference_detail_layer) into the compare window.

The layer sits over the coarse difference image in the window's DifferenceView. What it
asks for waits DEBOUNCE_MS (restarted by every newer request; longer while a pan/zoom
gesture goes on), then runs as a job under :data:`KEY_DETAIL` on the window's runner (a
newer one cancels the older) reading the two open files at random (A's source, B's file
under its ShiftedFile). It runs only for the offset the coarse image was made for and B
is shown at: a changed offset drops the detail (:meth:`invalidate`) and a new one is
asked for when the new coarse image or B arrives.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from sonolens.ui.views.difference_detail_layer import DetailRequest, DifferenceDetailLayer
from sonolens.ui.views.difference_view import COLORMAP
from sonolens.ui.views.interaction import interacting
from sonolens.workers import compare_jobs

KEY_DETAIL = "compare.difference_detail"
DEBOUNCE_MS = 150


class DifferenceDetail(QObject):
    """The detail layer of ``window.difference_view`` (a CompareWindow), its jobs on
    ``window.runner``; ``layer``; ``pending``: a request waiting for its debounce."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        view = window.difference_view
        self.layer = DifferenceDetailLayer(view.image_layer, COLORMAP, self._on_request,
                                           self._on_withdraw)
        view.add_layer(self.layer, index=view.layers.index(view.image_layer) + 1)
        self.pending: DetailRequest | None = None
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._submit)
        window.runner.finished.connect(self._on_finished)
        window.runner.failed.connect(self._on_failed)
        window.b.document.audio_changed.connect(view.schedule_redraw)

    def invalidate(self) -> None:
        """The offset changed: the detail shown and asked for belong to the old one."""
        self.layer.clear()
        self._on_withdraw()
        self.window.difference_view.schedule_redraw()

    @property
    def busy(self) -> bool:
        """A detail is waiting for its debounce or being computed."""
        return self.pending is not None or self.window.runner.is_busy(KEY_DETAIL)

    def _on_request(self, request: DetailRequest) -> None:
        self.pending = request
        self._timer.start()

    def _on_withdraw(self) -> None:
        self.pending = None
        self._timer.stop()
        self.window.runner.cancel(KEY_DETAIL)

    def _sources(self):
        """(A's source, B's file) when B is shown at the offset of the coarse image (the
        one the window shows now), else None."""
        window = self.window
        a, b = window.a.document.source, window.b.document.source
        offset = window.offset
        if (a is None or b is None or offset is None or window.difference_offset != offset
                or b.shift != round(offset * b.samplerate)):
            return None
        return a, b.source

    def _submit(self) -> None:
        request, self.pending = self.pending, None
        if request is None:
            return
        if interacting():  # a gesture goes on: wait for it to rest
            self.pending = request
            self._timer.start()
            return
        sources = self._sources()
        if sources is None:  # asked again when the coarse image or B arrives
            self.layer.forget(request)
            return
        a, b = sources
        window = self.window
        offset, params = window.offset, window.a.document.params
        window.runner.submit(KEY_DETAIL, lambda: compare_jobs.difference_detail_job(
            a, b, offset, params, request.first, request.stop, request.factor),
            token=(window.paths, offset, request))

    def _on_finished(self, key: str, result: object, token: object) -> None:
        if key != KEY_DETAIL or not isinstance(token, tuple):
            return
        paths, offset, request = token
        window = self.window
        if (paths, offset) == (window.paths, window.offset) and self.layer.set_detail(
                request, result):  # type: ignore[arg-type]
            window.difference_view.schedule_redraw()

    def _on_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_DETAIL and isinstance(token, tuple):
            self.layer.forget(token[2])
