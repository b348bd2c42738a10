"""Slowed and band-limited playback from the window: the Speed selector and Audio > Speed,
a selected box played in its band (and everything but it), the slowed export. Played
samples are captured through PortAudio into the ALSA file PCM (tests/qt/conftest.py) and
compared with soxr / scipy computed here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr
from scipy.signal import butter, sosfiltfilt

from sonolens.core.annotations import Annotation, AnnotationSet
from tests.qt.conftest import faded_in, faded_out, wait_settled
from tests.qt.test_annotation_mouse import click, pixel

SR = 44100


@pytest.fixture
def tones(tmp_path: Path) -> Path:
    """2 s, mono: 300 Hz + 2 kHz + 6 kHz and a little noise."""
    t = np.arange(SR * 2) / SR
    rng = np.random.default_rng(11)
    y = (0.25 * np.sin(2 * np.pi * 300 * t) + 0.2 * np.sin(2 * np.pi * 2000 * t)
         + 0.15 * np.sin(2 * np.pi * 6000 * t) + 0.02 * rng.standard_normal(len(t)))
    path = tmp_path / "tones.wav"
    sf.write(path, y.astype(np.float32), SR, subtype="FLOAT")
    return path


@pytest.fixture
def window(qtbot, make_main_window, tones):
    win = make_main_window()
    win.check_playback()
    win.open_path(tones)
    wait_settled(qtbot, win)
    return win


def _play(qtbot, window, tap: Path, monkeypatch) -> np.ndarray:
    """Space in the window, to the end; the played samples (mono capture, trimmed)."""
    monkeypatch.setenv("TAP_FILE", str(tap))
    monkeypatch.setenv("TAP_RATE", str(SR))
    monkeypatch.setenv("TAP_CHANNELS", "1")
    window.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=20000)
    data = np.fromfile(tap, dtype="<f4")
    loud = np.flatnonzero(data)
    data = data[loud[0]:loud[-1] + 1]
    # the ALSA null sink is not paced: the feeder falls behind and silence (whole
    # callbacks) is played between the parts; drop those runs, keep single zero samples
    silent = data == 0
    run = np.convolve(silent, np.ones(9), mode="same") >= 9
    return data[~(silent & (np.convolve(run, np.ones(9), mode="same") > 0))]


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    return float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))


def test_speed_selector_plays_slowed_and_the_playhead_keeps_file_time(
        qtbot, window, tones, tmp_path, monkeypatch):
    combo = window.findChild(type(window.playback_speed.combo), "play_speed")
    assert combo is window.playback_speed.combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "1×", "1/2×", "1/4×", "1/8×", "1/10×", "1/16×", "1/20×", "1/32×"]
    combo.setCurrentIndex(combo.findText("1/10×"))
    assert window.playback_speed.speed_actions[10].isChecked()  # Audio > Speed follows
    source, _ = sf.read(tones, dtype="float32")
    window.document.set_selection((0.5, 1.0))
    seen: list[float] = []
    window.playback.position_changed.connect(seen.append)
    played = _play(qtbot, window, tmp_path / "slow.raw", monkeypatch)
    selection = source[round(0.5 * SR):round(1.0 * SR)]
    assert len(played) == len(selection) * 10  # 5 s of sound for 0.5 s of file
    expected = soxr.resample(selection.astype(np.float64), SR, SR * 10)
    assert _correlation(played, expected) > 0.999
    # the playhead ran through the selection in file time and ends at its end
    moving = [s for s in seen if s >= 0]
    assert moving and all(0.5 - 1e-9 <= s <= 1.0 + 1e-9 for s in moving)
    assert moving == sorted(moving) and moving[-1] == pytest.approx(1.0, abs=1e-6)
    for line in window.markers.playheads:
        assert line.value() == pytest.approx(1.0, abs=1e-3)


def test_speed_menu_sets_the_selector_and_back_to_normal_plays_bit_exact(
        qtbot, window, tones, tmp_path, monkeypatch):
    window.playback_speed.speed_actions[4].trigger()
    assert window.playback_speed.combo.currentText() == "1/4×"
    window.document.set_selection((0.25, 0.3))
    played = _play(qtbot, window, tmp_path / "quarter.raw", monkeypatch)
    assert len(played) == round(0.05 * SR) * 4
    window.playback_speed.speed_actions[1].trigger()
    assert window.playback_speed.combo.currentText() == "1×"
    played = _play(qtbot, window, tmp_path / "normal.raw", monkeypatch)
    source, _ = sf.read(tones, dtype="float32")
    expected = source[round(0.25 * SR):round(0.3 * SR)]
    fade = round(0.01 * SR)  # a start and an end inside the file fade in and out
    np.testing.assert_array_equal(played[fade:-fade], expected[fade:-fade])
    np.testing.assert_allclose(played, faded_out(faded_in(expected, SR, 0), SR), rtol=0,
                               atol=1e-7)


def _box(window, low: float, high: float) -> None:
    """A box from 0.5 to 1.5 s in [low, high] Hz, selected by a click inside it."""
    boxes = AnnotationSet()
    boxes.add(Annotation(0.5, 1.5, "call", "calls", low_hz=low, high_hz=high))
    window.document.set_annotations(boxes)
    view = window.spectrogram_view
    assert view.scale.kind == "linear"
    click(view, pixel(view, 1.0, (low + high) / 2))
    assert window.annotation_mouse.selected == 0


def test_selected_box_plays_its_band_and_the_toggle_plays_the_rest(
        qtbot, window, tones, tmp_path, monkeypatch):
    source, _ = sf.read(tones, dtype="float64")
    window.document.set_selection((0.0, 0.2))  # the box, selected later, wins
    _box(window, 1500, 3000)
    sos = butter(4, [1500, 3000], btype="bandpass", fs=SR, output="sos")
    passed = sosfiltfilt(sos, source)[round(0.5 * SR):round(1.5 * SR)]
    rest = source[round(0.5 * SR):round(1.5 * SR)] - passed
    fade = round(0.01 * SR)
    inner = slice(fade, -fade)
    played = _play(qtbot, window, tmp_path / "band.raw", monkeypatch)
    assert len(played) == SR
    np.testing.assert_allclose(played[inner], passed[inner], atol=1e-5)
    spectrum = np.abs(np.fft.rfft(played))  # 1 s: bins are Hz
    assert spectrum[2000] > 1000 * max(spectrum[300], spectrum[6000])
    window.playback_speed.band_stop.trigger()  # Audio > Play Except the Band
    assert window.playback.shape.band_stop
    played = _play(qtbot, window, tmp_path / "rest.raw", monkeypatch)
    np.testing.assert_allclose(played[inner], rest[inner], atol=1e-5)
    spectrum = np.abs(np.fft.rfft(played))
    assert spectrum[2000] < 1e-3 * min(spectrum[300], spectrum[6000])
    window.playback_speed.band_stop.trigger()
    window.document.set_selection((0.0, 0.25))  # a time range selected after the box wins
    played = _play(qtbot, window, tmp_path / "plain.raw", monkeypatch)
    plain = source[:round(0.25 * SR)].astype(np.float32)
    np.testing.assert_array_equal(played[:-fade], plain[:-fade])  # from 0: no fade-in
    np.testing.assert_allclose(played, faded_out(plain, SR), rtol=0, atol=1e-7)
    click(window.spectrogram_view, pixel(window.spectrogram_view, 1.0, 2250))  # the box
    assert window.document.selection is None  # a click on it cleared the range
    played = _play(qtbot, window, tmp_path / "band-again.raw", monkeypatch)
    np.testing.assert_allclose(played[inner], passed[inner], atol=1e-5)


def test_export_slowed_selection_and_refusal_over_the_input(qtbot, window, tones, tmp_path):
    window.playback_speed.set_slowdown(8)
    window.document.set_selection((1.0, 1.25))
    out = tmp_path / "slow8.wav"
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        window.playback_speed.export_slowed_to(out)
    data, rate = sf.read(out, dtype="float64")
    source, _ = sf.read(tones, dtype="float64")
    assert rate == SR and len(data) == round(0.25 * SR) * 8
    whole = soxr.resample(source, SR, SR * 8)[round(1.0 * SR) * 8:round(1.25 * SR) * 8]
    np.testing.assert_allclose(data, whole, atol=1e-5)
    errors: list[tuple[str, str]] = []
    window.exporter.failed.connect(lambda title, message: errors.append((title, message)))
    before = tones.read_bytes()
    window.playback_speed.export_slowed_to(tones)
    assert errors and errors[-1][0] == "Export refused"
    assert tones.read_bytes() == before


def test_keep_pitch_plays_the_phase_vocoder_stretch(qtbot, window, tones, tmp_path,
                                                    monkeypatch):
    import librosa

    speed = window.playback_speed
    speed.keep_pitch.trigger()  # Audio > Keep Pitch When Slowed
    speed.combo.setCurrentIndex(speed.combo.findText("1/2×"))
    window.document.set_selection((0.5, 0.75))
    played = _play(qtbot, window, tmp_path / "keep.raw", monkeypatch)
    source, _ = sf.read(tones, dtype="float32")
    expected = librosa.effects.time_stretch(source[round(0.5 * SR):round(0.75 * SR)], rate=0.5)
    assert len(played) == len(expected)
    fade = round(0.01 * SR)
    np.testing.assert_allclose(played[fade:-fade], expected[fade:-fade], atol=1e-5)
    spectrum = np.abs(np.fft.rfft(played))  # 0.5 s: bins of 2 Hz
    assert spectrum[1000] > 100 * spectrum[500]  # 2 kHz stays (resampled it would be 1 kHz)
    speed.keep_pitch.trigger()
    played = _play(qtbot, window, tmp_path / "drop.raw", monkeypatch)
    spectrum = np.abs(np.fft.rfft(played))
    assert spectrum[500] > 100 * spectrum[1000]


def test_keep_pitch_on_too_long_a_span_says_why(qtbot, window, monkeypatch):
    monkeypatch.setattr("sonolens.dsp.stretched.MAX_OUTPUT_S", 1.0)
    window.playback_speed.keep_pitch.trigger()
    window.playback_speed.set_slowdown(4)
    window.document.set_selection((0.0, 1.0))
    with qtbot.waitSignal(window.playback.failed, timeout=5000) as blocker:
        window.actions.play_pause.trigger()
    assert "select a shorter range" in blocker.args[0]
    assert window.playback.state == "stopped"


def test_speed_change_while_paused_carries_on_from_the_same_file_time(
        qtbot, window, tones, tmp_path, monkeypatch):
    tap = tmp_path / "resumed.raw"
    monkeypatch.setenv("TAP_FILE", str(tap))
    monkeypatch.setenv("TAP_RATE", str(SR))
    monkeypatch.setenv("TAP_CHANNELS", "1")
    window.document.set_selection((0.5, 0.6))
    window.actions.play_pause.trigger()  # play ...
    window.actions.play_pause.trigger()  # ... and pause at once (the null device may
    assert window.playback.state == "paused"  # have taken a few blocks: a busy machine)
    paused_at = window.playback.position_seconds
    assert 0.5 <= paused_at < 0.55
    window.playback_speed.set_slowdown(10)
    assert window.playback.state == "paused" and window.playback.playable.slowdown == 10
    assert window.playback.position_seconds == pytest.approx(paused_at)  # file time kept
    window.playback.jump_to(0.55)  # a click in the view: carries on from there (faded in)
    assert window.playback.position_seconds == pytest.approx(0.55)
    window.actions.play_pause.trigger()  # resume: now at 1/10
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=20000)
    data = np.fromfile(tap, dtype="<f4")
    loud = np.flatnonzero(data)
    assert len(loud) > 0.99 * round(0.05 * SR) * 10  # 0.55 to 0.6 s, ten times slower
    assert loud[-1] - loud[0] + 1 >= round(0.05 * SR) * 10
    assert abs(data[loud[0]]) < 1e-3 and abs(data[loud[-1]]) < 1e-3  # no click either end
    assert window.playback.position_seconds == pytest.approx(0.6)  # the selection's end
