"""The waveform's lanes as a layer: a min/max envelope per lane, or the samples.

Per lane: a min/max stroke per pixel column (joined into one continuous envelope when
there are fewer bins than pixels), or the samples themselves joined by a line, with a dot
on each when they are sparse. Lane ``index`` of ``count`` has its zero at
``offset(index, count)`` (lane 0 on top).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from sonolens.core.view_settings import WAVEFORM_MIX
from sonolens.ui.theme import PlotColors
from sonolens.ui.views.dots import Dots, sparse
from sonolens.ui.views.fast_curve import FastCurve
from sonolens.ui.views.layer import BaseLayer

CHANNEL_COLORS = ("#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176")
LANE_HEIGHT = 2.6  # y units per lane: samples in [-1, 1] plus a gap (room for two labels)


def lane_offset(index: int, count: int) -> float:
    """y of lane ``index``'s zero line (lane 0 on top) of ``count`` lanes."""
    return (count - 1 - index) * LANE_HEIGHT


class EnvelopeLayer(BaseLayer):
    """Draws an envelope pyramid (``set_result``; dsp.envelope) in lanes.

    ``read``: (start, stop) -> samples, for zoomed-in views of seekable files;
    ``channel``: a 0-based channel, WAVEFORM_MIX or None (every channel);
    ``pixel_height()``: one device pixel of the plot's height in amplitude units.
    """

    def __init__(self, pixel_height: Callable[[], float]) -> None:
        super().__init__("waveform")
        self.pixel_height = pixel_height
        self.envelope = None
        self.read = None
        self.channel: int | None = None
        self.colors: tuple[str, ...] = CHANNEL_COLORS  # one per lane (ui.theme sets them)
        self.curves: list[FastCurve] = []
        self.dots: list[Dots] = []

    def items(self) -> list[pg.GraphicsObject]:
        return [item for pair in zip(self.curves, self.dots, strict=True) for item in pair]

    def set_result(self, result: object | None) -> None:
        self.envelope = result
        if result is None:
            for curve, dots in zip(self.curves, self.dots, strict=True):
                curve.setData([], [])
                dots.set_points(None, None)

    def lanes(self) -> list[int | None]:
        """What each lane shows, top to bottom: a 0-based channel, or None for the mix."""
        env = self.envelope
        if env is None:
            return []
        if self.channel == WAVEFORM_MIX or env.channels == 1:
            return [None] if env.channels > 1 else [0]
        if self.channel is not None and 0 <= self.channel < env.channels:
            return [self.channel]
        return list(range(env.channels))

    def set_colors(self, colors: tuple[str, ...]) -> None:
        """One colour per lane, in order (the theme's)."""
        self.colors = colors
        for index, (curve, dots) in enumerate(zip(self.curves, self.dots, strict=True)):
            color = colors[index % len(colors)]
            curve.setPen(pg.mkPen(color, width=1))
            dots.setBrush(pg.mkBrush(color))

    def restyle(self, colors: PlotColors) -> None:
        self.set_colors(colors.curves)

    def _grow_items(self, count: int) -> None:
        while len(self.curves) < count:
            color = pg.mkColor(self.colors[len(self.curves) % len(self.colors)])
            curve = FastCurve(pen=pg.mkPen(color, width=1))
            dots = Dots(color)
            if self.plot is not None:
                self.plot.addItem(curve)
                self.plot.addItem(dots)
            self.curves.append(curve)
            self.dots.append(dots)

    def redraw(self, t0: float, t1: float, width: int) -> None:
        env = self.envelope
        if env is None:
            return
        lanes = self.lanes()
        self._grow_items(len(lanes))
        for curve, dots in zip(self.curves[len(lanes):], self.dots[len(lanes):], strict=True):
            curve.setData([], [])
            dots.set_points(None, None)
        shown = env.envelopes(t0, t1, width, lanes, read=self.read)  # one read for all
        for index, (times, mins, maxs) in enumerate(shown):
            self._draw_lane(index, times, mins, maxs, lane_offset(index, len(lanes)), width)

    def _draw_lane(self, index: int, times: np.ndarray, mins: np.ndarray, maxs: np.ndarray,
                   offset: float, width: int) -> None:
        curve, dots = self.curves[index], self.dots[index]
        if mins is maxs:  # the samples themselves: a line, dots when they are sparse
            y = np.asarray(mins, dtype=np.float64) + offset
            curve.setData(times, y, connect="all")
            dotted = sparse(len(times), width)
            dots.set_points(times if dotted else None, y if dotted else None)
            return
        dots.set_points(None, None)
        # a stroke from min to max per bin, at least a pixel tall (a flat stretch, silence,
        # is a line at its level, not nothing); fewer bins than pixels: strokes joined
        # into one zigzag, so the envelope has no gaps between them
        low, high = np.asarray(mins, np.float64), np.asarray(maxs, np.float64)
        pad = np.maximum(self.pixel_height() - (high - low), 0.0) / 2
        x = np.repeat(times, 2)
        y = np.empty(2 * len(times), dtype=np.float64)
        y[0::2], y[1::2] = low - pad, high + pad
        curve.setData(x, y + offset, connect="pairs" if len(times) >= width else "all")
