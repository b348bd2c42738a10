"""The Spectrum dock as a person reads it: frequency labels in Hz at the right pixels on a
linear and a log axis, the curve's peak under its label, and peak marks only on real tones.

Expected positions are computed here from the file's sample rate and the plot area's pixel
rectangle (numpy log10), never through the app's own mapping.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPicture

from tests.qt.conftest import wait_settled

SR = 22050
LABEL = re.compile(r"(\d+(?:\.\d+)?)(k?)")


def write_tones(path: Path, tones: list[tuple[float, float]], seconds: float = 1.0) -> Path:
    """Sum of (Hz, amplitude) sines written as 16-bit PCM (rounding noise near -100 dB)."""
    t = np.arange(int(seconds * SR)) / SR
    y = sum(a * np.sin(2 * np.pi * f * t) for f, a in tones)
    sf.write(path, np.asarray(y, dtype=np.float32), SR, subtype="PCM_16")
    return path


@pytest.fixture
def panel_for(qtbot, make_main_window):
    """Open a file, show the Spectrum dock large enough to read, wait for its result."""

    def show(path: Path, *, log: bool):
        win = make_main_window()
        win.resize(1500, 900)
        win.open_path(path)
        wait_settled(qtbot, win)
        panel = win.spectrum_panel
        panel.log_axis.setChecked(log)
        win.spectrum_dock.raise_()
        qtbot.waitUntil(lambda: panel.spectrum is not None, timeout=10000)
        win.resizeDocks([win.spectrum_dock], [900], Qt.Orientation.Horizontal)
        qtbot.waitUntil(lambda: panel.plot_widget.width() > 600, timeout=5000)
        return panel

    return show


def hz_of(text: str) -> float:
    """A tick label read as a person reads it: "50" -> 50, "2k" -> 2000, "2.5k" -> 2500."""
    match = LABEL.fullmatch(text)
    assert match, f"tick label {text!r} is not a frequency in Hz"
    return float(match.group(1)) * (1000.0 if match.group(2) else 1.0)


def plot_area(panel) -> QRectF:
    """The data area (the ViewBox) in the plot widget's pixels."""
    widget = panel.plot_widget
    return widget.mapFromScene(panel.plot.vb.sceneBoundingRect()).boundingRect().toRectF()


def drawn_labels(panel) -> list[tuple[str, float, QRectF]]:
    """(text, centre x px, rect px) of every label the bottom axis draws, in widget pixels."""
    widget, axis = panel.plot_widget, panel.plot.getAxis("bottom")
    widget.grab()  # lay out and paint as on screen
    picture = QPicture()
    painter = QPainter(picture)
    try:
        painter.setFont(axis.style["tickFont"] or QFont())
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    labels = []
    for rect, _flags, text in texts:
        box = widget.mapFromScene(axis.mapRectToScene(rect)).boundingRect().toRectF()
        labels.append((text, box.center().x(), box))
    return labels


def pixels(widget) -> tuple[np.ndarray, float]:
    """The widget as drawn: (height, width, 3) uint8 RGB, and its device pixel ratio."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, stride)
    return rows[:, : width * 3].reshape(height, width, 3).copy(), image.devicePixelRatio()


def curve_top_x(panel) -> float:
    """Widget x (px) of the highest drawn pixels of the spectrum curve's colour."""
    rgb, dpr = pixels(panel.plot_widget)
    area = plot_area(panel)
    top, bottom = int(area.top() * dpr) + 1, min(int(area.bottom() * dpr), rgb.shape[0])
    left, right = int(area.left() * dpr), min(int(area.right() * dpr), rgb.shape[1])
    inside = rgb[top:bottom, left:right].astype(int)
    curve = panel.curve.opts["pen"].color()  # the theme's (window.set_theme)
    near = np.abs(inside - np.array(curve.getRgb()[:3])).sum(axis=2) <= 40
    rows = np.flatnonzero(near.any(axis=1))
    assert len(rows), "no curve pixel in the plot area"
    return (left + float(np.mean(np.flatnonzero(near[rows[0]])))) / dpr


