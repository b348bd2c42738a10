"""The bandwidth band over the spectrogram: its two edges, centroid -/+ bandwidth / 2.

Each edge is a dashed, translucent line through each pixel's mean (no fill over the
image); the edges' values (Hz) are clipped to the frequency axis's range.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from sonolens.dsp.minmax import MinMaxPyramid
from sonolens.dsp.pooling import visible_frames
from sonolens.ui.views.curve_layer import frame_at, frame_seconds
from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart
from sonolens.ui.views.value_curve import ValueCurve

EDGES = ("bandwidth_low", "bandwidth_high")  # FeatureTable.pyramid's derived curves


class BandLayer(BaseLayer):
    """The band of ``column`` (spectral_bandwidth) around the centroid, from a
    FeatureTable (``set_result``); ``label`` names it in the legend and readout."""

    def __init__(self, column: str, label: str, color: str, *, unit: str = "Hz",
                 z: float = 10.0) -> None:
        super().__init__(column)
        self.column = column
        self.unit = unit
        self.swatch: str | None = None
        edge = dict(band=False, style=Qt.PenStyle.DashLine, alpha=170, z=z)
        self.low = ValueCurve(color, **edge)
        self.high = ValueCurve(color, name=label, **edge)
        self.curve = self.high  # the edge that carries the name
        self.features = None
        self.pyramids: dict[str, MinMaxPyramid] = {}
        self.to_axis: Callable[[np.ndarray], np.ndarray] | None = None

    def items(self) -> list[pg.GraphicsObject]:
        return [*self.low.items(), *self.high.items()]

    def set_scale(self, scale) -> None:
        """Edges in Hz drawn on ``scale`` (a FrequencyScale), clipped to its range."""
        self.to_axis = None if scale is None else (
            lambda hz: scale.to_axis(np.clip(hz, scale.fmin, scale.fmax)))

    def set_result(self, result: object | None) -> None:
        """A FeatureTable with the centroid and the bandwidth (else nothing is drawn)."""
        features = result
        self.features = features
        columns = features.columns if features is not None else {}  # type: ignore[attr-defined]
        if self.column in columns and "spectral_centroid" in columns:
            # (built on the worker with the table)
            self.pyramids = {name: features.pyramid(name)  # type: ignore[attr-defined]
                             for name in EDGES}
        else:
            self.pyramids = {}
            self.low.clear()
            self.high.clear()

    def redraw(self, t0: float, t1: float, width: int) -> None:
        if not self.pyramids or self.features is None:
            return
        dt = frame_seconds(self.features)
        first, stop = visible_frames(self.features.n_frames, dt, t0, t1)
        for curve, name in ((self.low, EDGES[0]), (self.high, EDGES[1])):
            curve.draw(self.pyramids[name], first, stop, width, dt, self.to_axis)

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        frame = frame_at(self.features, t) if self.pyramids else None
        if frame is None:
            return []
        value = float(self.features.columns[self.column][frame])  # type: ignore[union-attr]
        return [ReadoutPart(self.high.name.split(" (")[0], f"{value:.4g}", self.unit)]

    def legend(self) -> LegendEntry | None:
        if not self.pyramids:
            return None
        return LegendEntry(self.high.name, self.high.color, self.swatch)
