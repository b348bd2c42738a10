"""The pitch track in the window: computed off the GUI thread when its overlay is chosen,
equal to librosa.pyin, drawn at the tone's height on linear and log scales (rows computed
here from the view's range and geometry), not bridged across silence, in the readout."""

from __future__ import annotations

import dataclasses

import librosa
import numpy as np
import pytest
import soundfile as sf

from tests.qt.conftest import wait_settled
from tests.qt.pixels import grab_rgb, plot_area, view_range

SR = 22050
TONE_HZ = 440.0  # A4: a pYIN bin centre (C2 * 2 ** (450 / 120))


def tone_with_gap(path, sr: int = SR):
    """1 s of a 440 Hz tone, 1 s of silence, 1 s of the tone again."""
    t = np.arange(sr) / sr
    tone = (0.4 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    y = np.concatenate([tone, np.zeros(sr, np.float32), tone])
    sf.write(path, y, sr, subtype="FLOAT")
    return y


@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.y = tone_with_gap(tmp_path / "tone.wav")
    window.open_path(tmp_path / "tone.wav")
    wait_settled(qtbot, window)
    doc = window.document
    doc.set_view(doc.view.replace(colormap="gray", freq_scale="linear"))
    wait_settled(qtbot, window)
    return window


def show_pitch(qtbot, window, shown: bool = True, **view) -> None:
    doc = window.document
    overlays = set(doc.view.overlays) | {"f0"} if shown else set(doc.view.overlays) - {"f0"}
    doc.set_view(doc.view.replace(overlays=frozenset(overlays), **view))
    wait_settled(qtbot, window, timeout=60000)
    qtbot.wait(150)  # the scheduled redraw


def test_pitch_track_equals_librosa_and_reads_out(qtbot, window):
    doc = window.document
    assert doc.result("pitch") is None  # opt-in: not computed before it is shown
    seen = []
    window.runner.progressed.connect(lambda key, fraction, stage: seen.append((key, stage)))
    show_pitch(qtbot, window)
    assert ("pitch", "pitch (pYIN)") in seen  # on a worker, reporting progress
    track = doc.result("pitch")
    f0, flag, prob = librosa.pyin(window.y, sr=SR, fmin=librosa.note_to_hz("C2"),
                                  fmax=librosa.note_to_hz("C7"), frame_length=2048,
                                  hop_length=512, center=True)
    assert np.mean(track.voiced_flag == flag) >= 0.999
    both = track.voiced_flag & flag
    assert np.max(np.abs(1200 * np.log2(track.f0[both] / f0[both]))) < 1.0
    np.testing.assert_allclose(track.voiced_prob, prob, atol=1e-4)
    text = window.readout.text_at(window.spectrogram_view, 0.5, 1000.0)
    assert "f0 440.0 Hz A4" in text
    assert "f0 unvoiced" in window.readout.text_at(window.spectrogram_view, 1.5, 1000.0)
    doc.set_view(dataclasses.replace(doc.view, a4=432.0))  # the note at the chosen A4
    cents = round(1200 * np.log2(440.0 / 432.0))  # 440 Hz is A4 +31.8 c at A4 = 432
    assert f"f0 440.0 Hz A4 +{cents} c" in window.readout.text_at(window.spectrogram_view, 0.5,
                                                               1000.0)
    assert "Pitch (f0)" in window.spectrogram_view.legend.names


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_curve_is_drawn_at_the_tone_row_and_not_across_the_gap(qtbot, window, scale):
    show_pitch(qtbot, window, False, freq_scale=scale)
    view = window.spectrogram_view
    before = grab_rgb(view)
    show_pitch(qtbot, window, True, freq_scale=scale)
    after, area = grab_rgb(view), plot_area(view)
    (t0, t1), (y0, y1) = view_range(view)
    axis_value = {"linear": TONE_HZ, "log": np.log10(TONE_HZ),  # the axis' own units
                  "mel": librosa.hz_to_mel(TONE_HZ)}[scale]
    expected_row = float(area.y_of(axis_value, y0, y1))
    changed = np.abs(after.astype(int) - before).max(axis=2) > 40
    cols_of = lambda a, b: np.arange(int(np.ceil(area.x_of(a, t0, t1))),  # noqa: E731
                                     int(np.floor(area.x_of(b, t0, t1))))
    rows = area.rows(1)
    tone_cols = np.concatenate([cols_of(0.2, 0.8), cols_of(2.2, 2.8)])
    drawn_rows = [rows[changed[rows, c]] for c in tone_cols]
    assert all(len(r) for r in drawn_rows), "no curve in some columns of the tone"
    centres = np.array([r.mean() for r in drawn_rows])
    assert np.abs(centres - expected_row).max() <= 1.5, (centres.min(), expected_row)
    gap = cols_of(1.2, 1.8)
    assert not changed[np.ix_(rows, gap)].any(), "the silence is bridged"


def test_a_range_that_cannot_work_is_reported_not_raised(qtbot, window):
    doc = window.document
    messages = []
    window.coordinator.analysis_failed.connect(lambda key, text: messages.append((key, text)))
    doc.set_params(doc.params.replace(pyin_fmin=10.0))  # too low for n_fft=2048 at 22050 Hz
    show_pitch(qtbot, window)
    assert messages and messages[-1][0] == "pitch"
    assert "pyin_fmin=10 Hz is too low for n_fft=2048" in messages[-1][1]
    assert window.last_error == messages[-1][1]  # shown in a message box


def test_copy_as_python_reproduces_the_pitch_shown(qtbot, make_main_window, tmp_path):
    """Channel 2 of a stereo file at 8 kHz, pyin_fmax above Nyquist (clamped): the
    clipboard's script computes the same f0, voicing and probability as the window."""
    from tests.qt.test_copy_as_python import run_clipboard

    sr = 8000
    t = np.arange(2 * sr) / sr
    glide = 0.4 * np.sin(2 * np.pi * (150 * t + 60 * t**2))  # 150 -> 390 Hz
    path = tmp_path / "two channels.wav"
    sf.write(path, np.stack([0.1 * np.sin(2 * np.pi * 1000 * t), glide], axis=1), sr,
             subtype="PCM_16")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    doc.set_params(doc.params.replace(channel=1, n_fft=1024, hop_length=256,
                                      pyin_fmin=80.0, pyin_fmax=5000.0))
    show_pitch(qtbot, window)
    track = doc.result("pitch")
    assert track.params == doc.params and track.fmax == sr / 2
    assert any("pyin_fmax=5000 Hz is above Nyquist" in w for w in doc.warnings)
    assert "pyin_fmax=5000" in window.status.warning_label.text()  # in the status bar
    rows = run_clipboard(window)["features"]["f0"]
    assert rows.shape == (3, track.n_frames)
    f0, flag, prob = rows[0], rows[1].astype(bool), rows[2]
    assert np.mean(flag == track.voiced_flag) >= 0.999 and flag.sum() > 0.8 * len(flag)
    both = flag & track.voiced_flag
    assert np.max(np.abs(1200 * np.log2(f0[both] / track.f0[both]))) < 1.0
    np.testing.assert_allclose(prob, track.voiced_prob, atol=1e-4)


def test_selection_dock_shows_median_f0_and_voiced_fraction(qtbot, window):
    show_pitch(qtbot, window)
    doc, panel = window.document, window.selection_panel
    window.selection_dock.raise_()
    doc.set_selection((0.2, 1.8))  # 0.8 s of tone, 0.8 s of silence
    table = panel.features

    def cells() -> dict[str, str]:
        return {table.item(r, 0).text(): table.item(r, 1).text()
                for r in range(table.rowCount())}

    qtbot.waitUntil(lambda: panel.measures is not None and panel.measures.duration
                    == pytest.approx(1.6, abs=1e-3) and "voiced fraction" in cells(),
                    timeout=20000)
    cells = cells()
    track = doc.result("pitch")
    inside = (track.times >= 0.2) & (track.times <= 1.8)
    assert float(cells["f0 median (voiced, Hz)"]) == pytest.approx(
        np.median(track.f0[inside & track.voiced_flag]), rel=1e-5)
    assert float(cells["voiced fraction"]) == pytest.approx(
        track.voiced_flag[inside].mean(), rel=1e-5)
    assert 0.3 < float(cells["voiced fraction"]) < 0.7


def test_settings_panel_edits_the_pitch_range(qtbot, window):
    """The default C2 survives the box's 3 decimals; an edit recomputes the shown track;
    fmin >= fmax is a one-line error in the panel, the parameters stay."""
    from PySide6.QtWidgets import QDoubleSpinBox, QLabel

    show_pitch(qtbot, window)
    doc, panel = window.document, window.settings_panel
    low = panel.findChild(QDoubleSpinBox, "pyin_fmin")
    high = panel.findChild(QDoubleSpinBox, "pyin_fmax")
    assert low.value() == pytest.approx(65.406) and high.value() == pytest.approx(2093.005)
    assert panel.params().pyin_fmin == librosa.note_to_hz("C2")  # exact, not 65.406
    high.setValue(600.0)
    qtbot.waitUntil(lambda: doc.params.pyin_fmax == 600.0, timeout=5000)
    wait_settled(qtbot, window, timeout=60000)
    assert doc.result("pitch").params.pyin_fmax == 600.0
    before = doc.params
    low.setValue(700.0)
    error = panel.findChild(QLabel, "error_label")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=5000)
    assert "pyin_fmin=700 Hz must be below pyin_fmax=600 Hz" in error.text()
    assert doc.params == before


