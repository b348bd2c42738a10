"""The waveform as a min/max envelope of the visible range (never millions of points).

Every channel gets its own lane (as in Audacity), or one lane shows a chosen channel or
the mono mix (mean of the channels, as librosa). Each lane has its own amplitude scale
(+1, 0, -1) and at least :data:`MIN_LANE_PX` pixels of height. The lanes are one layer
(ui.views.envelope_layer); markers and regions may be stacked over them.
"""

from __future__ import annotations

from sonolens.ui.views.envelope_layer import LANE_HEIGHT, EnvelopeLayer, lane_offset
from sonolens.ui.views.fast_curve import FastCurve
from sonolens.ui.views.layout import TimeView

MIN_LANE_PX = 60  # room for the +1, 0 and -1 labels of a lane
_CHANNEL_NAMES = {2: ("L", "R")}


def channel_name(channel: int | None, channels: int) -> str:
    """A lane's name: "L"/"R" for stereo, else the 1-based channel number; "mix"."""
    if channel is None:
        return "mix"
    names = _CHANNEL_NAMES.get(channels, ())
    return names[channel] if names else str(channel + 1)


class WaveformView(TimeView):
    """The envelope layer's lanes with their amplitude ticks, then any other layers."""

    def __init__(self) -> None:
        super().__init__(y_label="Amplitude")
        self.set_right_item(None)
        self.envelope_layer = EnvelopeLayer(self._pixel_height)
        self.add_layer(self.envelope_layer)
        self.drawn = False
        self._lanes_key: tuple | None = None
        self._set_lanes([None])

    @property
    def envelope(self):
        return self.envelope_layer.envelope

    @property
    def read(self):
        """(start, stop) -> samples, for zoomed-in views of seekable files (or None)."""
        return self.envelope_layer.read

    @read.setter
    def read(self, read) -> None:
        self.envelope_layer.read = read

    @property
    def channel(self) -> int | None:
        return self.envelope_layer.channel

    @property
    def colors(self) -> tuple[str, ...]:
        return self.envelope_layer.colors

    @property
    def curves(self) -> list[FastCurve]:
        """One envelope curve per lane drawn so far (more than the lanes shown: the
        rest are empty)."""
        return self.envelope_layer.curves

    @property
    def dots(self):
        return self.envelope_layer.dots

    def set_envelope(self, envelope, read=None) -> None:
        growing = envelope is self.envelope and not envelope.complete
        self.envelope_layer.set_result(envelope)
        self.envelope_layer.read = read
        self.drawn = False
        if growing:
            self.schedule_progress_redraw()
        else:
            self.schedule_redraw()

    def set_channel(self, channel: int | None) -> None:
        if channel != self.channel:
            self.envelope_layer.channel = channel
            self.schedule_redraw()

    def set_colors(self, colors: tuple[str, ...]) -> None:
        """One colour per lane, in order (the theme's)."""
        self.envelope_layer.set_colors(colors)

    def clear_data(self) -> None:
        self.envelope_layer.set_result(None)
        self.drawn = False

    def lanes(self) -> list[int | None]:
        """What each lane shows, top to bottom: a 0-based channel, or None for the mix."""
        return self.envelope_layer.lanes()

    def lane_offset(self, index: int, count: int) -> float:
        """y of lane ``index``'s zero line (lane 0 on top)."""
        return lane_offset(index, count)

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

    def redraw(self) -> None:
        if self.envelope is None:
            return
        t0, t1, width = self.visible_span()
        self._set_lanes(self.lanes())
        self.draw_layers(t0, t1, width)
        self.drawn = True

    def _pixel_height(self) -> float:
        """One device pixel of the plot's height, in amplitude units."""
        _, (y0, y1) = self.plot.getViewBox().viewRange()
        return (y1 - y0) / self.plot_height()
