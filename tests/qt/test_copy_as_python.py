"""Edit > Copy as Python in a real window: the clipboard's script reproduces the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from PySide6.QtWidgets import QApplication

from tests.qt.conftest import wait_settled, write_rich
from tests.unit.signals import make_signal
from tests.unit.snippet_check import assert_same, shown_arrays, snippet_arrays


def edit_menu_actions(window) -> list:
    menus = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
    assert len(menus) == 1
    return menus[0].actions()


def run_clipboard(window) -> dict:
    QApplication.clipboard().clear()
    window.actions.copy_python.trigger()
    code = QApplication.clipboard().text()
    assert code.startswith("# Sonolens"), code[:200]
    namespace: dict = {}
    exec(compile(code, "clipboard", "exec"), namespace)
    return namespace


def test_copy_as_python_reproduces_the_window(qtbot, make_main_window, tmp_path,
                                               fail_on_unhandled_exceptions):
    sr = 22050
    stereo = np.stack([make_signal(sr, 3.0, seed=8), 0.5 * make_signal(sr, 3.0, seed=9)], axis=1)
    path = tmp_path / "stereo take.wav"
    sf.write(path, stereo, sr, subtype="PCM_16")
    window = make_main_window()
    assert window.actions.copy_python in edit_menu_actions(window)
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    doc.set_params(doc.params.replace(channel=1, n_fft=1024, hop_length=256, n_mels=96,
                                      fmax=8000.0, n_mfcc=16))
    doc.set_view(doc.view.replace(kind="mel_db", lower_view="mfcc", db_range=70.0,
                                  overlays=frozenset({"spectral_centroid", "spectral_rolloff"})))
    doc.set_selection((0.4, 2.2))
    wait_settled(qtbot, window)
    assert doc.spectrogram.params == doc.params and doc.features.params == doc.params

    namespace = run_clipboard(window)
    window_shows = shown_arrays(doc.features, doc.spectrogram, doc.params, doc.view,
                                doc.selection)
    assert_same(window_shows, snippet_arrays(namespace, doc.view.kind))
    assert set(namespace["features"]) == {"spectral_centroid", "spectral_rolloff", "mfcc"}
    assert "copied" in window.statusBar().currentMessage().lower()


def test_copy_as_python_whole_file_default_view(qtbot, make_main_window, tmp_path):
    path = write_rich(tmp_path / "rich.wav")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    namespace = run_clipboard(window)
    assert_same(shown_arrays(doc.features, doc.spectrogram, doc.params, doc.view),
                snippet_arrays(namespace, doc.view.kind))
    assert len(namespace["times"]) == doc.features.n_frames


def test_copy_as_python_without_a_file_copies_nothing(qtbot, make_main_window):
    window = make_main_window()
    QApplication.clipboard().setText("untouched")
    window.actions.copy_python.trigger()
    assert QApplication.clipboard().text() == "untouched"
    assert "open a sound" in window.statusBar().currentMessage().lower()


def test_copied_path_is_the_open_file(qtbot, make_main_window, tmp_path):
    path = write_rich(tmp_path / "it's here.wav", seconds=1.0)
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    namespace = run_clipboard(window)
    assert Path(namespace["path"]) == path
