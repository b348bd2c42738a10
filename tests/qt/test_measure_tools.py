"""The ruler, the harmonic cursor and the crosshair driven with the real mouse in the
window: readouts parsed and compared with numbers computed here (librosa's STFT and MIDI
numbers), lines and markers found in grabbed pixels at the rows and columns this file
computes from the plot area and the visible range (linear axis: y is Hz), never through
the app's mapping helpers."""

from __future__ import annotations

import re

import librosa
import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from sonolens.core.view_settings import ViewSettings
from tests.qt.mouse import _send as send
from tests.qt.mouse import drag_points, hover_at, wheel
from tests.qt.pixels import (
    grab_rgb,
    open_window,
    pen_rgb,
    plot_area,
    show_view,
    view_range,
    wait_until,
)

SR, N_FFT, HOP = 22050, 2048, 512
F0 = 200.0
AMPS = [0.3 / k for k in range(1, 11)]  # harmonic k of 200 Hz at 0.3 / k
LEFT, NOBUTTON = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
NONE = Qt.KeyboardModifier.NoModifier
FINE = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
# the offscreen platform says so when a popup (the ruler's context menu) opens
pytestmark = pytest.mark.qt_log_ignore("does not support grabbing", extend=True)


@pytest.fixture(scope="module")
def signal(tmp_path_factory):
    path = tmp_path_factory.mktemp("measure") / "harmonics.wav"
    t = np.arange(3 * SR) / SR
    y = sum(a * np.sin(2 * np.pi * F0 * k * t) for k, a in enumerate(AMPS, start=1))
    sf.write(path, y.astype(np.float32), SR, subtype="FLOAT")
    return path, y.astype(np.float32)


@pytest.fixture(scope="module")
def window(qapp, signal, tmp_path_factory):
    settings = tmp_path_factory.mktemp("measure-settings") / "s.ini"
    with open_window(settings, signal[0], ViewSettings(overlays=frozenset())) as window:
        yield window


@pytest.fixture
def tools(window):
    """Every tool off before and after a test."""
    a = window.actions
    for action in (a.ruler, a.harmonic_cursor, a.crosshair):
        action.setChecked(False)
    window.document.set_selection(None)
    yield window
    for action in (a.ruler, a.harmonic_cursor, a.crosshair):
        action.setChecked(False)


# -- geometry and mouse, from the plot area and the visible range -------------------------
def pixel(view, t: float, y: float) -> QPoint:
    """Widget pixel of (t s, y) from the plot area and the range shown (linear axes)."""
    area = plot_area(view)
    (t0, t1), (y0, y1) = view_range(view)
    return QPoint(int(area.x_of(t, t0, t1)), int(area.y_of(y, y0, y1)))


def data_at(view, point: QPoint) -> tuple[float, float]:
    """(t, y) where a mouse event at widget pixel ``point`` lands, by the same linear formulas."""
    area = plot_area(view)
    (t0, t1), (y0, y1) = view_range(view)
    t = t0 + (point.x() - area.left) / area.width * (t1 - t0)
    y = y1 - (point.y() - area.top) / area.height * (y1 - y0)
    return t, y


def hover(view, point: QPoint) -> None:
    hover_at(view, point)


def drag(view, start: QPoint, end: QPoint, *, steps: int = 6, release: bool = True,
         modifiers=NONE) -> None:
    drag_points(view, start, end, modifiers, steps, release=release)


def colour_mask(rgb: np.ndarray, colour: np.ndarray, tol: int = 40) -> np.ndarray:
    return np.abs(rgb.astype(int) - colour[None, None, :]).max(axis=2) <= tol


