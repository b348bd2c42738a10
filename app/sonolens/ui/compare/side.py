"""One side (A or B) of the compare window: a Document analysed by its own coordinator
and runner (as the main window's), drawn in a waveform and a spectrogram."""

from __future__ import annotations

from PySide6.QtCore import QObject

from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui.playback_controller import PlaybackController
from sonolens.ui.view_binder import ViewBinder
from sonolens.ui.window_layout import CentralViews
from sonolens.workers.analysis import AnalysisCoordinator
from sonolens.workers.runner import JobRunner


class _SideBinder(ViewBinder):
    """A ViewBinder that leaves the user's saved analysis settings alone (B's are A's
    with A's rate; the compare window is not where settings are chosen)."""

    def _draw_features(self) -> None:
        features = self.document.features
        for view in (self.views.spectrogram, self.views.feature_plot, self.views.matrix):
            view.set_features(features)


class CompareSide(QObject):
    """``document`` (its source: the file, or B moved by the offset), ``runner``,
    ``coordinator``, ``views`` (waveform and spectrogram are shown), ``playback``."""

    def __init__(self, name: str, params: AnalysisParams, view: ViewSettings,
                 settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.document = Document(params, view, parent=self)
        self.runner = JobRunner(parent=self)
        self.coordinator = AnalysisCoordinator(self.document, self.runner, parent=self)
        self.views = CentralViews()
        self.binder = _SideBinder(self.document, settings, self.views, parent=self)
        self.binder.apply_view()
        self.playback = PlaybackController(self.document, parent=self)
        # zoomed in past the stored columns: detail tiles, as in the main window
        self.views.spectrogram.detail_wanted.connect(self.coordinator.request_detail)
        self.document.audio_changed.connect(self._clear_views)

    def _clear_views(self) -> None:
        for view in self.views.time_views:
            view.clear_data()

    def set_source(self, source, params: AnalysisParams) -> None:
        """Show ``source`` (analysed with ``params``); the previous one is closed."""
        self.document.params = params.validate()  # before the source: one analysis
        self.document.set_source(source)

    @property
    def settled(self) -> bool:
        doc = self.document
        if doc.source is None or self.runner.is_busy():
            return False
        spec = doc.spectrogram
        return (doc.features is not None and doc.features.complete and spec is not None
                and doc.envelope is not None
                and not any(v.redraw_pending for v in self.views.time_views))

    def close(self) -> None:
        self.playback.close_player()
        self.runner.shutdown()
        for view in self.views.time_views:
            view.dispose()
        self.document.close()
