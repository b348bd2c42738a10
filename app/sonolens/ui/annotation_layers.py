"""The document's annotations drawn over the waveform and the spectrogram: one
:class:`AnnotationsLayer` per view holds every tier (bands only over the spectrogram:
elsewhere a box spans the whole height); hidden tiers are not drawn."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from sonolens.model.document import Document
from sonolens.ui.views.annotation_arrays import AnnotationArrays
from sonolens.ui.views.annotations_layer import AnnotationsLayer
from sonolens.ui.views.layer import Layer
from sonolens.ui.views.layout import TimeView


class AnnotationLayers(QObject):
    """Keeps one annotations layer on ``spectrogram`` and on each of ``others`` (the
    waveform), in step with ``document.annotations``; ``layers``: (view, layer) pairs."""

    def __init__(self, document: Document, spectrogram: TimeView, others: Sequence[TimeView],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.spectrogram = spectrogram
        self.others = list(others)
        self.layers: list[tuple[TimeView, Layer]] = []
        document.annotations_changed.connect(self._on_document_annotations_changed)

    def layer_of(self, view: TimeView) -> AnnotationsLayer | None:
        """The annotations layer on ``view`` (None before any annotations came)."""
        return next((layer for v, layer in self.layers if v is view), None)  # type: ignore[misc]

    def _on_document_annotations_changed(self) -> None:
        data = AnnotationArrays.from_set(self.document.annotations)  # once for all views
        for view in (self.spectrogram, *self.others):
            layer = self.layer_of(view)
            if layer is None:
                layer = AnnotationsLayer()
                view.add_layer(layer)
                self.layers.append((view, layer))
            layer.set_result(data)
            view.update_legend()
            view.schedule_redraw()
