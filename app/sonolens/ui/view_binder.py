"""Keeps the window's views in step with the Document: its view settings, and each result
it holds by key (one slot for ``Document.result_changed(key)``, not one per result)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from sonolens.core.catalog import CATALOG
from sonolens.model.document import Document
from sonolens.model.results import ENVELOPE, FEATURES, PITCH, SPECTROGRAM
from sonolens.model.settings import Settings
from sonolens.ui.views.pitch_layer import PitchLayer
from sonolens.ui.window_layout import CentralViews


class ViewBinder(QObject):
    """Draws ``document``'s results in ``views`` as they land; applies its view settings."""

    def __init__(self, document: Document, settings: Settings, views: CentralViews,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.views = views
        self._drawers: dict[str, Callable[[], None]] = {
            FEATURES: self._draw_features,
            SPECTROGRAM: self._draw_spectrogram,
            ENVELOPE: self._draw_envelope,
            PITCH: self._draw_pitch,
        }
        self.pitch = PitchLayer()  # on the spectrogram while the view's overlays hold it
        document.result_changed.connect(self._on_document_result_changed)

    def apply_view(self) -> None:
        """The document's ViewSettings: spectrogram look, waveform channel, lower view."""
        view, views = self.document.view, self.views
        views.spectrogram.set_view(view)
        self.pitch.a4 = view.a4  # the note in the f0 readout
        self._draw_pitch()
        views.waveform.set_channel(view.waveform_channel)
        if view.lower_view in CATALOG.matrix_views():
            views.matrix.set_kind(view.lower_view, view.colormap)
            views.lower.setCurrentWidget(views.matrix)
        else:  # a view of curves
            views.feature_plot.set_view(view.lower_view)
            views.lower.setCurrentWidget(views.feature_plot)

    def _on_document_result_changed(self, key: str) -> None:
        draw = self._drawers.get(key)
        if draw is not None:
            draw()

    def _draw_features(self) -> None:
        features = self.document.features
        for view in (self.views.spectrogram, self.views.feature_plot, self.views.matrix):
            view.set_features(features)
        if features is not None and features.complete:
            self.settings.set_params(self.document.params)

    def _draw_pitch(self) -> None:
        """The pitch track on the spectrogram while an overlay asks for it (its layer is
        added or removed), from the document's PitchTrack (None: nothing yet)."""
        view, layer = self.views.spectrogram, self.pitch
        track = self.document.result(PITCH) if self.pitch.name in self.document.view.overlays \
            else None
        layer.set_result(track)
        if track is not None and layer not in view.layers:
            view.add_layer(layer)
        elif track is None and layer in view.layers:
            view.remove_layer(layer)
        view.update_legend()
        view.schedule_redraw()

    def _draw_spectrogram(self) -> None:
        self.views.spectrogram.set_spectrogram(self.document.spectrogram)

    def _draw_envelope(self) -> None:
        source = self.document.source
        read = source.read_if_seekable if source is not None else None
        self.views.waveform.set_envelope(self.document.envelope, read=read)
