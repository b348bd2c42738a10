"""Analysis > Detect Onsets and Beats: tiers equal to librosa, one undoable edit, tempo
shown, the onset strength curve in the lower view."""

from __future__ import annotations

import librosa
import numpy as np
import soundfile as sf
from PySide6.QtWidgets import QComboBox, QLabel

from sonolens.core.annotations import Annotation
from tests.qt.conftest import wait_settled
from tests.unit.signals import drum_loop


def write_loop(path, *, channels: int = 1, sr: int = 22050):
    y = 0.5 * drum_loop(100, sr, seconds=6.0)
    data = np.stack([y * (1 - 0.4 * c) for c in range(channels)], axis=1)
    sf.write(path, data, sr, subtype="FLOAT")
    mono = data.astype(np.float32).mean(axis=1, dtype=np.float32).astype(np.float64)
    bpm, beats = librosa.beat.beat_track(y=mono, sr=sr, units="time")
    onsets = librosa.onset.onset_detect(y=mono, sr=sr, units="time")
    return path, float(np.atleast_1d(bpm)[0]), onsets, beats


def detect(qtbot, window) -> None:
    action = next(a for a in window.menuBar().actions() if a.text() == "&Analysis")
    item = next(a for a in action.menu().actions() if a.text() == "Detect &Onsets and Beats")
    with qtbot.waitSignal(window.annotation_editor.stack.indexChanged, timeout=60000):
        item.trigger()
    wait_settled(qtbot, window)


def starts(window, tier: str) -> np.ndarray:
    return np.array([a.start for a in window.document.annotations.in_tier(tier)])


def test_detect_adds_tiers_equal_to_librosa_and_undo_removes_them(qtbot, make_main_window,
                                                                   tmp_path):
    path, bpm, onsets, beats = write_loop(tmp_path / "loop.wav", channels=2)
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    mine = Annotation(1.0, 2.0, "mine", "words")
    window.annotation_editor.push(window.document.annotations,
                                  window.document.annotations.with_added(mine), "Add")
    detect(qtbot, window)
    doc = window.document
    assert [t.name for t in doc.annotations.tiers] == ["words", "onsets", "beats"]
    assert all(t.points for t in doc.annotations.tiers[1:])
    np.testing.assert_allclose(starts(window, "onsets"), onsets, atol=1e-6)
    np.testing.assert_allclose(starts(window, "beats"), beats, atol=1e-6)
    assert len(beats) >= 8
    assert window.onset_detection.tempo_label.text() == f"Tempo {bpm:.1f} BPM"
    assert window.onset_detection.tempo_label.isVisible()
    window.selection_dock.show()
    window.selection_dock.raise_()
    in_dock = window.selection_panel.findChild(QLabel, "selection_tempo")
    qtbot.waitUntil(in_dock.isVisible)
    assert in_dock.text() == f"Tempo {bpm:.1f} BPM"
    assert doc.view.lower_view == "onsets"
    assert window.settings_panel.findChild(QComboBox, "lower_view").currentText() == \
        "Onset strength"
    curve = doc.features.columns["onset_strength"].astype(np.float64)
    mono = sf.read(path, dtype="float32")[0].mean(axis=1, dtype=np.float32)
    want = librosa.onset.onset_strength(y=mono, sr=22050)
    assert np.abs(curve - want).max() <= 1e-4 * want.max()
    assert window.actions.undo.text() == "&Undo Detect onsets and beats"
    window.actions.undo.trigger()
    assert [t.name for t in doc.annotations.tiers] == ["words"]
    assert doc.annotations.annotations == [mine]
    window.actions.redo.trigger()
    assert len(starts(window, "beats")) == len(beats)


def test_detect_again_replaces_the_tiers(qtbot, make_main_window, tmp_path):
    path, _bpm, onsets, _beats = write_loop(tmp_path / "loop.wav")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    detect(qtbot, window)
    detect(qtbot, window)
    assert len(starts(window, "onsets")) == len(onsets)
    assert window.annotation_editor.stack.count() == 2


def test_silence_gives_empty_tiers_and_tempo_zero(qtbot, make_main_window, tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(8000), 8000, subtype="FLOAT")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    detect(qtbot, window)
    assert [t.name for t in window.document.annotations.tiers] == ["onsets", "beats"]
    assert window.document.annotations.annotations == []
    assert window.onset_detection.tempo_label.text() == "Tempo 0.0 BPM"


def test_without_a_file_says_so(qtbot, make_main_window):
    window = make_main_window()
    window.onset_detection.action.trigger()
    assert window.last_error == "Open an audio file first."
