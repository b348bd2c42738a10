"""Wires the reassigned layer (ui.views.reassigned_layer) into the window.

The layer sits in the spectrogram view's stack above the stored columns; its requests run
as jobs under :data:`KEY_REASSIGNED` on the window's JobRunner (a newer request cancels
the older), the result goes back to the layer, which draws it if it is still the image
wanted. A new file, parameters or kind clear it; colours follow the view settings.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from sonolens.dsp.reassigned_image import range_image
from sonolens.model.document import Document
from sonolens.ui.views.reassigned_layer import ImageRequest, ReassignedLayer
from sonolens.ui.views.spectrogram_view import SpectrogramView
from sonolens.workers.runner import JobRunner

KEY_REASSIGNED = "reassigned"


class ReassignedDisplay(QObject):
    """The reassigned image of ``view`` for ``document``, computed on ``runner``."""

    def __init__(self, document: Document, runner: JobRunner, view: SpectrogramView,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document, self.runner, self.view = document, runner, view
        self.layer = ReassignedLayer(lambda: view.spectrogram, view.plot_height,
                                     self._on_layer_request)
        view.add_layer(self.layer, index=view.layers.index(view.image_layer) + 1)
        self._follow_view()
        document.audio_changed.connect(self._on_document_changed)
        document.params_changed.connect(self._on_document_changed)
        document.view_changed.connect(self._on_document_view_changed)
        runner.finished.connect(self._on_runner_finished)
        runner.failed.connect(self._on_runner_failed)

    def _follow_view(self) -> None:
        view = self.document.view
        self.layer.set_look(view.colormap, view.db_range)

    def _on_document_changed(self) -> None:
        self.runner.cancel(KEY_REASSIGNED)
        self.layer.clear()

    def _on_document_view_changed(self, previous: object) -> None:
        self._follow_view()
        if getattr(previous, "kind", None) != self.document.view.kind:
            self._on_document_changed()
        self.view.schedule_redraw()

    def _on_layer_request(self, request: ImageRequest) -> None:
        source = self.document.source
        if source is None:
            return
        n_samples = round(source.frames * request.sr / source.samplerate)
        self.runner.submit(KEY_REASSIGNED, lambda: range_image(
            source, request.params, request.sr, request.grid, n_samples), token=request)

    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key == KEY_REASSIGNED and isinstance(token, ImageRequest):
            self.layer.set_image(token, result)  # type: ignore[arg-type]

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_REASSIGNED and token == self.layer.wanted:
            self.layer.fail(f"Reassigned view: {message}")
