"""Instants on the time axis (onsets, beats, points of an annotation tier) as lines.

Each instant is a vertical line across the whole plot in the layer's colour; the
readout names the instant nearest the mouse when it lies within a few pixels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from sonolens.core.units import format_time
from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart
from sonolens.ui.views.spans_item import SpansItem

NEAR_PX = 3  # the readout names an instant this close to the mouse


class MarkersLayer(BaseLayer):
    """Instants (``set_result``: times in seconds, (n,) float, any order) drawn as
    1 px lines of ``color``; ``label`` names them in the legend and the readout."""

    ignore_bounds = True

    def __init__(self, name: str, label: str, color: str, *, z: float = 15.0) -> None:
        super().__init__(name)
        self.label = label
        self.color = color
        self.item = SpansItem()
        self.item.setZValue(z)
        self.item.set_style(pg.mkPen(color, width=1), pg.mkBrush(None))
        self.times = np.zeros(0, dtype=np.float64)

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item]

    def set_result(self, result: object | None, labels: object = None) -> None:
        """``labels``: (n,) texts of the instants (in the order of ``result``), or None."""
        times = np.zeros(0) if result is None else np.asarray(result, dtype=np.float64)
        times = times.reshape(-1)
        order = np.argsort(times, kind="stable")
        self.times = times[order]
        nan = np.full(len(self.times), np.nan)
        texts = None if labels is None else np.asarray(labels, dtype=object)[order]
        self.item.set_spans(np.column_stack([self.times, self.times, nan, nan]), texts)

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        if not len(self.times) or self.plot is None:
            return []
        k = int(np.argmin(np.abs(self.times - t)))
        seconds_per_px = self.plot.getViewBox().viewPixelSize()[0]
        if abs(self.times[k] - t) > NEAR_PX * seconds_per_px:
            return []
        return [ReadoutPart(self.label, format_time(float(self.times[k])))]

    def legend(self) -> LegendEntry | None:
        return LegendEntry(self.label, self.color) if len(self.times) else None