def runs(mask: np.ndarray) -> list[float]:
    """Centres (pixel centres) of the runs of True in a 1-D mask."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return [(a + b) / 2 for a, b in zip(edges[0::2], edges[1::2], strict=True)]


# -- expectations computed here ------------------------------------------------------------
def db_level(y: np.ndarray, view, t: float, hz: float) -> float:
    """What the pixel at (t, hz) shows, from librosa: the loudest STFT bin (dB) of the
    frame nearest t among the bins within half a pixel of hz."""
    S = librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)))
    freqs = librosa.fft_frequencies(sr=SR, n_fft=N_FFT)
    (_, _), (y0, y1) = view_range(view)
    half = (y1 - y0) / plot_area(view).height / 2
    frame = round(t * SR / HOP)
    inside = (freqs >= hz - half) & (freqs <= hz + half)
    return float(S[inside, frame].max())


def interval(f_a: float, f_b: float) -> tuple[int, int]:
    st = float(librosa.hz_to_midi(f_b) - librosa.hz_to_midi(f_a))
    whole = round(st)
    return whole, round(100 * (st - whole))


def seconds(match: re.Match) -> float:
    return float(match.group(1)) * (1e-3 if match.group(2) == "ms" else 1.0)


RULER_TEXT = re.compile(r"Δt (-?[\d.]+) (ms|s)   Δf ([+-][\d.]+) Hz \(.*\)   "
                        r"([+-]\d+) st ([+-]\d+) c   ΔL ([+-][\d.]+) dB")


# -- the ruler --------------------------------------------------------------------------------
def test_the_ruler_measures_time_frequency_interval_and_level_on_the_spectrogram(
        tools, signal):
    window, view = tools, tools.spectrogram_view
    window.actions.ruler.trigger()
    start, end = pixel(view, 0.8, F0), pixel(view, 2.0, 5 * F0)
    (ta, fa), (tb, fb) = data_at(view, start), data_at(view, end)
    # live: half way (button still down) the readout measures the half drag
    mid = start + (end - start) * 0.5
    drag(view, start, mid, steps=3, release=False)
    live = RULER_TEXT.fullmatch(window.measure_tools.ruler.text())
    assert live and seconds(live) == pytest.approx(data_at(view, mid)[0] - ta, abs=2e-3)
    send(view, QEvent.Type.MouseButtonRelease, mid, LEFT, NOBUTTON)
    drag(view, start, end)
    text = window.measure_tools.ruler.text()
    match = RULER_TEXT.fullmatch(text)
    assert match, text
    assert seconds(match) == pytest.approx(tb - ta, abs=2e-3)
    assert float(match.group(3)) == pytest.approx(fb - fa, abs=0.6)
    assert (int(match.group(4)), int(match.group(5))) == interval(fa, fb)
    level = db_level(signal[1], view, tb, fb) - db_level(signal[1], view, ta, fa)
    assert abs(level - 20 * np.log10(1 / 5)) < 1.0  # harmonic 5 is 1/5 of harmonic 1
    assert float(match.group(6)) == pytest.approx(level, abs=0.11)
    # the drag measured: no time selection, no annotation
    assert window.document.selection is None
    assert len(window.document.annotations.annotations) == 0
    assert window.statusBar().currentMessage() == text
    # the line A -> B is drawn where A and B are
    rgb = grab_rgb(view)
    amber = pen_rgb(window.measure_tools.ruler.graphics[id(view.viewbox)].line)
    on = colour_mask(rgb, amber)
    area = plot_area(view)
    (t0, t1), (y0, y1) = view_range(view)
    xa, ya = float(area.x_of(ta, t0, t1)), float(area.y_of(fa, y0, y1))
    xb, yb = float(area.x_of(tb, t0, t1)), float(area.y_of(fb, y0, y1))
    for s in np.linspace(0.15, 0.6, 6):  # away from the readout box at B
        x, y = xa + s * (xb - xa), ya + s * (yb - ya)
        patch = on[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3]
        assert patch.any(), f"no ruler line near ({x:.0f}, {y:.0f})"
        assert not on[int(y) - 15, int(x)], "line pixels far above the line"
    # Ctrl+C / Copy Measurement: the same line of text
    QApplication.clipboard().clear()
    window.actions.copy_measurement.trigger()
    assert QApplication.clipboard().text() == text
    # a right-click offers the same: its menu's Copy Measurement
    QApplication.clipboard().clear()
    chosen: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        action = next(a for a in menu.actions() if a.text() == "Copy Measurement")
        chosen.append(action.text())
        action.trigger()
        menu.close()

    QTimer.singleShot(200, choose)
    right = Qt.MouseButton.RightButton
    inside = pixel(view, 1.0, 3000.0)
    hover(view, inside)
    send(view, QEvent.Type.MouseButtonPress, inside, right, right)
    send(view, QEvent.Type.MouseButtonRelease, inside, right, NOBUTTON)
    wait_until(lambda: bool(chosen))
    assert QApplication.clipboard().text() == text
    # off: the line and readout are gone, a drag selects time again
    window.actions.ruler.trigger()
    assert not colour_mask(grab_rgb(view), amber)[area.rows()][:, area.columns()].any()
    drag(view, start, end)
    selection = window.document.selection
    assert selection is not None and selection[0] == pytest.approx(ta, abs=0.02)


def test_the_ruler_measures_time_and_value_on_the_waveform(tools):
    window, view = tools, tools.waveform
    window.actions.ruler.trigger()
    start, end = pixel(view, 0.5, 0.1), pixel(view, 0.75, -0.2)
    (ta, ya), (tb, yb) = data_at(view, start), data_at(view, end)
    drag(view, start, end)
    text = window.measure_tools.ruler.text()
    match = re.fullmatch(r"Δt ([\d.]+) ms   ΔAmplitude ([+-][\d.e-]+) "
                         r"\((-?[\d.]+) → (-?[\d.]+)\)", text)
    assert match, text
    assert float(match.group(1)) / 1000 == pytest.approx(tb - ta, abs=2e-3)
    assert float(match.group(2)) == pytest.approx(yb - ya, abs=5e-3)
    assert window.document.selection is None
    # the feature plot: Δt and the difference of its values, named as its axis
    lower = window.feature_plot
    (_, _), (v0, v1) = view_range(lower)
    start, end = pixel(lower, 1.0, v0 + 0.2 * (v1 - v0)), pixel(lower, 1.5, v0 + 0.7 * (v1 - v0))
    (ta, ya), (tb, yb) = data_at(lower, start), data_at(lower, end)
    drag(lower, start, end)
    name = lower.plot.getAxis("left").labelText
    match = re.fullmatch(rf"Δt ([\d.]+) ms   Δ{name} ([+-][\d.e-]+) \(.*\)",
                         window.measure_tools.ruler.text())
    assert match, window.measure_tools.ruler.text()
    assert float(match.group(1)) / 1000 == pytest.approx(tb - ta, abs=2e-3)
    assert float(match.group(2)) == pytest.approx(yb - ya, rel=2e-3)
    # the matrix view (MFCC rows) too
    show_view(window, lower_view="mfcc")
    matrix = window.matrix_view
    (_, _), (v0, v1) = view_range(matrix)
    start, end = pixel(matrix, 0.5, v0 + 0.1 * (v1 - v0)), pixel(matrix, 2.5, v0 + 0.9 * (v1 - v0))
    (ta, ya), (tb, yb) = data_at(matrix, start), data_at(matrix, end)
    drag(matrix, start, end)
    name = matrix.plot.getAxis("left").labelText
    match = re.fullmatch(rf"Δt ([\d.]+) s   Δ{re.escape(name)} ([+-][\d.e-]+) \(.*\)",
                         window.measure_tools.ruler.text())
    assert match, window.measure_tools.ruler.text()
    assert float(match.group(1)) == pytest.approx(tb - ta, abs=2e-3)
    assert float(match.group(2)) == pytest.approx(yb - ya, rel=2e-3)
    show_view(window, lower_view="features")
    # Shift+drag still pans with the ruler on
    window.actions.zoom_in.trigger()
    wait_until(window.is_settled)
    (z0, z1), _ = view_range(view)
    drag(view, pixel(view, (z0 + z1) / 2, 0.0), pixel(view, z0 + (z1 - z0) * 0.3, 0.0),
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    (p0, _), _ = view_range(view)
    assert p0 > z0 + 0.05 * (z1 - z0), "Shift+drag did not pan"
    window.actions.zoom_fit.trigger()
    wait_until(window.is_settled)


# -- the harmonic cursor ----------------------------------------------------------------------
def marker_rows(window, view, t: float, offset: int = 25) -> list[float]:
    """Rows (pixel centres) of the harmonic markers in the column ``offset`` px right of
    time ``t`` (default: on the markers beside the mouse)."""
    rgb = grab_rgb(view)
    cyan = pen_rgb(window.measure_tools.harmonics.markers)
    area = plot_area(view)
    (t0, t1), _ = view_range(view)
    column = int(area.x_of(t, t0, t1)) + offset
    rows = area.rows()
    return [rows[0] + r for r in runs(colour_mask(rgb[rows, column][None], cyan)[0])]


def test_the_harmonic_cursor_marks_every_harmonic_and_tunes_with_ctrl_shift_wheel(tools):
    window, view = tools, tools.spectrogram_view
    window.actions.harmonic_cursor.trigger()
    point = pixel(view, 1.5, 3 * F0 + 7)
    t, f0 = data_at(view, point)
    hover(view, point)
    hover(view, point)
    text = window.measure_tools.harmonics.text()
    match = re.fullmatch(r"f0 ([\d.]+) Hz  ([A-G]#?-?\d)( [+-]\d+ c)?", text)
    assert match, text
    assert float(match.group(1)) == pytest.approx(f0, abs=0.06)
    assert match.group(2) == librosa.hz_to_note(f0, unicode=False)
    area = plot_area(view)
    (_, _), (y0, y1) = view_range(view)

    def expected_rows(f: float) -> np.ndarray:
        hz = f * np.arange(1, int(y1 // f) + 1)
        return area.y_of(hz, y0, y1)

    found = marker_rows(window, view, t)
    want = expected_rows(f0)
    assert len(found) == len(want), (found, want)
    assert np.max(np.abs(np.sort(found) - np.sort(want))) <= 1.5
    assert marker_rows(window, view, t, offset=0) == []  # the data at the mouse stays seen
    # Ctrl+Shift+wheel: 25 notches up = +50 cents; the view neither zooms nor scrolls
    before = view_range(view)
    wheel(view, *data_at(view, point), dy=25 * 120, modifiers=FINE)
    assert view_range(view) == before
    tuned = f0 * 2 ** (50 / 1200)
    assert float(re.match(r"f0 ([\d.]+)", window.measure_tools.harmonics.text()).group(1)) \
        == pytest.approx(tuned, abs=0.06)
    found = marker_rows(window, view, t)
    want = expected_rows(tuned)
    assert len(found) == len(want)
    assert np.max(np.abs(np.sort(found) - np.sort(want))) <= 1.5
    # moving along time keeps the tuned f0; moving up 30 px takes the mouse's again
    hover(view, point + QPoint(40, 0))
    assert window.measure_tools.harmonics.f0 == pytest.approx(tuned)
    hover(view, point + QPoint(40, -30))
    assert window.measure_tools.harmonics.f0 == pytest.approx(
        data_at(view, point + QPoint(40, -30))[1], abs=0.06)
    # Copy Measurement without a ruler copies the harmonic readout
    window.actions.copy_measurement.trigger()
    assert QApplication.clipboard().text() == window.measure_tools.harmonics.text()
    # off: no marker left
    window.actions.harmonic_cursor.trigger()
    assert marker_rows(window, view, t) == []


# -- the crosshair ----------------------------------------------------------------------------
def line_column(view, colour: np.ndarray) -> int:
    """The plot column holding most pixels of ``colour``."""
    rgb, area = grab_rgb(view), plot_area(view)
    rows, cols = area.rows(), area.columns()
    counts = colour_mask(rgb[rows][:, cols], colour, tol=12).sum(axis=0)
    return int(cols[np.argmax(counts)]) if counts.max() >= 0.2 * len(rows) else -1


def line_row(view, colour: np.ndarray) -> int:
    rgb, area = grab_rgb(view), plot_area(view)
    rows, cols = area.rows(), area.columns()
    counts = colour_mask(rgb[rows][:, cols], colour, tol=12).sum(axis=1)
    return int(rows[np.argmax(counts)]) if counts.max() >= 0.2 * len(cols) else -1


def test_the_crosshair_follows_the_mouse_across_the_linked_views(tools):
    window, view = tools, tools.spectrogram_view
    window.actions.crosshair.trigger()
    point = pixel(view, 1.2, 2500.0)
    t, hz = data_at(view, point)
    hover(view, point)
    hover(view, point)
    crosshair = window.measure_tools.crosshair
    pen = crosshair.vertical[id(view)].pen.color()
    grey = np.array([pen.red(), pen.green(), pen.blue()])
    for shown in (window.waveform, view, window.feature_plot):
        area = plot_area(shown)
        (t0, t1), _ = view_range(shown)
        assert abs(line_column(shown, grey) + 0.5 - float(area.x_of(t, t0, t1))) <= 1.5, shown
    area = plot_area(view)
    (_, _), (y0, y1) = view_range(view)
    assert abs(line_row(view, grey) + 0.5 - float(area.y_of(hz, y0, y1))) <= 1.5
    assert line_row(window.waveform, grey) == -1  # the horizontal line: hovered view only
    window.actions.crosshair.trigger()
    assert line_column(window.waveform, grey) == -1
