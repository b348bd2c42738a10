"""The shared time axis: seconds below a minute, m:ss (or h:mm:ss) beyond, as players show."""

from __future__ import annotations

import math

from PySide6.QtGui import QFontMetricsF

from sonolens.ui.views.text_axis import TextCachedAxis


def format_tick(seconds: float, spacing: float, longest: float | None = None) -> str:
    """A tick label for ``seconds`` when ticks are ``spacing`` s apart, in the format of
    the view's ``longest`` time (default ``seconds``): s up to a minute, m:ss up to an
    hour, h:mm:ss beyond (so every label of one view has the same format)."""
    decimals = max(0, min(6, -math.floor(math.log10(spacing) + 1e-9))) if spacing > 0 else 0
    scale = 10**decimals
    units = round(abs(seconds) * scale)  # integer units: a rest never rounds up to 60
    sign = "-" if seconds < 0 and units else ""
    longest = round(abs(seconds if longest is None else longest), 6)
    if longest <= 60:
        return f"{sign}{units / scale:.{decimals}f}"
    minutes, rest = divmod(units, 60 * scale)
    width = 2 + (decimals + 1 if decimals else 0)
    rest_text = f"{rest / scale:0{width}.{decimals}f}"
    if longest <= 3600:
        return f"{sign}{minutes}:{rest_text}"
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours}:{minutes:02d}:{rest_text}"


def time_label(t_max: float) -> str:
    """The axis title for ticks up to ``t_max`` s: which format they use."""
    t_max = round(t_max, 6)  # a fitted hour reads 3600.0000000000005 from the view
    if t_max <= 60:  # a tick exactly at the edge is not drawn
        return "Time (s)"
    return "Time (m:ss)" if t_max <= 3600 else "Time (h:mm:ss)"


# tick steps: 1-2-5 below a second, clock-friendly above (never 1000 s, which reads 16:40)
SUBSECOND_STEPS = tuple(m * 10.0**e for e in range(-6, 0) for m in (1, 2, 5))
CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
               21600, 43200, 86400)
STEPS = (*SUBSECOND_STEPS, *CLOCK_STEPS)
MIN_LABEL_SPACING_PX = 70
LABEL_GAP_PX = 16  # at least this much room between two labels


class TimeAxis(TextCachedAxis):
    """Bottom axis in seconds, labelled m:ss past a minute, at 1-2-5 steps below a second
    and clock-friendly steps above; the step is the finest whose labels (measured in the
    axis font, as wide as the format needs at this offset) do not crowd, so every zoom
    and offset gets labels, as many as fit.

    Only the major ticks carry text (laying out tick texts is most of an axis's cost, and
    this one is redrawn on every pan), and no SI prefix is computed.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setStyle(maxTextLevel=0)
        self.enableAutoSIPrefix(False)
        self.origin = 0.0  # s: what position 0 reads (an excerpt drawn from its start)

    def set_origin(self, seconds: float) -> None:
        """Label position x as ``x + seconds`` (ticks at round times of the labels)."""
        self.origin = float(seconds)
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):
        if not self.origin:
            return super().tickValues(minVal, maxVal, size)
        levels = super().tickValues(minVal + self.origin, maxVal + self.origin, size)
        return [(spacing, [v - self.origin for v in values]) for spacing, values in levels]

    def tickSpacing(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        px_per_s = size / span
        widest = max(abs(minVal), abs(maxVal))
        metrics = QFontMetricsF(self._font())
        # past the steps (days of audio): whole numbers of days, as many as fit
        major = STEPS[-1] * max(1, math.ceil(span * MIN_LABEL_SPACING_PX * 2 / size
                                             / STEPS[-1]))
        for step in STEPS:
            room = step * px_per_s
            if room < MIN_LABEL_SPACING_PX:
                continue
            label = format_tick(widest, step, widest)
            if room >= metrics.horizontalAdvance(label) + LABEL_GAP_PX:
                major = step
                break
        levels = [(float(major), 0.0)]
        minor = next((s for s in reversed(STEPS) if s < major and _divides(s, major)), None)
        if minor is not None and major / minor <= 6:
            levels.append((float(minor), 0.0))
        return levels

    def tickStrings(self, values, scale, spacing):
        longest = max(abs(float(v) + self.origin) for v in self.range) * scale
        return [format_tick((float(v) + self.origin) * scale, float(spacing) * scale, longest)
                for v in values]


def _divides(step: float, major: float) -> bool:
    ratio = major / step
    return abs(ratio - round(ratio)) < 1e-6
