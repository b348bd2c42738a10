"""The waveform as a min/max envelope of the visible range (never millions of points)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from sonolens.ui.views.layout import TimeView

CHANNEL_COLORS = ("#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176")


class WaveformView(TimeView):
    """One vertical min-max bar per pixel column, per channel (or one chosen channel)."""

    def __init__(self) -> None:
        super().__init__(y_label="Amplitude")
        self.set_right_item(None)
        self.plot.setYRange(-1.0, 1.0, padding=0.02)
        self.plot.getViewBox().setLimits(yMin=-1.05, yMax=1.05)
        self.envelope = None
        self.read = None  # (start, stop) -> samples, for zoomed-in views of seekable files
        self.channel: int | None = None
        self.curves: list[pg.PlotDataItem] = []
        self.drawn = False

    def set_envelope(self, envelope, read=None) -> None:
        self.envelope = envelope
        self.read = read
        self.schedule_redraw()

    def set_channel(self, channel: int | None) -> None:
        if channel != self.channel:
            self.channel = channel
            self.schedule_redraw()

    def clear_data(self) -> None:
        self.envelope = None
        for curve in self.curves:
            curve.setData([], [])
        self.drawn = False

    def shown_channels(self) -> list[int]:
        env = self.envelope
        if env is None:
            return []
        if self.channel is not None and self.channel < env.channels:
            return [self.channel]
        return list(range(env.channels))

    def redraw(self) -> None:
        env = self.envelope
        if env is None:
            return
        t0, t1, width = self.visible_span()
        channels = self.shown_channels()
        while len(self.curves) < len(channels):
            color = pg.mkColor(CHANNEL_COLORS[len(self.curves) % len(CHANNEL_COLORS)])
            color.setAlpha(200 if len(self.curves) == 0 else 150)
            curve = pg.PlotDataItem(pen=pg.mkPen(color, width=1), connect="pairs")
            self.plot.addItem(curve)
            self.curves.append(curve)
        for curve in self.curves[len(channels):]:
            curve.setData([], [])
        for curve, channel in zip(self.curves, channels, strict=False):
            times, mins, maxs = env.envelope(t0, t1, width, channel, read=self.read)
            x = np.repeat(times, 2)
            y = np.empty(2 * len(times), dtype=np.float64)
            y[0::2], y[1::2] = mins, maxs
            if len(times) and np.all(mins == maxs):  # raw samples: draw them as a line
                curve.setData(times, mins, connect="all")
            else:
                curve.setData(x, y, connect="pairs")
        self.drawn = True
