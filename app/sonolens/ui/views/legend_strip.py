"""A one-line legend above a plot: a line sample and a name per curve, never over the data.

pyqtgraph's LegendItem is a box inside the view box: it covers (and dims) whatever lies
under it. :class:`LegendStrip` is a row of its own in the view's layout, as tall as one
line of text whether or not it has entries (toggling a curve never resizes the plot).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy

SAMPLE_PX = 18  # length of a line sample
GAP_PX = 6  # between a sample and its name
SPACING_PX = 16  # between entries
PAD_PX = 2  # above and below the text


class LegendStrip(pg.GraphicsWidget):
    """Entries ``(name, colour, swatch)``: a 2 px line of ``colour`` on a small ``swatch``
    (the colour the curve is drawn over: the image's dark end for spectrogram overlays),
    then ``name`` in the text colour. Starts ``indent`` px from the left (the plot's
    left edge)."""

    def __init__(self, indent: float = 0.0) -> None:
        super().__init__()
        self.indent = indent
        self.entries: list[tuple[str, str, str | None]] = []
        self._text_color = QColor("#d4d4d4")
        self._font = QFont()
        self._texts: dict[str, QStaticText] = {}
        self._suppressed = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # static text
        self._resize()

    @property
    def names(self) -> list[str]:
        return [name for name, _, _ in self.entries]

    def set_entries(self, entries: list[tuple[str, str, str | None]]) -> None:
        """Replace the entries (name, line colour, swatch colour or None)."""
        if entries == self.entries:
            return
        self.entries = list(entries)
        self._resize()
        self.update()

    def suppress(self) -> None:
        """Never show again, whatever the entries (a bare image has no legend)."""
        self._suppressed = True
        self._resize()

    def set_text_color(self, color: str) -> None:
        self._text_color = QColor(color)
        self.update()

    def _line_height(self) -> float:
        return QFontMetricsF(self._font).height() + 2 * PAD_PX

    def _resize(self) -> None:
        height = 0.0 if self._suppressed else self._line_height()
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.setPreferredHeight(height)
        self.setVisible(not self._suppressed)

    def _static(self, text: str) -> QStaticText:
        static = self._texts.get(text)
        if static is None:
            static = self._texts[text] = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self._font)
        return static

    def entry_rects(self) -> list[QRectF]:
        """Each entry's box (sample and name) in this item's coordinates."""
        metrics = QFontMetricsF(self._font)
        rects, x, height = [], self.indent, self._line_height()
        for name, _, _ in self.entries:
            width = SAMPLE_PX + GAP_PX + metrics.horizontalAdvance(name)
            rects.append(QRectF(x, 0.0, width, height))
            x += width + SPACING_PX
        return rects

    def paint(self, p: QPainter, *_args) -> None:
        if not self.entries:
            return
        p.setFont(self._font)
        height = self._line_height()
        middle = height / 2
        for (name, color, swatch), rect in zip(self.entries, self.entry_rects(), strict=True):
            x = rect.left()
            if swatch is not None:
                p.fillRect(QRectF(x, middle - 4, SAMPLE_PX, 8), QColor(swatch))
            p.setPen(QPen(QColor(color), 2))
            p.drawLine(QPointF(x + 2, middle), QPointF(x + SAMPLE_PX - 2, middle))
            p.setPen(self._text_color)
            static = self._static(name)
            text_height = QFontMetricsF(self._font).height()
            p.drawStaticText(QPointF(x + SAMPLE_PX + GAP_PX, (height - text_height) / 2),
                             static)
