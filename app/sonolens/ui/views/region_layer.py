"""Time spans on the time axis (annotations, segments), optionally bounded in frequency.

Each region is a translucent box with edge lines in the layer's colour: the whole
plot's height, or, on a view with a frequency scale (the spectrogram), from its lower to
its upper frequency. The readout names the regions under the mouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg

from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart
from sonolens.ui.views.spans_item import SpansItem

FILL_ALPHA = 60  # of 255: the data stay visible under a region


class Region(NamedTuple):
    """[t0, t1] seconds; [fmin, fmax] Hz (None: unbounded); a label for the readout."""

    t0: float
    t1: float
    fmin: float | None = None
    fmax: float | None = None
    label: str = ""


class RegionsLayer(BaseLayer):
    """Regions (``set_result``: a sequence of :class:`Region`) in ``color``; ``name``
    labels them in the legend and the readout. Frequency bounds are drawn on the scale
    given by :meth:`set_scale` (no scale: they are ignored, full height)."""

    ignore_bounds = True

    def __init__(self, name: str, color: str, *, z: float = 5.0) -> None:
        super().__init__(name)
        self.color = color
        self.item = SpansItem()
        self.item.setZValue(z)
        fill = pg.mkColor(color)
        fill.setAlpha(FILL_ALPHA)
        self.item.set_style(pg.mkPen(color, width=1), pg.mkBrush(fill))
        self.regions: list[Region] = []
        self.scale = None

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item]

    def set_scale(self, scale: object | None) -> None:
        self.scale = scale
        self._update()

    def set_result(self, result: object | None) -> None:
        regions: Sequence = result if result is not None else ()  # type: ignore[assignment]
        self.regions = [r if isinstance(r, Region) else Region(*r) for r in regions]
        self._update()

    def _bounds(self) -> np.ndarray:
        """(n, 2) y bounds of the regions on the plot (NaN: to the edge)."""
        hz = np.array([[np.nan if r.fmin is None else r.fmin,
                        np.nan if r.fmax is None else r.fmax] for r in self.regions],
                      dtype=np.float64).reshape(-1, 2)
        if self.scale is None:
            return np.full_like(hz, np.nan)
        lo, hi = self.scale.fmin, self.scale.fmax  # type: ignore[attr-defined]
        inside = np.clip(hz, lo, hi)
        finite = np.isfinite(hz)
        out = np.full_like(hz, np.nan)
        out[finite] = self.scale.to_axis(inside[finite])  # type: ignore[attr-defined]
        return out

    def _update(self) -> None:
        times = np.array([(r.t0, r.t1) for r in self.regions], dtype=np.float64)
        spans = np.column_stack([np.sort(times.reshape(-1, 2), axis=1), self._bounds()])
        labels = [r.label for r in self.regions]
        self.item.set_spans(spans, labels if any(labels) else None)

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        if not self.regions:
            return []
        times = np.array([(r.t0, r.t1) for r in self.regions], dtype=np.float64)
        hit = (times.min(axis=1) <= t) & (t <= times.max(axis=1))
        if y is not None and hit.any():
            bounds = self._bounds()
            y0, y1 = bounds[:, 0], bounds[:, 1]
            hit &= ~((np.isfinite(y0) & (y < y0)) | (np.isfinite(y1) & (y > y1)))
        return [ReadoutPart(self.name, self.regions[k].label) for k in np.flatnonzero(hit)]

    def legend(self) -> LegendEntry | None:
        return LegendEntry(self.name, self.color) if self.regions else None
