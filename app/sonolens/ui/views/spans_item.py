"""One graphics item for many time spans and instants (the markers and regions layers).

A span is [x0, x1] seconds by [y0, y1] plot units; NaN y bounds reach the plot's bottom
or top edge, whatever the y range shows. An instant is a span with x0 == x1, drawn as a
vertical line. Only the spans overlapping the visible time range are painted, in one
pass (cosmetic pens: 1 device px whatever the zoom).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from sonolens.ui.views.span_labels import POINT_PX, paint_labels
from sonolens.ui.views.spans_raster import paint_raster

DENSE = 32  # visible spans beyond which they are rasterised (spans_raster: cheaper
# than filling that many large translucent rectangles one by one)
LABELLED = 2000  # visible spans beyond which none has room for a label worth reading


def view_rect(item: pg.GraphicsObject) -> QRectF | None:
    """The visible range of ``item``'s view box in plot units (None: not in one)."""
    box = item.getViewBox()
    if box is None:
        return None
    (x0, x1), (y0, y1) = box.viewRange()
    return QRectF(x0, y0, x1 - x0, y1 - y0)


class SpansItem(pg.GraphicsObject):
    """Spans (``set_spans``) filled with ``brush`` and edged with ``pen``; instants drawn
    as lines with ``pen``."""

    def __init__(self) -> None:
        super().__init__()
        self._spans = np.zeros((0, 4), dtype=np.float64)  # (n, 4): x0, x1, y0, y1
        self._pen = QPen(pg.mkPen("#ffffff", width=1))
        self._brush = QBrush(pg.mkBrush(255, 255, 255, 60))
        self._fill_edges = True
        self._labels: np.ndarray | None = None  # (n,) str, in the order of _spans
        self._label_color = QColor("#ffffff")

    def set_style(self, pen: QPen, brush: QBrush, *, edges: bool = True) -> None:
        """The line pen (made cosmetic), the fill, and whether spans get edge lines."""
        self._pen = QPen(pen)
        self._pen.setCosmetic(True)
        self._brush = QBrush(brush)
        self._fill_edges = edges
        self._label_color = QColor(pen.color())
        self.update()

    def set_spans(self, spans: np.ndarray, labels: object = None) -> None:
        """(n, 4) float: x0, x1 (s, x0 <= x1), y0, y1 (plot units, NaN: to the edge);
        ``labels``: (n,) texts drawn on them (span_labels), or None."""
        spans = np.asarray(spans, dtype=np.float64).reshape(-1, 4)
        order = np.argsort(spans[:, 0], kind="stable")
        self.prepareGeometryChange()
        self._spans = spans[order]
        self._extent = ((float(spans[:, 0].min()), float(spans[:, 1].max())) if len(spans)
                        else (0.0, 0.0))
        self._labels = None if labels is None else np.asarray(labels, dtype=object)[order]
        self.update()

    @property
    def spans(self) -> np.ndarray:
        return self._spans

    def _view_rect(self) -> QRectF | None:
        return view_rect(self)

    def boundingRect(self) -> QRectF:
        view = self._view_rect()
        if view is None or not len(self._spans):
            return QRectF()
        x0, x1 = self._extent
        px = self.pixelWidth() or 0.0
        pad = max(2 * px, 1e-9)  # a line's width, never empty
        right = pad + (POINT_PX * px if self._labels is not None else 0.0)  # instants' text
        return QRectF(x0 - pad, view.top(), x1 - x0 + pad + right, view.height())

    def viewTransformChanged(self) -> None:
        """The box follows the view's y range (unbounded spans reach its edges)."""
        self.prepareGeometryChange()

    def _visible(self, view: QRectF) -> np.ndarray:
        """Indices of the spans overlapping the view's time range."""
        spans = self._spans
        stop = int(np.searchsorted(spans[:, 0], view.right(), side="right"))
        return np.flatnonzero(spans[:stop, 1] >= view.left())

    def paint(self, p: QPainter, *_args) -> None:
        view = self._view_rect()
        if view is None or not len(self._spans):
            return
        index = self._visible(view)
        if not len(index):
            return
        shown = self._spans[index]
        y0 = np.where(np.isnan(shown[:, 2]), view.top(), shown[:, 2])
        y1 = np.where(np.isnan(shown[:, 3]), view.bottom(), shown[:, 3])
        y0, y1 = np.maximum(y0, view.top()), np.minimum(y1, view.bottom())
        keep = y1 > y0
        shown, y0, y1, index = shown[keep], y0[keep], y1[keep], index[keep]
        wide = shown[:, 1] > shown[:, 0]
        placed = np.column_stack([shown[:, :2], y0, y1])
        if len(shown) <= DENSE or not paint_raster(p, placed, view, self._brush.color(),
                                                   self._pen.color(), self._fill_edges):
            self._paint_each(p, shown, y0, y1, wide)
        if self._labels is not None and len(shown) <= LABELLED:
            x0 = np.where(wide, np.maximum(shown[:, 0], view.left()), shown[:, 0])
            x1 = np.where(wide, np.minimum(shown[:, 1], view.right()), shown[:, 1])
            placed = np.column_stack([x0, x1, y0, y1])  # a label stays in sight
            paint_labels(p, placed, self._labels[index], self._label_color, view.right())

    def _paint_each(self, p: QPainter, shown: np.ndarray, y0: np.ndarray, y1: np.ndarray,
                    wide: np.ndarray) -> None:
        """One rectangle and its edge lines per span (a few visible: exact)."""
        p.setPen(pg.mkPen(None))
        p.setBrush(self._brush)
        for (a, b), lo, hi in zip(shown[wide, :2], y0[wide], y1[wide], strict=True):
            p.drawRect(QRectF(a, lo, b - a, hi - lo))
        p.setPen(self._pen)
        lines = [QLineF(a, lo, a, hi) for a, lo, hi in zip(shown[~wide, 0], y0[~wide],
                                                             y1[~wide], strict=True)]
        if self._fill_edges:  # sides; a bounded side in y gets its edge too
            for (a, b, c, d), lo, hi in zip(shown[wide], y0[wide], y1[wide], strict=True):
                lines += [QLineF(a, lo, a, hi), QLineF(b, lo, b, hi)]
                lines += [QLineF(a, lo, b, lo)] if np.isfinite(c) else []
                lines += [QLineF(a, hi, b, hi)] if np.isfinite(d) else []
        if lines:
            p.drawLines(lines)
