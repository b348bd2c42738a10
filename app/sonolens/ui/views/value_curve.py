"""A per-frame curve drawn at the view's resolution, legible at every zoom.

Zoomed out (more frames than pixels) a curve of noisy values drawn through every
frame's min and max becomes a solid block. :class:`ValueCurve` draws instead a thin line
through each pixel column's mean and, optionally, that column's min..max range as a
faint stroke (a band that shows the spread; the line stays on top of it).
Zoomed in, the line goes through the frames themselves, with a dot on each frame when
they are sparse; a single frame shows its value held over its span (a file of one frame
still shows its value).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from sonolens.dsp.minmax import MinMaxPyramid
from sonolens.ui.views.dots import Dots, sparse
from sonolens.ui.views.fast_curve import FastCurve

BAND_WEIGHT = 0.25  # the min..max strokes: this much of the curve's colour, the rest
# background (mixed here, drawn opaque: alpha-blended strokes cost ~2 ms a frame)


class ValueCurve:
    """The items of one curve (band, line, dots) on one plot; ``draw`` fills them."""

    def __init__(self, color: str, *, name: str = "", band: bool = True,
                 style: Qt.PenStyle = Qt.PenStyle.SolidLine, alpha: int = 255,
                 z: float = 0.0) -> None:
        self.name = name
        self._style, self._alpha = style, alpha
        self.line = FastCurve(pen=pg.mkPen(color))
        self.band = FastCurve(pen=pg.mkPen(color)) if band else None
        self.dots = Dots(color)
        self.set_color(color)
        for item in self.items():
            item.setZValue(z)
        if self.band is not None:  # under every curve's line, not only its own
            self.band.setZValue(z - 1)

    @property
    def xData(self) -> np.ndarray | None:
        return self.line.xData

    @property
    def yData(self) -> np.ndarray | None:
        return self.line.yData

    def items(self) -> list[pg.GraphicsObject]:
        return [item for item in (self.band, self.line, self.dots) if item is not None]

    def set_color(self, color: str, background: str = "#000000") -> None:
        """The curve's colour; its band is that colour faded towards ``background`` (the
        plot's, over which the band is drawn)."""
        self.color = color
        line = pg.mkColor(color)
        line.setAlpha(self._alpha)
        self.line.setPen(pg.mkPen(line, width=1, style=self._style))
        if self.band is not None:
            ink, under = pg.mkColor(color), pg.mkColor(background)
            faint = [round(BAND_WEIGHT * a + (1 - BAND_WEIGHT) * b) for a, b in
                     zip(ink.getRgb()[:3], under.getRgb()[:3], strict=True)]
            self.band.setPen(pg.mkPen(faint, width=1))
        self.dots.setBrush(pg.mkBrush(line))

    def clear(self) -> None:
        self.line.setData([], [])
        if self.band is not None:
            self.band.setData([], [])
        self.dots.set_points(None, None)

    def draw(self, pyramid: MinMaxPyramid, first: int, stop: int, width: int, dt: float,
             to_axis: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        """Frames [first, stop) of ``pyramid`` over ``width`` pixels; frame k sits at
        ``k * dt`` s; values are mapped through ``to_axis`` (e.g. Hz -> a log axis)."""
        centres, low, mean, high = pyramid.mean_span(first, stop, width)
        x = centres * dt
        mapped = to_axis if to_axis is not None else (lambda v: np.asarray(v, np.float64))
        y = mapped(mean)
        if len(x) == 1:  # one frame: its value held over the frame's span, and a dot
            self.line.setData(x + np.array([-dt / 2, dt / 2]), np.repeat(y, 2))
        else:
            self.line.setData(x, y)
        if self.band is not None:
            if low is high or not len(x):
                self.band.setData([], [])
            else:
                strokes = np.empty(2 * len(x), dtype=np.float64)
                strokes[0::2], strokes[1::2] = mapped(low), mapped(high)
                self.band.setData(np.repeat(x, 2), strokes, connect="pairs")
        dotted = low is high and sparse(len(x), width)
        self.dots.set_points(x if dotted else None, y if dotted else None)
