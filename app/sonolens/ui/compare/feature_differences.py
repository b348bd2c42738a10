"""Difference curves B - A of the features of a lower view (chosen in a combo box), on the
compare window's time axis; a dashed line marks 0 (no difference)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from sonolens.core.catalog import CATALOG
from sonolens.ui.views.feature_plot import FeaturePlot, curve_styles

DEFAULT_VIEW = "features"


def curve_views() -> dict[str, str]:
    """Lower views drawn as curves (not matrices) -> their menu names."""
    matrices = CATALOG.matrix_views()
    return {key: label for key, label in CATALOG.lower_views().items()
            if key not in matrices and curve_styles(key)}


class FeatureDifferences(QWidget):
    """``plot_view`` (a FeaturePlot of the difference table), ``chooser`` (the view)."""

    def __init__(self) -> None:
        super().__init__()
        self.plot_view = FeaturePlot()
        self.chooser = QComboBox()
        for key, label in curve_views().items():
            self.chooser.addItem(label, key)
        index = self.chooser.findData(DEFAULT_VIEW)
        self.chooser.setCurrentIndex(max(index, 0))
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False,
                               pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
        self.plot_view.plot.addItem(zero, ignoreBounds=True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Difference B − A of"))
        row.addWidget(self.chooser)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plot_view, 1)
        self._on_chosen()

    @property
    def features(self):
        return self.plot_view.features

    def set_features(self, table) -> None:
        self.plot_view.set_features(table)
        self._label()

    def _on_chosen(self) -> None:
        self.plot_view.set_view(self.chooser.currentData())
        self._label()

    def _label(self) -> None:
        labels = [label for label, _ in curve_styles(self.chooser.currentData()).values()]
        self.plot_view.plot.setLabel("left", "B − A")
        self.plot_view.plot.getAxis("left").setToolTip(", ".join(labels))
