"""Time tick labels: seconds below a minute, m:ss and h:mm:ss beyond."""

from __future__ import annotations

import pytest

from sonolens.ui.views.time_axis import format_tick


@pytest.mark.parametrize("seconds,spacing,longest,text", [
    (0.0, 0.5, None, "0.0"), (2.5, 0.5, None, "2.5"), (10.0, 1.0, None, "10"),
    (0.125, 0.005, None, "0.125"), (60.0, 10.0, None, "60"), (60.0, 10.0, 90.0, "1:00"),
    (90.0, 30.0, None, "1:30"), (754.0, 2.0, None, "12:34"), (61.5, 0.5, None, "1:01.5"),
    (3600.0, 600.0, None, "60:00"), (3600.0, 600.0, 7200.0, "1:00:00"),
    (3723.0, 1.0, None, "1:02:03"), (-1.0, 1.0, None, "-1"),
    # one format per view: a view crossing a minute writes every label as m:ss
    (59.95, 0.05, 60.1, "0:59.95"),
    # rounding never makes a 60th second or minute
    (119.9996, 0.001, None, "2:00.000"), (3599.9999, 0.01, 7200.0, "1:00:00.00"),
    (1800.5001, 0.0001, None, "30:00.5001"), (7205.002, 0.002, None, "2:00:05.002"),
])
def test_format_tick(seconds, spacing, longest, text):
    assert format_tick(seconds, spacing, longest) == text


def test_views_use_the_time_axis(qtbot, make_main_window):
    from sonolens.ui.views.time_axis import TimeAxis

    window = make_main_window()
    for view in (window.waveform, window.spectrogram_view, window.feature_plot,
                 window.matrix_view):
        axis = view.plot.getAxis("bottom")
        assert isinstance(axis, TimeAxis)
        axis.setRange(100.0, 160.0)
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
