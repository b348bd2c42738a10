"""View > Fit Frequencies to Content and the fit on open, as seen: the top of the
frequency axis is read from the drawn tick labels (their text and pixel rows, a line
through them evaluated at the plot's top edge), and compared with where this file put
the signals' energy."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from sonolens.model.settings import Settings
from tests.qt.conftest import wait_settled
from tests.qt.mouse import wheel
from tests.qt.pixels import axis_labels, grab_rgb, parse_hz, plot_area, view_range

PIANO_TOP_HZ = 3950.0  # no partial of the piano-like file lies above this


def write_piano(path, sr: int = 44100, repeats: int = 1):
    """Four decaying notes (``repeats`` times) whose partials (1/k^1.5) all lie below
    PIANO_TOP_HZ."""
    notes = (261.63, 329.63, 392.0, 523.25) * repeats
    seg = int(0.7 * sr)
    t = np.arange(seg) / sr
    envelope = np.minimum(1.0, t / 0.005) * np.exp(-t / 0.5)
    y = np.concatenate([
        envelope * sum(0.25 / k**1.5 * np.sin(2 * np.pi * f * k * t)
                       for k in range(1, int(PIANO_TOP_HZ // f) + 1))
        for f in notes])
    sf.write(path, y.astype(np.float32), sr, subtype="FLOAT")
    return path


def write_ultrasonic(path, sr: int = 192000):
    """A 20 kHz tone over faint noise, at 192 kHz."""
    t = np.arange(int(1.5 * sr)) / sr
    noise = 1e-5 * np.random.default_rng(1).standard_normal(len(t))
    sf.write(path, (0.4 * np.sin(2 * np.pi * 20000.0 * t) + noise).astype(np.float32), sr,
             subtype="FLOAT")
    return path


def axis_top_hz(window) -> float:
    """The frequency at the plot's top edge, from the drawn labels: a straight line
    through (label pixel row, label Hz) (a linear axis) at the plot area's top."""
    view = window.spectrogram_view
    grab_rgb(view)  # the axis keeps what it drew
    labels = axis_labels(view, view.axis)
    assert len(labels) >= 3, labels
    rows = np.array([label.y for label in labels])
    hz = np.array([parse_hz(label.text) for label in labels])
    slope, offset = np.polyfit(rows, hz, 1)
    return float(slope * plot_area(view).top + offset)


def drawn_finely(window) -> bool:
    """The fitted range is drawn from the finer rows it holds, not the full range's rows
    stretched: ~210 FFT bins over ~300 pixel rows change colour between most pairs of
    neighbouring rows (stretched rows of the whole range: 5 px blocks, under 1 in 5)."""
    view = window.spectrogram_view
    rgb, area = grab_rgb(view), plot_area(view)
    block = rgb[area.rows(2)][:, area.columns(2)].astype(int)
    return (np.abs(np.diff(block, axis=0)).max(axis=2) > 0).mean() > 0.28


@pytest.fixture
def open_with(qtbot, make_main_window, settings_path):
    def open_(path, *, fit_on_open: bool):
        settings = Settings(settings_path)
        settings.set_fit_frequencies_on_open(fit_on_open)
        settings.sync()
        window = make_main_window()
        window.open_path(path)
        wait_settled(qtbot, window)
        return window
    return open_


def test_a_piano_below_4_khz_is_fitted_on_open_just_above_4_khz(open_with, tmp_path):
    window = open_with(write_piano(tmp_path / "piano.wav"), fit_on_open=True)
    assert window.actions.fit_on_open.isChecked()
    top = axis_top_hz(window)
    assert PIANO_TOP_HZ < top <= 5000.0, top
    assert drawn_finely(window)
    # Zoom to Fit shows every frequency again: 0 .. 22.05 kHz
    window.actions.zoom_fit.trigger()
    assert axis_top_hz(window) == pytest.approx(22050.0, abs=30.0)


def test_a_192_khz_recording_of_a_20_khz_tone_is_fitted_to_20_to_25_khz(open_with,
                                                                        tmp_path):
    window = open_with(write_ultrasonic(tmp_path / "bat.wav"), fit_on_open=True)
    top = axis_top_hz(window)
    assert 20000.0 < top <= 25000.0, top


def test_with_the_fit_on_open_off_the_full_range_stays_until_asked(open_with, tmp_path,
                                                                   settings_path, qtbot):
    window = open_with(write_piano(tmp_path / "piano.wav"), fit_on_open=False)
    assert not window.actions.fit_on_open.isChecked()
    assert axis_top_hz(window) == pytest.approx(22050.0, abs=30.0)
    window.actions.fit_frequencies.trigger()  # View > Fit Frequencies to Content
    wait_settled(qtbot, window)
    top = axis_top_hz(window)
    assert PIANO_TOP_HZ < top <= 5000.0, top
    assert drawn_finely(window)
    # the choice is a setting: turned on here, read back from the file
    window.actions.fit_on_open.trigger()
    assert Settings(settings_path).fit_frequencies_on_open()
    window.actions.fit_on_open.trigger()
    assert not Settings(settings_path).fit_frequencies_on_open()


def test_a_frequency_zoom_made_while_the_file_opens_is_kept(qtbot, make_main_window,
                                                            settings_path, tmp_path, permits):
    settings = Settings(settings_path)
    settings.set_fit_frequencies_on_open(True)
    settings.sync()
    window = make_main_window()
    path = write_piano(tmp_path / "piano.wav", repeats=11)  # 31 s: 21 blocks
    window.open_path(path)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=10000)
    for _ in range(40):  # a block at a time until the first columns are shown
        if window.document.spectrogram is not None:
            break
        permits.release(1)
        qtbot.wait(100)
    assert not window.document.spectrogram.complete
    view = window.spectrogram_view
    wheel(view, 0.5, 15000.0, dy=2 * 120, modifiers=Qt.KeyboardModifier.ShiftModifier)
    _, (_, zoomed_top) = view_range(view)
    assert zoomed_top < 21000.0  # Shift+wheel zoomed in
    permits.release(100000)
    wait_settled(qtbot, window)
    assert window.document.spectrogram.complete
    assert axis_top_hz(window) == pytest.approx(zoomed_top, abs=30.0)
