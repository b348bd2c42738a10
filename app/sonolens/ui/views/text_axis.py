"""An AxisItem that lays out each tick label once, not at every paint.

pyqtgraph's AxisItem measures every tick label with ``QPainter.boundingRect`` whenever
its range changes and records the axis into a QPicture that it replays at every paint;
the replay lays out (shapes) every label again. The time axis changes at every pan/zoom
frame and all axes repaint with their view, so this text layout was ~1.5 ms of a frame.
:class:`TextCachedAxis` remembers label sizes and keeps each label as a QStaticText
(laid out once per text and font), and draws lines and labels directly. A value axis
(left or right: its range changes with y, not with a time pan) is kept as a device pixmap
that Qt repaints only when the axis changes (``update``), not at every pan frame.
"""

from __future__ import annotations

from collections import OrderedDict

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPicture, QStaticText
from PySide6.QtWidgets import QGraphicsItem

_CACHED_TEXTS = 512  # labels kept per axis (least recently used dropped)
_DRAWN = object()  # stands for pyqtgraph's cached QPicture: "specs are up to date"


def _cached(cache: OrderedDict, key, make):
    """``cache[key]``, made by ``make()`` on a miss; the least recently used entry goes
    when the cache holds more than _CACHED_TEXTS."""
    value = cache.get(key)
    if value is None:
        value = cache[key] = make()
        if len(cache) > _CACHED_TEXTS:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return value


class _MeasuringPainter:
    """The one thing ``AxisItem.generateDrawSpecs`` asks of its painter besides setFont:
    ``boundingRect(rect, flags, text)``, answered from a cache and measured on a real
    QPicture painter (as pyqtgraph does) on a miss."""

    def __init__(self, axis: TextCachedAxis, painter: QPainter) -> None:
        self._axis = axis
        self._painter = painter

    def setFont(self, font: QFont) -> None:
        self._painter.setFont(font)

    def boundingRect(self, rect: QRectF, flags: int, text: str) -> QRectF:
        key = (self._painter.font().key(), rect.width(), rect.height(), int(flags), text)
        size = _cached(self._axis._text_sizes, key,
                       lambda: QRectF(self._painter.boundingRect(rect, flags, text)))
        return QRectF(size)  # a copy: the caller changes its height


class TextCachedAxis(pg.AxisItem):
    """AxisItem with cached label layout; draws the same lines and labels."""

    def __init__(self, *args, **kwargs) -> None:
        self._text_sizes: OrderedDict[tuple, QRectF] = OrderedDict()
        self._static: OrderedDict[tuple[str, str], tuple[QStaticText, float, float]] = (
            OrderedDict())
        self._specs: tuple | None = None
        super().__init__(*args, **kwargs)
        self._cache_if_still()

    def _cache_if_still(self) -> None:
        """A left/right axis without grid lines (which reach over the plot) is painted from
        a cached device pixmap; others are drawn at every paint."""
        still = self.orientation in ("left", "right") and not self.grid
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache if still
                          else QGraphicsItem.CacheMode.NoCache)

    def setGrid(self, grid) -> None:
        super().setGrid(grid)
        self._cache_if_still()

    def _font(self) -> QFont:
        return self.style["tickFont"] or QFont()  # QPicture painters start with QFont()

    def paint(self, p: QPainter, opt, widget) -> None:
        if self.picture is None:  # pyqtgraph sets it to None whenever specs are stale
            picture = QPicture()
            painter = QPainter(picture)
            try:
                painter.setFont(self._font())
                self._specs = self.generateDrawSpecs(_MeasuringPainter(self, painter))
            finally:
                painter.end()
            self.picture = _DRAWN
        if self._specs is not None:
            p.save()
            try:
                self._draw(p, *self._specs)
            finally:
                p.restore()

    def _draw(self, p: QPainter, axis_spec, tick_specs, text_specs) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        pen, p1, p2 = axis_spec
        p.setPen(pen)
        p.drawLine(p1, p2)
        for pen, p1, p2 in tick_specs:
            p.setPen(pen)
            p.drawLine(p1, p2)
        if not text_specs:
            return
        font = self._font()
        p.setFont(font)
        p.setPen(self.textPen())
        p.setClipRect(self.boundingRect(), Qt.ClipOperation.IntersectClip)
        font_key = font.key()
        for rect, flags, text in text_specs:
            static, width, height = self._static_text(font_key, font, text)
            if flags & Qt.AlignmentFlag.AlignRight:
                x = rect.right() - width
            elif flags & Qt.AlignmentFlag.AlignHCenter:
                x = rect.center().x() - width / 2
            else:
                x = rect.left()
            if flags & Qt.AlignmentFlag.AlignBottom:
                y = rect.bottom() - height
            elif flags & Qt.AlignmentFlag.AlignVCenter:
                y = rect.center().y() - height / 2
            else:
                y = rect.top()
            p.drawStaticText(QPointF(x, y), static)

    def _static_text(self, font_key: str, font: QFont,
                     text: str) -> tuple[QStaticText, float, float]:
        """The label laid out once, with its unrounded width and line height (px), which
        place it as ``drawText(rect, flags, text)`` does (QStaticText.size() rounds up)."""
        def make() -> tuple[QStaticText, float, float]:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=font)
            metrics = QFontMetricsF(font)
            return static, metrics.horizontalAdvance(text), metrics.height()

        return _cached(self._static, (font_key, text), make)
