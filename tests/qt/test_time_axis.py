"""Time tick labels: seconds below a minute, m:ss and h:mm:ss beyond."""

from __future__ import annotations

import pytest

from sonolens.ui.views.time_axis import format_tick


@pytest.mark.parametrize("seconds,spacing,text", [
    (0.0, 0.5, "0.0"), (2.5, 0.5, "2.5"), (10.0, 1.0, "10"), (0.125, 0.005, "0.125"),
    (60.0, 10.0, "1:00"), (90.0, 30.0, "1:30"), (754.0, 2.0, "12:34"),
    (61.5, 0.5, "1:01.5"), (3600.0, 600.0, "1:00:00"), (3723.0, 1.0, "1:02:03"),
    (-1.0, 1.0, "-1"),
])
def test_format_tick(seconds, spacing, text):
    assert format_tick(seconds, spacing) == text


def test_views_use_the_time_axis(qtbot, make_main_window):
    from sonolens.ui.views.time_axis import TimeAxis

    window = make_main_window()
    for view in (window.waveform, window.spectrogram_view, window.feature_plot,
                 window.matrix_view):
        axis = view.plot.getAxis("bottom")
        assert isinstance(axis, TimeAxis)
        assert axis.tickStrings([120.0, 150.0], 1.0, 30.0) == ["2:00", "2:30"]


def test_long_ranges_tick_at_clock_steps(qtbot):
    from sonolens.ui.views.time_axis import CLOCK_STEPS, TimeAxis

    axis = TimeAxis("bottom")
    for span, size in ((3600.0, 800.0), (600.0, 1000.0), (10800.0, 500.0), (90.0, 900.0)):
        levels = axis.tickSpacing(0.0, span, size)
        major = levels[0][0]
        assert major in CLOCK_STEPS
        assert span / major <= size / 70 + 1e-9  # labels never crowd


def test_axis_title_names_the_tick_format(qtbot, make_main_window):
    window = make_main_window()
    axis = window.feature_plot.plot.getAxis("bottom")
    fitted_hour = 3600.0000000000005  # what the view reports for an hour fitted
    for t1, title in ((30.0, "Time (s)"), (600.0, "Time (m:ss)"), (fitted_hour, "Time (m:ss)"),
                      (7200.0, "Time (h:mm:ss)")):
        window.waveform.plot.getViewBox().setLimits(xMax=10_000)
        window.waveform.plot.setXRange(0.0, t1, padding=0)
        assert axis.labelText == title
    # the upper views show no time axis at all (one, under the lowest view)
    assert not window.waveform.plot.getAxis("bottom").isVisible()
    assert not window.spectrogram_view.plot.getAxis("bottom").isVisible()
