"""The waveform as a min/max envelope of the visible range (never millions of points).

Every channel gets its own lane (as in Audacity), or one lane shows a chosen channel or
the mono mix (mean of the channels, as librosa). Each lane has its own amplitude scale
(+1, 0, -1) and at least :data:`MIN_LANE_PX` pixels of height.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from sonolens.core.view_settings import WAVEFORM_MIX
from sonolens.ui.views.dots import Dots, sparse
from sonolens.ui.views.fast_curve import FastCurve
from sonolens.ui.views.layout import TimeView

CHANNEL_COLORS = ("#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176")
LANE_HEIGHT = 2.6  # y units per lane: samples in [-1, 1] plus a gap (room for two labels)
MIN_LANE_PX = 60  # room for the +1, 0 and -1 labels of a lane
_CHANNEL_NAMES = {2: ("L", "R")}


def channel_name(channel: int | None, channels: int) -> str:
    """A lane's name: "L"/"R" for stereo, else the 1-based channel number; "mix"."""
    if channel is None:
        return "mix"
    names = _CHANNEL_NAMES.get(channels, ())
    return names[channel] if names else str(channel + 1)


class WaveformView(TimeView):
    """Per shown lane: a min/max stroke per pixel column (joined into one continuous
    envelope when there are fewer bins than pixels), or the samples themselves joined by
    a line, with a dot on each when they are sparse."""

    def __init__(self) -> None:
        super().__init__(y_label="Amplitude")
        self.set_right_item(None)
        self.envelope = None
        self.read = None  # (start, stop) -> samples, for zoomed-in views of seekable files
        self.channel: int | None = None
        self.colors: tuple[str, ...] = CHANNEL_COLORS  # one per lane (ui.theme sets them)
        self.curves: list[FastCurve] = []
        self.dots: list[Dots] = []
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

    def set_colors(self, colors: tuple[str, ...]) -> None:
        """One colour per lane, in order (the theme's)."""
        self.colors = colors
        for index, (curve, dots) in enumerate(zip(self.curves, self.dots, strict=True)):
            color = colors[index % len(colors)]
            curve.setPen(pg.mkPen(color, width=1))
            dots.setBrush(pg.mkBrush(color))

    def clear_data(self) -> None:
        self.envelope = None
        for curve, dots in zip(self.curves, self.dots, strict=True):
            curve.setData([], [])
            dots.set_points(None, None)
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

    def minimum_lanes_height(self) -> int:
        """Pixels the view needs for every lane to get MIN_LANE_PX (plus its margins)."""
        count = max(1, len(self.lanes()))
        return count * MIN_LANE_PX + 12

    def _set_lanes(self, lanes: list[int | None]) -> None:
        key = tuple(lanes)
        if key == self._lanes_key:
            return
        self._lanes_key = key
        count = len(lanes)
        channels = self.envelope.channels if self.envelope else 1
        major, minor = [], []
        for index, channel in enumerate(lanes):
            offset = self.lane_offset(index, count)
            zero = f"{channel_name(channel, channels)}  0" if count > 1 else "0"
            major += [(offset + 1.0, "1"), (offset, zero), (offset - 1.0, "-1")]
            minor += [(offset + 0.5, "0.5"), (offset - 0.5, "-0.5")]
        self.plot.getAxis("left").setTicks([major, minor])
        lo, hi = -1.05, (count - 1) * LANE_HEIGHT + 1.05
        self.plot.getViewBox().setLimits(yMin=lo, yMax=hi)
        self.plot.setYRange(lo, hi, padding=0)
        self.setMinimumHeight(self.minimum_lanes_height())

    def _grow_items(self, count: int) -> None:
        while len(self.curves) < count:
            color = pg.mkColor(self.colors[len(self.curves) % len(self.colors)])
            curve = FastCurve(pen=pg.mkPen(color, width=1))
            dots = Dots(color)
            self.plot.addItem(curve)
            self.plot.addItem(dots)
            self.curves.append(curve)
            self.dots.append(dots)

    def redraw(self) -> None:
        env = self.envelope
        if env is None:
            return
        t0, t1, width = self.visible_span()
        lanes = self.lanes()
        self._set_lanes(lanes)
        self._grow_items(len(lanes))
        for curve, dots in zip(self.curves[len(lanes):], self.dots[len(lanes):], strict=True):
            curve.setData([], [])
            dots.set_points(None, None)
        shown = env.envelopes(t0, t1, width, lanes, read=self.read)  # one read for all
        for index, (times, mins, maxs) in enumerate(shown):
            self._draw_lane(index, times, mins, maxs, self.lane_offset(index, len(lanes)),
                            width)
        self.drawn = True

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
        pad = np.maximum(self._pixel_height() - (high - low), 0.0) / 2
        x = np.repeat(times, 2)
        y = np.empty(2 * len(times), dtype=np.float64)
        y[0::2], y[1::2] = low - pad, high + pad
        curve.setData(x, y + offset, connect="pairs" if len(times) >= width else "all")

    def _pixel_height(self) -> float:
        """One device pixel of the plot's height, in amplitude units."""
        _, (y0, y1) = self.plot.getViewBox().viewRange()
        return (y1 - y0) / self.plot_height()
