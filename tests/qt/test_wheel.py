"""The mouse wheel on the time views, with real QWheelEvents sent to the viewports:
wheel and swipes scroll time, Ctrl+wheel zooms time at the mouse, Shift+wheel zooms the
spectrogram's frequencies within the scale's range."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.qt.conftest import wait_settled, write_rich
from tests.qt.mouse import data_point, view_point, wheel

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, make_main_window, tmp_path: Path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=4.0))
    wait_settled(qtbot, window)
    window.waveform.plot.setXRange(1.0, 3.0, padding=0)
    return window


def x_range(window) -> tuple[float, float]:
    return tuple(window.waveform.plot.getViewBox().viewRange()[0])


def y_range(view) -> tuple[float, float]:
    return tuple(view.plot.getViewBox().viewRange()[1])


def mid_y(view) -> float:
    lo, hi = y_range(view)
    return (lo + hi) / 2


def test_wheel_scrolls_time_on_every_view(opened):
    window = opened
    for view in (window.waveform, window.spectrogram_view, window.feature_plot):
        window.waveform.plot.setXRange(1.0, 3.0, padding=0)
        heights = y_range(view)
        wheel(view, 2.0, mid_y(view), dy=-120)  # one notch down: a tenth of the view later
        assert x_range(window) == pytest.approx((1.2, 3.2), abs=1e-6)
        wheel(view, 2.0, mid_y(view), dy=240)  # two notches up: earlier
        assert x_range(window) == pytest.approx((0.8, 2.8), abs=1e-6)
        assert y_range(view) == pytest.approx(heights)  # no zoom of any kind
        # every x-linked view follows
        for other in (window.spectrogram_view, window.feature_plot):
            assert tuple(other.plot.getViewBox().viewRange()[0]) == pytest.approx((0.8, 2.8))


def test_horizontal_wheel_and_trackpad_swipes_scroll_time(opened):
    window = opened
    view = window.spectrogram_view
    wheel(view, 2.0, 1000.0, dx=120)  # tilt left: earlier
    assert x_range(window) == pytest.approx((0.8, 2.8), abs=1e-6)
    wheel(view, 2.0, 1000.0, dx=-120)
    assert x_range(window) == pytest.approx((1.0, 3.0), abs=1e-6)
    # a swipe moves the picture with the fingers: a quarter of the plot width, a quarter
    # of the span
    quarter = round(view.viewbox.width() / 4)
    wheel(view, 2.0, 1000.0, pixel_dx=-quarter)
    t0, t1 = x_range(window)
    assert t1 - t0 == pytest.approx(2.0)
    assert t0 == pytest.approx(1.0 + 2.0 * quarter / view.viewbox.width(), abs=1e-6)


def test_ctrl_wheel_zooms_time_around_the_mouse(opened):
    window = opened
    view = window.spectrogram_view
    heights = y_range(view)
    before = view_point(view, 1.5, 1000.0)
    t = data_point(view, 1.5, 1000.0).x()  # the time under that pixel
    wheel(view, 1.5, 1000.0, dy=120, modifiers=CTRL)  # zoom in, the time under the mouse stays
    t0, t1 = x_range(window)
    assert t1 - t0 == pytest.approx(2.0 * 0.8)
    assert (t0, t1) == pytest.approx((t - (t - 1.0) * 0.8, t + (3.0 - t) * 0.8))
    assert view_point(view, 1.5, 1000.0).x() == pytest.approx(before.x(), abs=1)
    wheel(view, 1.5, 1000.0, dy=-120, modifiers=CTRL)  # and out (within a pixel's rounding)
    assert x_range(window) == pytest.approx((1.0, 3.0), abs=2.0 / view.viewbox.width())
    assert y_range(view) == pytest.approx(heights)


def test_shift_wheel_zooms_spectrogram_frequencies_within_the_scale(opened, qtbot):
    window = opened
    view = window.spectrogram_view
    lo, hi = view.scale.axis_range
    assert y_range(view) == pytest.approx((lo, hi))
    f = data_point(view, 2.0, 2000.0).y()  # the frequency under the mouse (~2 kHz)
    wheel(view, 2.0, 2000.0, dy=120, modifiers=SHIFT)
    y0, y1 = y_range(view)
    assert y1 - y0 == pytest.approx((hi - lo) * 0.8)
    assert y0 == pytest.approx(f - (f - lo) * 0.8)  # it stays under the mouse
    assert x_range(window) == pytest.approx((1.0, 3.0))  # time untouched
    for _ in range(40):  # deep zoom stops at a thousandth of the axis
        wheel(view, 2.0, 2000.0, dy=120, modifiers=SHIFT)
    y0, y1 = y_range(view)
    assert y1 - y0 == pytest.approx((hi - lo) * 1e-3, rel=1e-6)
    assert y0 < 2000.0 < y1
    for _ in range(60):  # zooming out ends at the scale's full range, never beyond
        wheel(view, 2.0, y0, dy=-120, modifiers=SHIFT)
    assert y_range(view) == pytest.approx((lo, hi))
    # the other views' heights do not zoom: Shift+wheel scrolls their time instead
    heights = y_range(window.waveform)
    wheel(window.waveform, 2.0, 0.0, dy=-120, modifiers=SHIFT)
    assert y_range(window.waveform) == pytest.approx(heights)
    assert x_range(window) == pytest.approx((1.2, 3.2), abs=1e-6)
    # on a log scale the limits follow the scale; Ctrl+0 undoes a frequency zoom
    window.document.set_view(window.document.view.replace(freq_scale="log"))
    wait_settled(qtbot, window)
    lo, hi = view.scale.axis_range
    wheel(view, 2.0, (lo + hi) / 2, dy=360, modifiers=SHIFT)
    assert y_range(view)[1] - y_range(view)[0] == pytest.approx((hi - lo) * 0.8**3)
    window.actions.zoom_fit.trigger()
    assert y_range(view) == pytest.approx((lo, hi))
    assert x_range(window) == pytest.approx((0.0, 4.0))


def test_a_gesture_draws_at_half_width_then_settles_at_full(qtbot, make_main_window,
                                                            tmp_path: Path):
    """Frames during a wheel gesture pool half as many columns; when it rests, one
    full-resolution redraw follows (and only then counts the window as settled)."""
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "long.wav", seconds=120.0, sr=8000))
    wait_settled(qtbot, window)
    window.waveform.plot.setXRange(30.0, 90.0, padding=0)  # ~940 frames
    wait_settled(qtbot, window)
    view = window.spectrogram_view
    pixels = int(view.plot.getViewBox().width())
    full = view.image.image.shape[1]
    assert pixels // 2 < full <= pixels
    wheel(view, 60.0, 1000.0, dy=120)  # one notch: scroll a tenth of the view
    view._timer.stop()
    view.redraw()  # the gesture's frame
    during = view.image.image.shape[1]
    assert during <= pixels // 2
    assert view.redraw_pending  # the settling redraw is still to come
    wait_settled(qtbot, window)
    assert view.image.image.shape[1] >= full - 2
