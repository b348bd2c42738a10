"""Time-series features (RMS, ZCR, flatness) on the shared time axis."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from sonolens.dsp.minmax import MinMaxPyramid, peak_line
from sonolens.dsp.pooling import visible_frames
from sonolens.ui.views.fast_curve import FastCurve
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.layout import TimeView

FEATURE_CURVES = {  # column -> (legend label, colour)
    "rms": ("RMS", "#4fc3f7"),
    "zero_crossing_rate": ("Zero-crossing rate", "#ffb74d"),
    "spectral_flatness": ("Flatness", "#81c784"),
}


class FeaturePlot(TimeView):
    """Curves of the visible range, at most ~2 points per pixel from min/max pyramids
    (short events stay visible; a redraw costs O(pixels), not O(frames))."""

    def __init__(self) -> None:
        super().__init__(y_label="Value")
        self.set_right_item(None)
        self.legend = self.plot.addLegend(offset=(-8, 8), labelTextColor="#ffffff",
                                          brush=pg.mkBrush(0, 0, 0, 160))
        self.legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # static
        self.curves: dict[str, FastCurve] = {}
        for name, (label, color) in FEATURE_CURVES.items():
            curve = FastCurve(pen=pg.mkPen(color, width=1), name=label)
            self.plot.addItem(curve)
            self.curves[name] = curve
        self.cache_legend_text(self.legend)
        self.features = None
        self.pyramids: dict[str, MinMaxPyramid] = {}

    def set_features(self, features) -> None:
        self.features = features
        self.pyramids = {}
        top = 0.0
        for name, curve in self.curves.items():
            if features is not None and name in features.columns and features.n_frames:
                values = features.columns[name]
                self.pyramids[name] = features.pyramid(name)
                top = max(top, float(np.nanmax(values)) if np.isfinite(values).any() else 0.0)
            else:
                curve.setData([], [])
        self.schedule_redraw()
        # fixed y range: autoranging an empty plot makes a NaN range that blanks every
        # x-linked view
        self.plot.setYRange(0.0, max(top * 1.05, 1e-3), padding=0)

    def clear_data(self) -> None:
        self.set_features(None)

    def redraw(self) -> None:
        features = self.features
        if features is None or not self.pyramids:
            return
        t0, t1, width = self.visible_span()
        dt = features.params.hop_length / float(features.sr)
        first, stop = visible_frames(features.n_frames, dt, t0, t1)
        if interacting():  # dense curves cost pixels: coarser still while moving
            width = max(16, width // 2)
        for name, pyramid in self.pyramids.items():
            x, y = peak_line(*pyramid.span(first, stop, width))
            self.curves[name].setData(x * dt, y)
