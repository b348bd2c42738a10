"""Every annotation tier of a view as one layer: one graphics item, a legend entry per tier.

Spans reach the plot's full height, boxes lie within their band on a view with a
frequency scale (the spectrogram; :meth:`set_scale`) and reach the full height elsewhere,
points are lines. The readout names what lies under the mouse (tier and label).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from sonolens.core.annotations import AnnotationSet
from sonolens.core.units import format_time
from sonolens.ui.views.annotation_arrays import AnnotationArrays
from sonolens.ui.views.annotations_item import AnnotationsItem
from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart

NEAR_PX = 3  # the readout names a point this close to the mouse
MAX_READOUT = 4  # annotations named at most in the readout


class AnnotationsLayer(BaseLayer):
    """``set_result``: an :class:`AnnotationSet` or :class:`AnnotationArrays` (None:
    nothing); hidden tiers are not drawn."""

    ignore_bounds = True

    def __init__(self, name: str = "annotations", *, z: float = 10.0) -> None:
        super().__init__(name)
        self.item = AnnotationsItem()
        self.item.setZValue(z)
        self.data = AnnotationArrays.empty()
        self.scale = None
        self._y = np.zeros((0, 2), dtype=np.float64)  # (n, 2) y bounds, plot units

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item]

    def set_scale(self, scale: object | None) -> None:
        self.scale = scale
        self._update()

    def set_result(self, result: object | None) -> None:
        if isinstance(result, AnnotationSet):
            result = AnnotationArrays.from_set(result)
        self.data = result if isinstance(result, AnnotationArrays) else AnnotationArrays.empty()
        self._update()

    def _bounds(self) -> np.ndarray:
        """(n, 2) y bounds (plot units, NaN: to the edge): bands on the scale, if any."""
        hz = np.column_stack([self.data.low, self.data.high])
        out = np.full_like(hz, np.nan)
        if self.scale is None:
            return out
        lo, hi = self.scale.fmin, self.scale.fmax  # type: ignore[attr-defined]
        finite = np.isfinite(hz)
        if finite.any():
            out[finite] = self.scale.to_axis(  # type: ignore[attr-defined]
                np.clip(hz[finite], lo, hi))
        return out

    def redraw(self, t0: float, t1: float, width: int) -> None:
        """The item paints what is visible itself; repainted here so that the picture a
        gesture left (half resolution) is redrawn sharp once the view settles."""
        self.item.update()

    def _update(self) -> None:
        self._y = self._bounds()
        self.item.set_data(self.data, self._y)

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        data = self.data
        if not len(data) or self.plot is None:
            return []
        seconds_per_px = self.plot.getViewBox().viewPixelSize()[0]
        near = NEAR_PX * seconds_per_px
        index = data.overlapping(t - near, t + near)
        start, end = data.start[index], data.end[index]
        point = start == end
        hit = np.where(point, np.abs(start - t) <= near, (start <= t) & (t <= end))
        if y is not None and self.scale is not None:
            bounds = self._y[index]
            below = np.isfinite(bounds[:, 0]) & (y < bounds[:, 0])
            above = np.isfinite(bounds[:, 1]) & (y > bounds[:, 1])
            hit &= ~(below | above)
        parts = []
        for k in index[hit][:MAX_READOUT]:
            name = data.names[data.tier[k]]
            text = data.labels[k] or ("" if data.end[k] > data.start[k]
                                      else format_time(float(data.start[k])))
            parts.append(ReadoutPart(name, str(text)))
        return parts

    def legend(self) -> list[LegendEntry]:
        """One entry per tier drawn (in tier order)."""
        return [LegendEntry(self.data.names[k], self.data.colors[k])
                for k in self.data.tiers_drawn()]
