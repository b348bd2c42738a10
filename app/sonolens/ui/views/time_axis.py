"""The shared time axis: seconds below a minute, m:ss (or h:mm:ss) beyond, as players show."""

from __future__ import annotations

import math

from sonolens.ui.views.text_axis import TextCachedAxis


def format_tick(seconds: float, spacing: float) -> str:
    """A tick label for ``seconds`` when ticks are ``spacing`` s apart."""
    decimals = max(0, min(3, -math.floor(math.log10(spacing)))) if spacing > 0 else 0
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds:.{decimals}f}"
    minutes, rest = divmod(seconds, 60.0)
    width = 2 + (decimals + 1 if decimals else 0)
    rest_text = f"{rest:0{width}.{decimals}f}"
    if minutes < 60:
        return f"{sign}{int(minutes)}:{rest_text}"
    hours, minutes = divmod(int(minutes), 60)
    return f"{sign}{hours}:{minutes:02d}:{rest_text}"


def time_label(t_max: float) -> str:
    """The axis title for ticks up to ``t_max`` s: which format they use."""
    t_max = round(t_max, 6)  # a fitted hour reads 3600.0000000000005 from the view
    if t_max <= 60:  # a tick exactly at the edge is not drawn
        return "Time (s)"
    return "Time (m:ss)" if t_max <= 3600 else "Time (h:mm:ss)"


# tick steps past a minute: clock-friendly (never 1000 s, which reads 16:40)
CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800)
MIN_LABEL_SPACING_PX = 70


class TimeAxis(TextCachedAxis):
    """Bottom axis in seconds, labelled m:ss past a minute, at clock-friendly steps.

    Only the major ticks carry text (laying out tick texts is most of an axis's cost, and
    this one is redrawn on every pan), and no SI prefix is computed.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setStyle(maxTextLevel=0)
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or maxVal < 60 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        wanted = span * MIN_LABEL_SPACING_PX / size  # seconds per label, at least
        major = next((s for s in CLOCK_STEPS if s >= wanted), CLOCK_STEPS[-1])
        if major < 1:
            return super().tickSpacing(minVal, maxVal, size)
        minor = next((s for s in reversed(CLOCK_STEPS) if s < major and major % s == 0), None)
        levels = [(float(major), 0.0)]
        if minor is not None and major / minor <= 6:
            levels.append((float(minor), 0.0))
        return levels

    def tickStrings(self, values, scale, spacing):
        return [format_tick(float(v) * scale, float(spacing) * scale) for v in values]
