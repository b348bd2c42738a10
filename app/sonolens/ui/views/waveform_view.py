"""The waveform as a min/max envelope of the visible range (never millions of points).

Every channel gets its own lane (as in Audacity), or one lane shows a chosen channel or
the mono mix (mean of the channels, as librosa).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from sonolens.core.view_settings import WAVEFORM_MIX
from sonolens.ui.views.fast_curve import FastCurve
from sonolens.ui.views.layout import TimeView

CHANNEL_COLORS = ("#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176")
LANE_HEIGHT = 2.2  # y units per lane: samples in [-1, 1] plus a gap
_CHANNEL_NAMES = {2: ("L", "R")}


class WaveformView(TimeView):
    """One vertical min-max bar per pixel column, per shown lane."""

    def __init__(self) -> None:
        super().__init__(y_label="Amplitude")
        self.set_right_item(None)
        self.envelope = None
        self.read = None  # (start, stop) -> samples, for zoomed-in views of seekable files
        self.channel: int | None = None
        self.colors: tuple[str, ...] = CHANNEL_COLORS  # one per lane (ui.theme sets them)
        self.curves: list[FastCurve] = []
        self.drawn = False
        self._lanes_key: tuple | None = None
        self._set_lanes([None])

    def set_envelope(self, envelope, read=None) -> None:
        growing = envelope is self.envelope and not envelope.complete
        self.envelope = envelope
        self.read = read
        self.drawn = False
        if growing:
            self.schedule_progress_redraw()
        else:
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

    def lane_offset(self, index: int, count: int) -> float:
        """y of lane ``index``'s zero line (lane 0 on top)."""
        return (count - 1 - index) * LANE_HEIGHT

    def _set_lanes(self, lanes: list[int | None]) -> None:
        key = tuple(lanes)
        if key == self._lanes_key:
            return
        self._lanes_key = key
        count = len(lanes)
        ticks = []
        names = _CHANNEL_NAMES.get(self.envelope.channels if self.envelope else 0, ())
        for index, channel in enumerate(lanes):
            offset = self.lane_offset(index, count)
            if count > 1:
                label = names[channel] if channel is not None and names else (
                    "mix" if channel is None else str(channel + 1))
                ticks.append((offset, f"{label}  0"))
            else:
                ticks += [(offset, "0"), (offset + 1.0, "1"), (offset - 1.0, "-1"),
                          (offset + 0.5, "0.5"), (offset - 0.5, "-0.5")]
        self.plot.getAxis("left").setTicks([ticks, []])
        lo, hi = -1.05, (count - 1) * LANE_HEIGHT + 1.05
        self.plot.getViewBox().setLimits(yMin=lo, yMax=hi)
        self.plot.setYRange(lo, hi, padding=0)

    def redraw(self) -> None:
        env = self.envelope
        if env is None:
            return
        t0, t1, width = self.visible_span()
        lanes = self.lanes()
        self._set_lanes(lanes)
        while len(self.curves) < len(lanes):
            color = pg.mkColor(self.colors[len(self.curves) % len(self.colors)])
            curve = FastCurve(pen=pg.mkPen(color, width=1))
            self.plot.addItem(curve)
            self.curves.append(curve)
        for curve in self.curves[len(lanes):]:
            curve.setData([], [])
        for index, (curve, channel) in enumerate(zip(self.curves, lanes, strict=False)):
            offset = self.lane_offset(index, len(lanes))
            times, mins, maxs = env.envelope(t0, t1, width, channel, read=self.read)
            if len(times) and np.array_equal(mins, maxs):  # raw samples: a line
                curve.setData(times, np.asarray(mins, dtype=np.float64) + offset,
                              connect="all")
                continue
            x = np.repeat(times, 2)
            y = np.empty(2 * len(times), dtype=np.float64)
            y[0::2], y[1::2] = mins, maxs
            curve.setData(x, y + offset, connect="pairs")
        self.drawn = True