def test_log_axis_reads_hz_at_the_right_positions(panel_for, tmp_path):
    panel = panel_for(write_tones(tmp_path / "k.wav", [(1000.0, 0.5)]), log=True)
    area = plot_area(panel)
    lo, hi = 10.0, SR / 2  # the dock shows 10 Hz .. Nyquist on a log axis
    view_lo, view_hi = panel.plot.vb.viewRange()[0]
    assert 10**view_lo == pytest.approx(lo, rel=1e-6) and 10**view_hi == pytest.approx(hi)

    def expected_x(hz: float) -> float:
        return area.left() + (np.log10(hz) - np.log10(lo)) / np.log10(hi / lo) * area.width()

    labels = drawn_labels(panel)
    freqs = [hz_of(text) for text, _x, _box in labels]
    assert len(labels) >= 6, labels
    for text, x, _box in labels:
        assert x == pytest.approx(expected_x(hz_of(text)), abs=1.5), text
    # round values (1, 2, 5 x 10^k), including every decade in view, none overlapping
    mantissas = {round(f / 10 ** np.floor(np.log10(f)), 6) for f in freqs}
    assert mantissas <= {1.0, 2.0, 5.0}, freqs
    assert {100.0, 1000.0, 10000.0} <= set(freqs)
    boxes = sorted((box for _t, _x, box in labels), key=QRectF.left)
    assert all(a.right() <= b.left() for a, b in itertools.pairwise(boxes))
    assert "1k" in [text for text, _x, _box in labels]
    # the tone's peak is drawn where the axis says 1 kHz is
    assert curve_top_x(panel) == pytest.approx(expected_x(1000.0), abs=2.0)


def test_linear_axis_reads_hz_at_the_right_positions(panel_for, tmp_path):
    panel = panel_for(write_tones(tmp_path / "k.wav", [(4000.0, 0.5)]), log=False)
    area = plot_area(panel)
    view_lo, view_hi = panel.plot.vb.viewRange()[0]
    assert (view_lo, view_hi) == pytest.approx((0.0, SR / 2))

    def expected_x(hz: float) -> float:
        return area.left() + hz / (SR / 2) * area.width()

    labels = drawn_labels(panel)
    assert len(labels) >= 4, labels
    for text, x, _box in labels:
        assert x == pytest.approx(expected_x(hz_of(text)), abs=1.5), text
    assert curve_top_x(panel) == pytest.approx(expected_x(4000.0), abs=2.0)


@pytest.mark.parametrize("log", [True, False])
def test_peaks_marked_on_the_tones_only(panel_for, tmp_path, log):
    tones = [(440.0, 0.5), (3000.0, 0.05)]  # -6 dB and -26 dB over 16-bit rounding noise
    panel = panel_for(write_tones(tmp_path / "two.wav", tones, seconds=2.0), log=log)
    assert len(panel.peaks) == 2, panel.peaks
    for (freq, amplitude), (peak_freq, peak_level) in zip(tones, panel.peaks, strict=True):
        assert peak_freq == pytest.approx(freq, abs=1.0)
        assert peak_level == pytest.approx(20 * np.log10(amplitude), abs=0.2)
    xs, ys = panel.markers.getData()
    expected_xs = [np.log10(f) if log else f for f, _a in tones]
    np.testing.assert_allclose(xs, expected_xs, atol=1e-3)
    np.testing.assert_allclose(ys, [20 * np.log10(a) for _f, a in tones], atol=0.2)
    assert sorted(label.toPlainText() for label in panel.labels) == ["3k Hz", "440 Hz"]


def test_noise_marks_no_peaks(panel_for, tmp_path):
    rng = np.random.default_rng(11)
    path = tmp_path / "noise.wav"
    sf.write(path, (0.1 * rng.standard_normal(SR * 2)).astype(np.float32), SR, subtype="PCM_16")
    panel = panel_for(path, log=True)
    assert panel.peaks == [] and len(panel.markers.getData()[0]) == 0 and panel.labels == []
