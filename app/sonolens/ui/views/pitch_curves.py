"""The f0 line as one graphics item, rasterised in one image per paint.

What is drawn (see pitch_layer): a dark translucent outline under every voiced stretch,
then the voiced line once per opacity step, each step over the frames whose voiced
probability reaches its threshold. Qt strokes a wide translucent path slowly (~20-80 ms
for a few thousand points across a 1400 px view: it builds the stroke's outline and fills
it with the winding rule), and drawing segments one by one instead would darken every
joint where two translucent segments overlap. Here every stroke is drawn as opaque-like
segments into one transparent image with the Source composition mode (a pixel takes the
last colour written, never a blend), then the image is drawn over the view once.

Same picture: the steps' point sets are nested (a higher threshold keeps fewer frames), so
a pixel covered by steps 0..k shows the line's colour at the stacked opacity
``1 - prod(1 - a_j)``, over the outline's black at ``a_o``; both stacked are one
premultiplied pixel (colour * alpha_k, 1 - (1 - alpha_k) (1 - a_o)), written last.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments  # its segment path
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from sonolens.ui.views.spans_item import view_rect
from sonolens.ui.views.spans_raster import device_box


def stacked(color: QColor, alphas: list[int], under: int) -> list[QColor]:
    """The colour written for each step: ``color`` (its own alpha ignored) at the stacked
    opacity of ``alphas[:k + 1]`` (of 255) over black at ``under``, as one straight
    (non-premultiplied) RGBA colour."""
    below = under / 255.0
    out, clear = [], 1.0
    for alpha in alphas:
        clear *= 1.0 - alpha / 255.0
        total = 1.0 - clear * (1.0 - below)  # the pixel's alpha
        share = (1.0 - clear) / total  # of the colour in the premultiplied pixel
        out.append(QColor(round(color.red() * share), round(color.green() * share),
                          round(color.blue() * share), round(255 * total)))
    return out


class PitchCurves(pg.GraphicsObject):
    """Points (``set_data``: x s, y plot units, NaN: unvoiced, a gap; prob the voiced
    probability) drawn as the outline (``outline``: colour, alpha, width px) and the line
    (``color``, width px) in ``steps`` of (lowest probability, alpha)."""

    def __init__(self, color: str, width: int, steps: tuple[tuple[float, int], ...],
                 outline: tuple[str, int, int]) -> None:
        super().__init__()
        self.width = width
        self.steps = steps
        self.outline = outline
        self.x = self.y = self.prob = np.zeros(0)
        self._box = QRectF()
        self.set_color(color)

    def set_color(self, color: str) -> None:
        self._color = QColor(color)
        shade = QColor(self.outline[0])
        self._shade = QColor(shade.red(), shade.green(), shade.blue(), self.outline[1])
        self._inks = stacked(QColor(color), [a for _, a in self.steps], self.outline[1])
        self.update()

    def set_data(self, x: np.ndarray, y: np.ndarray, prob: np.ndarray) -> None:
        """(n,) arrays: times s, values in plot units (NaN: not drawn, never bridged) and
        voiced probabilities."""
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self.prob = np.asarray(prob, dtype=np.float64)
        finite = np.isfinite(self.x) & np.isfinite(self.y)
        box = QRectF()
        if finite.any():
            x0, x1 = float(self.x[finite].min()), float(self.x[finite].max())
            y0, y1 = float(self.y[finite].min()), float(self.y[finite].max())
            dx = (x1 - x0) * 1e-6 or max(abs(x0), 1.0) * 1e-6  # never empty (see FastCurve)
            dy = (y1 - y0) * 1e-6 or max(abs(y0), 1.0) * 1e-6
            box = QRectF(x0 - dx, y0 - dy, x1 - x0 + 2 * dx, y1 - y0 + 2 * dy)
        if box != self._box:
            self.prepareGeometryChange()
            self._box = box
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the points (as a curve item's)."""
        return self.x, self.y

    def boundingRect(self) -> QRectF:
        return self._box

    def viewTransformChanged(self) -> None:
        """The box is in data units: a pan or zoom leaves it as it is."""

    def _strokes(self) -> list[tuple[QColor, int, np.ndarray]]:
        """(colour, width px, y with the frames left out NaN) in drawing order."""
        out = [(self._shade, self.outline[2], self.y)]
        for (lowest, _), ink in zip(self.steps, self._inks, strict=True):
            out.append((ink, self.width,
                        self.y if lowest <= 0 else np.where(self.prob >= lowest, self.y, np.nan)))
        return out

    def paint(self, p: QPainter, *_args) -> None:
        if not len(self.x):
            return
        view = view_rect(self)
        box = device_box(p, view) if view is not None else None
        if box is None:  # a rotated or huge device: each stroke straight onto it
            self._paint_paths(p)
            return
        t, ox, oy, width, height = box
        xd = self.x * t.m11() + t.dx()
        yd = self.y * t.m22() + t.dy()
        finite = np.isfinite(yd)
        if not finite.any():
            return
        # the image covers only the rows (and columns) the line reaches, strokes included
        margin = max(self.width, self.outline[2])
        left = max(ox, int(np.floor(np.min(xd, where=finite, initial=np.inf))) - margin)
        right = min(ox + width, int(np.ceil(np.max(xd, where=finite, initial=-np.inf))) + margin)
        top = max(oy, int(np.floor(np.min(yd, where=finite, initial=np.inf))) - margin)
        bottom = min(oy + height, int(np.ceil(np.max(yd, where=finite, initial=-np.inf))) + margin)
        if right <= left or bottom <= top:
            return
        ratio = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        image = QImage(round((right - left) * ratio), round((bottom - top) * ratio),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(0)
        q = QPainter(image)
        q.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        for color, px, y in self._strokes():
            segments = arrayToLineSegments(xd - left, y * t.m22() + (t.dy() - top),
                                           connect="finite", finiteCheck=True)
            q.setPen(QPen(color, px))  # square caps, as the paths' ends
            q.drawLines(*segments.drawargs())
        q.end()
        p.save()
        p.resetTransform()
        p.drawImage(QRectF(left, top, right - left, bottom - top), image)
        p.restore()

    def _paint_paths(self, p: QPainter) -> None:
        c = self._color
        inks = [self._shade] + [QColor(c.red(), c.green(), c.blue(), a) for _, a in self.steps]
        for (_, px, y), ink in zip(self._strokes(), inks, strict=True):
            pen = QPen(QColor(ink), px)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.drawPath(pg.arrayToQPath(self.x, y, connect="finite"))
