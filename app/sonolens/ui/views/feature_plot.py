"""Per-frame feature curves of one lower view (RMS / ZCR / flatness, …) on the time axis.

Which curves a lower view holds comes from the catalog (features drawn as
``Drawn.LOWER_CURVE`` with that ``view``). A feature whose curves differ in scale
(``second_axis``: poly_features' slope and offset) draws its last curve against an axis
of its own on the right: its values are mapped linearly onto the left axis's range.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from sonolens.core.catalog import CATALOG, Drawn
from sonolens.core.params import AnalysisParams
from sonolens.ui.theme import PlotColors
from sonolens.ui.views.curve_layer import CurveLayer
from sonolens.ui.views.layer import BaseLayer
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.text_axis import TextCachedAxis
from sonolens.ui.views.value_curve import ValueCurve

DEFAULT_VIEW = "features"


def curve_styles(view: str) -> dict[str, tuple[str, str]]:
    """Column -> (legend label, colour) of the curves lower view ``view`` draws."""
    return {column: style for feature in CATALOG.in_view(view)
            if feature.drawn is Drawn.LOWER_CURVE
            for column, style in feature.curve_styles(AnalysisParams()).items()}


class FeaturePlot(TimeView):
    """A stack of curve layers, one per curve of the current lower view
    (ui.views.curve_layer: a redraw costs O(pixels), not O(frames)): each pixel's mean as
    a line over its min..max as a faint band, so short events stay visible and noisy
    curves stay readable. The legend is a strip above."""

    def __init__(self) -> None:
        super().__init__(y_label="Value")
        self.set_right_item(None)
        self.add_legend_strip()
        self.view_key = ""
        self.curve_layers: list[CurveLayer] = []
        self.right_axis: pg.AxisItem | None = None  # the second axis, when shown
        self._second_axis = TextCachedAxis("right")
        self._second_axis.enableAutoSIPrefix(False)
        self._axis_style = _AxisStyle(self._second_axis)
        self.add_layer(self._axis_style)
        self._right_range = (0.0, 1.0)  # values of the right-axis curve shown top to bottom
        self.features = None
        self.plot.getViewBox().sigYRangeChanged.connect(self._follow_left_range)
        self.plot.getViewBox().sigResized.connect(self._follow_left_range)
        self._second_axis.geometryChanged.connect(self._follow_left_range)
        self.set_view(DEFAULT_VIEW)

    @property
    def curves(self) -> dict[str, ValueCurve]:
        """Each drawn column's curve, in catalog order."""
        return {layer.column: layer.curve for layer in self.curve_layers}

    @property
    def pyramids(self) -> dict:
        """The min/max pyramid of each curve drawn."""
        return {layer.column: layer.pyramid for layer in self.curve_layers
                if layer.pyramid is not None}

    def set_view(self, view: str) -> None:
        """Draw the curves of lower view ``view`` (a key of core.view_settings.LOWER_VIEWS
        whose features are curves)."""
        if view == self.view_key:
            return
        for layer in self.curve_layers:
            self.remove_layer(layer)
        self.view_key = view
        styles = curve_styles(view)
        self.curve_layers = [
            CurveLayer(name, label, color, palette_index=index, min_frames=1,
                       coarse_while_moving=True)
            for index, (name, (label, color)) in enumerate(styles.items())]
        for index, layer in enumerate(self.curve_layers):
            self.add_layer(layer, index)
            if self._axis_style.colors is not None:  # the theme's, already applied
                layer.restyle(self._axis_style.colors)
        second = any(f.second_axis for f in CATALOG.in_view(view))
        labels = [label for label, _color in styles.values()]
        if second and len(labels) > 1:
            self.right_axis = self._second_axis
            self.right_axis.setLabel(labels[-1])
            self.plot.setLabel("left", " / ".join(labels[:-1]))
        else:
            self.right_axis = None
            self.plot.setLabel("left", _left_label(view))
        if self.right_column is not self.right_axis:
            self.set_right_item(self.right_axis)
        self.set_features(self.features)

    def set_features(self, features) -> None:
        self.features = features
        left: list[np.ndarray] = []
        right: list[np.ndarray] = []
        for layer in self.curve_layers:
            layer.set_result(features)
            layer.to_axis = None
            if layer.pyramid is not None:
                on_right = self.right_axis is not None and layer is self.curve_layers[-1]
                (right if on_right else left).append(features.columns[layer.column])
        self.update_legend()
        lo, hi = _value_range(left)
        # fixed y range: autoranging an empty plot makes a NaN range that blanks every
        # x-linked view
        self.plot.setYRange(lo, hi, padding=0)
        if self.right_axis is not None and right:
            self._right_range = _value_range(right)
            self.curve_layers[-1].to_axis = self._right_to_left
        self._follow_left_range()
        self.schedule_redraw()

    def _right_to_left(self, values: np.ndarray) -> np.ndarray:
        """Right-axis values -> the left axis's coordinates (linear, full range to range)."""
        (lo, hi), (rlo, rhi) = self.plot.getViewBox().viewRange()[1], self._right_range
        return lo + (np.asarray(values, dtype=np.float64) - rlo) * ((hi - lo) / (rhi - rlo))

    def _follow_left_range(self, *_args) -> None:
        """The right axis's labels at the heights the right-axis curve is drawn: its
        values span the plot area, and the axis (a cell of its own, as tall as the plot
        with its time axis) extends that scale over its own height."""
        axis = self.right_axis
        if axis is None:
            return
        lo, hi = self._right_range
        area = self.plot.getViewBox().sceneBoundingRect()
        # the axis's own cell (its bounding rect reaches 15 px past it, for end labels)
        box = axis.mapRectToScene(axis.mapRectFromParent(axis.geometry()))
        if area.height() <= 0 or box.height() <= 0:
            axis.setRange(lo, hi)
            return
        per_pixel = (hi - lo) / area.height()
        axis.setRange(lo - (box.bottom() - area.bottom()) * per_pixel,
                      hi + (area.top() - box.top()) * per_pixel)

    def clear_data(self) -> None:
        self.set_features(None)


class _AxisStyle(BaseLayer):
    """The second axis takes the theme's axis and text colours (it is not the plot's)."""

    def __init__(self, axis: pg.AxisItem) -> None:
        super().__init__("second axis")
        self.axis = axis
        self.colors: PlotColors | None = None  # the theme's last colours

    def restyle(self, colors: PlotColors) -> None:
        self.colors = colors
        self.axis.setPen(colors.axis)
        self.axis.setTextPen(colors.text)


def _value_range(columns: list[np.ndarray]) -> tuple[float, float]:
    """(low, high) shown for ``columns``: from 0 (or the lowest negative value) to the
    highest value, 5 % headroom away from 0; (0, 1e-3) when there is nothing."""
    finite = [c[np.isfinite(c)] for c in columns]
    finite = [c for c in finite if c.size]
    if not finite:
        return 0.0, 1e-3
    lo = min(0.0, min(float(c.min()) for c in finite))
    hi = max(0.0, max(float(c.max()) for c in finite))
    span = hi - lo
    lo = lo - 0.05 * span if lo < 0 else 0.0
    hi = hi + 0.05 * span if hi > 0 else 0.0
    if hi - lo <= 0:
        return 0.0, 1e-3
    return lo, max(hi, lo + 1e-3)


def _left_label(view: str) -> str:
    """A view of one feature: its label and unit (``Onset strength (dB)``); else Value."""
    features = CATALOG.in_view(view)
    if len(features) != 1:
        return "Value"
    feature = features[0]
    return f"{feature.label} ({feature.unit})" if feature.unit else feature.label
