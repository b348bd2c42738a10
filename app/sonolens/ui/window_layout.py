"""The window's layout: the time views stacked in a splitter (waveform, spectrogram, lower
view) on one x-linked time axis, and the panels docked on the right."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QStackedWidget, QWidget

from sonolens.ui.lazy_panel import LazyPanel
from sonolens.ui.views.feature_plot import FeaturePlot
from sonolens.ui.views.matrix_view import MatrixView
from sonolens.ui.views.spectrogram_view import SpectrogramView
from sonolens.ui.views.waveform_view import WaveformView


class CentralViews:
    """The time views; ``lower`` shows the feature plot or the matrix view."""

    def __init__(self) -> None:
        self.waveform = WaveformView()
        self.spectrogram = SpectrogramView()
        self.feature_plot = FeaturePlot()
        self.matrix = MatrixView()
        self.lower = QStackedWidget()
        self.lower.addWidget(self.feature_plot)
        self.lower.addWidget(self.matrix)
        for view in (self.spectrogram, self.feature_plot, self.matrix):
            view.plot.setXLink(self.waveform.plot)
        self.waveform.show_time_label(False)
        self.spectrogram.show_time_label(False)
        self.feature_plot.show_time_label(True)
        self.matrix.show_time_label(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.waveform)
        splitter.addWidget(self.spectrogram)
        splitter.addWidget(self.lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

    @property
    def time_views(self) -> tuple[WaveformView, SpectrogramView, FeaturePlot, MatrixView]:
        return self.waveform, self.spectrogram, self.feature_plot, self.matrix


def add_dock(window: QMainWindow, title: str, name: str, widget: QWidget) -> QDockWidget:
    """A movable, closable dock on the right of ``window`` (``name``: its saved-state id)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    return dock


def add_tabbed_docks(window: QMainWindow, first: QDockWidget,
                     panels: Sequence[tuple[str, str, LazyPanel]]) -> list[QDockWidget]:
    """Docks for ``panels`` (title, name, a LazyPanel) tabbed behind ``first``, which stays
    in front; a panel works only while its tab is shown."""
    docks = []
    for title, name, widget in panels:
        dock = add_dock(window, title, name, widget)
        window.tabifyDockWidget(first, dock)
        widget.set_shown(False)  # behind the first tab until raised
        dock.visibilityChanged.connect(widget.set_shown)
        docks.append(dock)
    first.raise_()
    window.resizeDocks([first], [340], Qt.Orientation.Horizontal)
    return docks