def test_window_csv_with_the_pitch_shown_equals_extract(qtbot, window, tmp_path):
    import pandas as pd

    from sonolens.cli.main import main

    show_pitch(qtbot, window)
    doc = window.document
    doc.set_view(doc.view.replace(overlays=frozenset({"f0"})))
    wait_settled(qtbot, window)
    out = tmp_path / "gui.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=20000):
        window.exporter.export_features_to(out)
    path = str(doc.source.path)
    assert main(["-q", "extract", path, "-o", str(tmp_path / "cli.csv"),
                 "--features", "all,f0"]) == 0
    gui, cli = pd.read_csv(out), pd.read_csv(tmp_path / "cli.csv")
    assert list(gui.columns)[-3:] == ["f0", "voiced_flag", "voiced_probability"]
    pd.testing.assert_frame_equal(gui, cli)


@pytest.mark.parametrize("what", ["silence", "10 ms"])
def test_silence_and_a_10_ms_file_in_the_window(qtbot, make_main_window, tmp_path, what,
                                               fail_on_unhandled_exceptions):
    y = np.zeros(SR, np.float32) if what == "silence" else tone_with_gap(
        tmp_path / "t.wav")[: SR // 100]
    path = tmp_path / "edge.wav"
    sf.write(path, y, SR, subtype="FLOAT")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    show_pitch(qtbot, window)
    track = window.document.result("pitch")
    assert track.n_frames == 1 + len(y) // 512
    if what == "silence":
        assert not track.voiced_flag.any()
        assert "f0 unvoiced" in window.readout.text_at(window.spectrogram_view, 0.5, 100.0)
    assert not fail_on_unhandled_exceptions


def test_cancelled_pitch_is_computed_when_shown_again(qtbot, make_main_window, tmp_path):
    """Cancel (the status bar's button) stops the pitch job at a block; choosing the
    overlay again computes it."""
    t = np.arange(120 * SR) / SR
    path = tmp_path / "long.wav"
    sf.write(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SR, subtype="FLOAT")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window, timeout=60000)
    doc = window.document
    stages = []

    def cancel_at_pitch(key, fraction, stage):
        stages.append(stage)
        if key == "pitch" and stage == "pitch (pYIN)":
            window.cancel_analysis()

    window.runner.progressed.connect(cancel_at_pitch)
    doc.set_view(doc.view.replace(overlays=frozenset({"f0"})))
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=60000)
    window.runner.progressed.disconnect(cancel_at_pitch)
    assert "pitch (pYIN)" in stages and doc.result("pitch") is None
    show_pitch(qtbot, window, False)
    show_pitch(qtbot, window, True)
    track = doc.result("pitch")
    assert track is not None and np.median(track.f0[track.voiced_flag]) == pytest.approx(
        220.0, rel=0.01)
