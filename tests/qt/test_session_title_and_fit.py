"""The window title marks unsaved annotations (Qt's windowModified, "[*]"), cleared by a
save; a session whose analysis settings do not fit its recording opens adapted, with a
warning, never an error or a traceback."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from tests.qt.conftest import wait_settled, write_rich


@pytest.fixture
def audio(tmp_path):
    return write_rich(tmp_path / "rich.wav", seconds=2.0)


def shown_title(window) -> str:
    """The title the window system shows (Qt puts "*" for "[*]" while modified)."""
    return window.windowHandle().title()


def test_title_marks_unsaved_annotations_until_saved(qtbot, make_main_window, audio,
                                                      tmp_path):
    window = make_main_window()
    window.open_path(audio)
    wait_settled(qtbot, window)
    assert shown_title(window) == "rich.wav — Sonolens"
    before = window.document.annotations
    after = AnnotationSet([Tier("calls")], [Annotation(0.5, 1.0, "call", "calls")])
    window.annotation_editor.push(before, after, 'Add "call"')  # one undoable edit
    assert window.isWindowModified()
    assert shown_title(window) == "rich.wav* — Sonolens"
    with qtbot.waitSignal(window.sessions.saved, timeout=10000):
        assert window.sessions.save_to(tmp_path / "rich.sonolens")
    assert not window.isWindowModified()
    assert shown_title(window) == "rich.wav — Sonolens"
    window.annotation_editor.stack.undo()  # undoing an edit is an edit again
    assert shown_title(window) == "rich.wav* — Sonolens"
    window.sessions.save_to(tmp_path / "rich.sonolens", wait=True)
    assert shown_title(window) == "rich.wav — Sonolens"


def test_reopened_session_title_is_clean(qtbot, make_main_window, audio, tmp_path):
    session = tmp_path / "s.sonolens"
    session.write_text(json.dumps({
        "version": 1, "audio": "rich.wav", "tiers": [{"name": "calls"}],
        "annotations": [{"tier": "calls", "start": 0.2, "end": 0.4, "label": "a"}]}))
    window = make_main_window()
    with qtbot.waitSignal(window.sessions.opened, timeout=20000):
        window.open_path(session)
    wait_settled(qtbot, window)
    assert len(window.document.annotations.annotations) == 1
    assert not window.isWindowModified()
    assert shown_title(window) == "rich.wav — Sonolens"


def write_session(path, audio_name: str, params: dict) -> None:
    path.write_text(json.dumps({"version": 1, "audio": audio_name, "params": params}))


@pytest.mark.parametrize("params,expect", [
    ({"fmax": 20000.0}, {"fmax": None}),  # above the 4 kHz Nyquist of an 8 kHz file
    ({"fmin": 5000.0, "fmax": 9000.0}, {"fmin": 0.0, "fmax": None}),
    ({"channel": 3}, {"channel": None}),  # a mono file
])
def test_a_session_that_does_not_fit_its_audio_is_adapted(
        qtbot, make_main_window, tmp_path, fail_on_unhandled_exceptions, params, expect):
    sr = 8000
    y = 0.3 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
    sf.write(tmp_path / "low.wav", y.astype(np.float32), sr)
    session = tmp_path / "low.sonolens"
    write_session(session, "low.wav", {"n_fft": 1024, **params})
    window = make_main_window()
    with qtbot.waitSignal(window.sessions.opened, timeout=20000):
        window.open_path(session)
    wait_settled(qtbot, window)
    got = window.document.params
    assert got.n_fft == 1024  # what fits is kept
    for key, value in expect.items():
        assert getattr(got, key) == value, key
    assert window.settings_panel.params() == got  # the panel shows what is used
    assert window.last_error == ""
    notes = [w for w in window.document.warnings if w.startswith("settings adapted")]
    assert len(notes) == 1 and all(k in notes[0] for k in expect), notes
    assert window.document.spectrogram is not None


def test_a_session_with_n_fft_longer_than_its_audio_opens(qtbot, make_main_window, tmp_path,
                                                          fail_on_unhandled_exceptions):
    sr = 8000
    y = 0.3 * np.sin(2 * np.pi * 440 * np.arange(int(0.3 * sr)) / sr)  # 2400 samples
    sf.write(tmp_path / "short.wav", y.astype(np.float32), sr)
    session = tmp_path / "short.sonolens"
    write_session(session, "short.wav", {"n_fft": 8192, "hop_length": 512})
    window = make_main_window()
    with qtbot.waitSignal(window.sessions.opened, timeout=20000):
        window.open_path(session)
    wait_settled(qtbot, window)
    assert window.document.params.n_fft == 8192  # frames are padded, as librosa does
    assert window.last_error == ""
    assert window.document.spectrogram.filled > 0
