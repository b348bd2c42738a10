"""Time-series features (RMS, ZCR, flatness) on the shared time axis."""

from __future__ import annotations

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.ui.views.curve_layer import CurveLayer
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.value_curve import ValueCurve

FEATURE_CURVES = {  # column -> (legend label, colour)
    column: style for feature in CATALOG.in_view("features")
    for column, style in feature.curve_styles(AnalysisParams()).items()}


class FeaturePlot(TimeView):
    """A stack of curve layers, one per FEATURE_CURVES entry (ui.views.curve_layer: a
    redraw costs O(pixels), not O(frames)): each pixel's mean as a line over its min..max
    as a faint band, so short events stay visible and noisy curves stay readable. The
    legend is a strip above."""

    def __init__(self) -> None:
        super().__init__(y_label="Value")
        self.set_right_item(None)
        self.add_legend_strip()
        self.curve_layers = [
            CurveLayer(name, label, color, palette_index=index, min_frames=1,
                       coarse_while_moving=True)
            for index, (name, (label, color)) in enumerate(FEATURE_CURVES.items())]
        for layer in self.curve_layers:
            self.add_layer(layer)
        self.features = None

    @property
    def curves(self) -> dict[str, ValueCurve]:
        """Each feature's curve, in FEATURE_CURVES order."""
        return {layer.column: layer.curve for layer in self.curve_layers}

    @property
    def pyramids(self) -> dict:
        """The min/max pyramid of each curve drawn."""
        return {layer.column: layer.pyramid for layer in self.curve_layers
                if layer.pyramid is not None}

    def set_colors(self, colors: tuple[str, ...], background: str) -> None:
        """One colour per curve, in FEATURE_CURVES order, on the plot's ``background``
        (the theme's)."""
        for index, curve in enumerate(self.curves.values()):
            curve.set_color(colors[index % len(colors)], background)
        self.update_legend()

    def set_features(self, features) -> None:
        self.features = features
        top = 0.0
        for layer in self.curve_layers:
            layer.set_result(features)
            if layer.pyramid is not None:
                values = features.columns[layer.column]
                top = max(top, float(np.nanmax(values)) if np.isfinite(values).any() else 0.0)
        self.update_legend()
        self.schedule_redraw()
        # fixed y range: autoranging an empty plot makes a NaN range that blanks every
        # x-linked view
        self.plot.setYRange(0.0, max(top * 1.05, 1e-3), padding=0)

    def clear_data(self) -> None:
        self.set_features(None)
