"""Time-series features (RMS, ZCR, flatness) on the shared time axis."""

from __future__ import annotations

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.dsp.minmax import MinMaxPyramid
from sonolens.dsp.pooling import visible_frames
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.value_curve import ValueCurve

FEATURE_CURVES = {  # column -> (legend label, colour)
    column: style for feature in CATALOG.in_view("features")
    for column, style in feature.curve_styles(AnalysisParams()).items()}


class FeaturePlot(TimeView):
    """Curves of the visible range from min/max pyramids (a redraw costs O(pixels), not
    O(frames)): each pixel's mean as a line over its min..max as a faint band, so short
    events stay visible and noisy curves stay readable. The legend is a strip above."""

    def __init__(self) -> None:
        super().__init__(y_label="Value")
        self.set_right_item(None)
        self.legend = self.add_legend_strip()
        self.curves: dict[str, ValueCurve] = {}
        for name, (label, color) in FEATURE_CURVES.items():
            curve = ValueCurve(color, name=label)
            for item in curve.items():
                self.plot.addItem(item)
            self.curves[name] = curve
        self.features = None
        self.pyramids: dict[str, MinMaxPyramid] = {}

    def set_colors(self, colors: tuple[str, ...], background: str) -> None:
        """One colour per curve, in FEATURE_CURVES order, on the plot's ``background``
        (the theme's)."""
        for index, curve in enumerate(self.curves.values()):
            curve.set_color(colors[index % len(colors)], background)
        self._update_legend()

    def _update_legend(self) -> None:
        self.legend.set_entries([(curve.name, curve.color, None)
                                 for name, curve in self.curves.items()
                                 if name in self.pyramids])

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
                curve.clear()
        self._update_legend()
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
            self.curves[name].draw(pyramid, first, stop, width, dt)
