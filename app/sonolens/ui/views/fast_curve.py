"""A curve item for lines that are replaced at every pan/zoom frame.

pyqtgraph's PlotDataItem wraps a PlotCurveItem in a layer of data handling we never use
(log modes, downsampling, clip-to-view, FFT, per-call option parsing): ~0.25 ms per
``setData``. And PlotCurveItem pads its bounding box by the pen's width in pixels, which
needs the view transform, so every pan or zoom throws the box away and the next paint
recomputes it through the scene (~0.1 ms per curve per frame). Our curves are redrawn
from min/max pyramids for each new range anyway, so :class:`FastCurve` only stores the
arrays and keeps the data's own box until the data change.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF


class FastCurve(pg.PlotCurveItem):
    """A PlotCurveItem (same pen, legend, ``xData``/``yData``, painting) whose
    ``setData(x, y, connect=...)`` stores 1-D float64 arrays of equal length and whose
    bounding box is the data's min/max box (plot units), independent of the view.

    The pen should be cosmetic (pyqtgraph's ``mkPen`` is): the half-pixel it draws past
    the box is repainted with the plot's viewport on every range change anyway.
    """

    def __init__(self, *, pen, name: str | None = None) -> None:
        self._box = QRectF()
        # gaps at NaN/inf, as PlotDataItem's default ('all' would join across them)
        super().__init__(pen=pen, name=name, connect="finite")

    def setData(self, *args, **kargs) -> None:
        """``setData(x, y)`` or ``setData(x, y, connect="all"|"pairs"|"finite")``: the
        lean path. Anything else goes through PlotCurveItem's own."""
        if len(args) != 2 or set(kargs) - {"connect"}:
            super().setData(*args, **kargs)
            self._set_box()
            return
        x = np.asarray(args[0], dtype=np.float64)
        y = np.asarray(args[1], dtype=np.float64)
        if x.ndim != 1 or x.shape != y.shape:
            raise ValueError(f"x and y must be 1-D of one length, got {x.shape}, {y.shape}")
        self.xData, self.yData = x, y
        if "connect" in kargs:
            self.opts["connect"] = kargs["connect"]
        self.invalidateBounds()
        self.path = None
        self.fillPath = None
        self._fillPathList = None
        self._mouseShape = None
        self._lineSegmentsRendered = False
        self._set_box()
        self.informViewBoundsChanged()
        self.sigPlotChanged.emit(self)
        self.update()

    def _set_box(self) -> None:
        x, y = self.xData, self.yData
        box = QRectF()
        if x is not None and y is not None and len(x) and len(x) == len(y):
            finite = np.isfinite(x) & np.isfinite(y)
            if not finite.all():  # the box of the points drawn: inf/NaN ones are not
                x, y = x[finite], y[finite]
            if len(x):
                x0, x1 = float(x.min()), float(x.max())
                y0, y1 = float(y.min()), float(y.max())
                # never zero-sized: Qt skips items whose box does not meet the exposed
                # area, and an empty box (a flat line, one point) meets nothing
                dx = (x1 - x0) * 1e-6 or max(abs(x0), 1.0) * 1e-6
                dy = (y1 - y0) * 1e-6 or max(abs(y0), 1.0) * 1e-6
                box = QRectF(x0 - dx, y0 - dy, x1 - x0 + 2 * dx, y1 - y0 + 2 * dy)
        if box != self._box:
            self.prepareGeometryChange()
            self._box = box

    def boundingRect(self) -> QRectF:
        return self._box

    def viewTransformChanged(self) -> None:
        """The box is in data units: a pan or zoom leaves it as it is."""
