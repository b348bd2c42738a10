"""Dots on the points of a sparse curve: each frame or sample visible on its own."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

DOT_SPACING_PX = 6  # points at least this far apart (on average) get a dot each
DOT_SIZE_PX = 5


def sparse(points: int, width: int) -> bool:
    """Whether ``points`` spread over ``width`` pixels are far enough apart for dots."""
    return points > 0 and points * DOT_SPACING_PX <= width


class Dots(pg.ScatterPlotItem):
    """A ScatterPlotItem of round dots that is cleared once, not at every redraw."""

    def __init__(self, color: str) -> None:
        super().__init__(size=DOT_SIZE_PX, pen=None, brush=pg.mkBrush(color))
        self._holding = False

    def set_points(self, x: np.ndarray | None, y: np.ndarray | None) -> None:
        """Dots at the finite points (x, y), or none when ``x`` is None."""
        if x is None or y is None:
            if self._holding:
                self.setData([], [])
                self._holding = False
            return
        finite = np.isfinite(y)
        self.setData(x[finite], y[finite])
        self._holding = True
