"""One graphics item for every annotation tier of a view: spans, boxes, points, labels.

Only what overlaps the visible time range is looked at (AnnotationArrays.overlapping).
A few visible annotations are drawn exactly (a translucent rectangle with edge lines in
its tier's colour, an instant as a line); many are rasterised into one image for all tiers
(tier_raster). Labels (span_labels) are drawn when few enough are visible to be read.
Cosmetic pens: 1 device px whatever the zoom.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from sonolens.ui.views.annotation_arrays import AnnotationArrays
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.span_labels import POINT_PX, paint_labels
from sonolens.ui.views.spans_item import view_rect
from sonolens.ui.views.tier_lod import TierBins
from sonolens.ui.views.tier_raster import luts, paint_tiers

FILL_ALPHA = 40  # of 255: the data stay visible under a span
DENSE = 48  # visible annotations beyond which they are rasterised
LABELLED = 600  # visible annotations beyond which no label is drawn
BINNED = 5000  # visible annotations beyond which full-height ones are drawn from bins


class AnnotationsItem(pg.GraphicsObject):
    """Draws :class:`AnnotationArrays` (``set_data``) with y bounds ``y0``/``y1`` ((n,)
    plot units, NaN: to the plot's edge)."""

    def __init__(self) -> None:
        super().__init__()
        self.data = AnnotationArrays.empty()
        self._y = np.zeros((0, 2), dtype=np.float64)
        self._colors: list[QColor] = []
        self._fills = self._lines = np.zeros(1, dtype=np.uint32)
        self._point = np.zeros(0, dtype=bool)
        self._boxed = np.zeros(0, dtype=np.int64)  # indices of the annotations in a band
        self._y_edges = np.zeros((0, 2), dtype=np.float64)  # y bounds, +-inf: the edge
        self._bins: TierBins | None = None  # many annotations: binned (tier_lod)

    def set_data(self, data: AnnotationArrays, y: np.ndarray) -> None:
        """The annotations and their (n, 2) y bounds (plot units, NaN: to the edge)."""
        self.prepareGeometryChange()
        self.data = data
        self._y = np.asarray(y, dtype=np.float64).reshape(-1, 2)
        self._point = data.start == data.end
        self._boxed = np.flatnonzero(np.isfinite(self._y).any(axis=1))  # within a band
        self._y_edges = np.column_stack([np.where(np.isnan(self._y[:, 0]), -np.inf,
                                                  self._y[:, 0]),
                                         np.where(np.isnan(self._y[:, 1]), np.inf,
                                                  self._y[:, 1])])
        unboxed = np.ones(len(data), dtype=bool)
        unboxed[self._boxed] = False
        self._bins = (TierBins(data.start[unboxed], data.end[unboxed], self._point[unboxed],
                               data.tier[unboxed]) if len(data) > BINNED else None)
        self._colors = [QColor(c) for c in data.colors]
        fills = [QColor(c.red(), c.green(), c.blue(), FILL_ALPHA) for c in self._colors]
        self._fills, self._lines = luts(fills)
        self.update()

    def _view_rect(self) -> QRectF | None:
        return view_rect(self)

    def boundingRect(self) -> QRectF:
        view = self._view_rect()
        if view is None or not len(self.data):
            return QRectF()
        x0, x1 = float(self.data.start[0]), float(self.data.reach[-1])
        px = self.pixelWidth() or 0.0
        pad = max(2 * px, 1e-9)  # a line's width, never empty
        return QRectF(x0 - pad, view.top(), x1 - x0 + 2 * pad + POINT_PX * px, view.height())

    def viewTransformChanged(self) -> None:
        """The box follows the view's y range (unbounded spans reach its edges)."""
        self.prepareGeometryChange()

    def shown(self, view: QRectF) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the annotations drawn in ``view`` and their (m, 4) placement: x0, x1
        s, y0, y1 plot units clamped to the view (boxes outside the y range left out)."""
        index = self.data.overlapping(view.left(), view.right())
        y = self._y[index]
        y0 = np.maximum(np.where(np.isnan(y[:, 0]), view.top(), y[:, 0]), view.top())
        y1 = np.minimum(np.where(np.isnan(y[:, 1]), view.bottom(), y[:, 1]), view.bottom())
        keep = y1 > y0
        index = index[keep]
        return index, np.column_stack([self.data.start[index], self.data.end[index],
                                       y0[keep], y1[keep]])

    def paint(self, p: QPainter, *_args) -> None:
        view = self._view_rect()
        if view is None or not len(self.data):
            return
        visible = self.data.overlapping(view.left(), view.right())
        if len(visible) > LABELLED:
            self._paint_raster(p, view, visible)  # many: no labels, nothing placed one by one
            return
        index, placed = self.shown(view)
        if not len(index):
            return
        tier = self.data.tier[index]
        if len(index) <= DENSE or not self._paint_raster(p, view, visible):
            self._paint_each(p, placed, tier, view)
        if len(index) <= LABELLED:
            wide = placed[:, 1] > placed[:, 0]
            x0 = np.where(wide, np.maximum(placed[:, 0], view.left()), placed[:, 0])
            x1 = np.where(wide, np.minimum(placed[:, 1], view.right()), placed[:, 1])
            at = np.column_stack([x0, x1, placed[:, 2:]])  # a label stays in sight
            paint_labels(p, at, self.data.labels[index], [self._colors[k] for k in tier],
                         view.right())

    def _paint_raster(self, p: QPainter, view: QRectF, index: np.ndarray) -> bool:
        """The annotations ``index`` (overlapping the view's time range, sorted) as one
        image (tier_raster); False if it cannot be."""
        if not len(index):
            return True
        lo = np.searchsorted(self._boxed, index[0])
        hi = np.searchsorted(self._boxed, index[-1], side="right")
        boxed = self._boxed[lo:hi]  # the boxes among the visible (index is sorted)
        boxed = boxed[self.data.end[boxed] >= view.left()]
        y = self._y_edges[boxed]
        y0, y1 = np.maximum(y[:, 0], view.top()), np.minimum(y[:, 1], view.bottom())
        where = np.searchsorted(index, boxed)
        hidden = y1 <= y0  # outside the y range: not drawn at all
        keep = np.ones(len(index), dtype=bool)
        keep[where[hidden]] = False
        if not keep.all():
            index, where = index[keep], np.searchsorted(index[keep], boxed[~hidden])
            y0, y1 = y0[~hidden], y1[~hidden]
        scale = 0.5 if interacting() else 1.0  # as the image layers during a gesture
        bins = self._bins if len(index) > BINNED else None
        return paint_tiers(p, self.data.start[index], self.data.end[index], self._point[index],
                           self.data.tier[index], (where, y0, y1), self._fills, self._lines,
                           view, scale, bins)

    def _paint_each(self, p: QPainter, placed: np.ndarray, tier: np.ndarray,
                    view: QRectF) -> None:
        """Each annotation exactly, tier by tier (the last tier on top); a box's top and
        bottom edges where they lie inside the view."""
        for k in np.unique(tier):
            color = self._colors[k]
            pen = QPen(color)
            pen.setCosmetic(True)
            mine = placed[tier == k]
            wide = mine[:, 1] > mine[:, 0]
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color.red(), color.green(), color.blue(), FILL_ALPHA))
            for a, b, lo, hi in mine[wide]:
                p.drawRect(QRectF(a, lo, b - a, hi - lo))
            p.setPen(pen)
            lines = [QLineF(a, lo, a, hi) for a, _b, lo, hi in mine[~wide]]
            for a, b, lo, hi in mine[wide]:
                lines += [QLineF(a, lo, a, hi), QLineF(b, lo, b, hi)]
                lines += [QLineF(a, lo, b, lo)] if lo > view.top() else []
                lines += [QLineF(a, hi, b, hi)] if hi < view.bottom() else []
            p.drawLines(lines)
