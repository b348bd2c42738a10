"""Spectrogram presets in the Settings dock: built-ins applied in one step, user presets
saved, listed after a restart, applied and deleted; hostile stored presets dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QLineEdit

from sonolens.core.presets import BIRD_SONG, MUSIC, SPEECH
from sonolens.model.settings import Settings
from sonolens.workers.registry import KEY_FEATURES, KEY_SPECTROGRAM
from tests.qt.conftest import wait_settled, write_rich

LEFT = Qt.MouseButton.LeftButton
# the offscreen platform cannot raise a combo's popup or grab the keyboard for it
pytestmark = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing",
                                       extend=True)


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Open the combo's popup and click the item ``text``, as a person would."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2000)


def items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i)]


@pytest.fixture
def submitted(monkeypatch):
    """Keys of the jobs submitted to a window's runner, in order."""
    def watch(window) -> list[str]:
        keys: list[str] = []
        original = window.runner.submit

        def submit(key, *args, **kwargs):
            keys.append(key)
            return original(key, *args, **kwargs)

        monkeypatch.setattr(window.runner, "submit", submit)
        return keys
    return watch


def test_builtin_preset_applies_at_the_file_rate_in_one_recompute(
        qtbot, make_main_window, tmp_path: Path, submitted):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "speech.wav", seconds=2.0, sr=16000))
    wait_settled(qtbot, window)
    bar = window.settings_panel.presets
    assert bar.combo.currentText() == "Custom"  # librosa's defaults on a linear axis
    assert items(bar.combo)[:5] == ["Custom", SPEECH, MUSIC, BIRD_SONG,
                                    "Harmonics (high frequency resolution)"]
    edits: list[str] = []
    window.settings_panel.params_edited.connect(lambda _p: edits.append("params"))
    window.settings_panel.view_edited.connect(lambda _v: edits.append("view"))
    jobs = submitted(window)
    window.document.set_view(window.document.view.replace(kind="power"))  # Speech: dB
    window.settings_panel.set_values(window.document.params, window.document.view)
    jobs.clear()

    choose(qtbot, bar.combo, SPEECH)
    p, v = window.document.params, window.document.view
    assert (p.n_fft, p.win_length, p.hop_length) == (512, 400, 160)  # 25 ms / 10 ms at 16 kHz
    assert (p.n_mels, p.fmax) == (80, None)
    assert (v.kind, v.freq_scale, v.db_range) == ("db", "linear", 70.0)
    assert edits == ["view", "params"]  # each once: no chain of intermediate edits
    wait_settled(qtbot, window)
    # one analysis pass: the kind change's own spectrogram job gave way to it at once
    assert jobs.count(KEY_FEATURES) == 1 and jobs.count(KEY_SPECTROGRAM) <= 1
    spec = window.document.spectrogram
    assert (spec.kind, spec.params.n_fft, spec.hop_length) == ("db", 512, 160)
    assert window.document.features.params == p
    assert bar.combo.currentText() == SPEECH and not bar.delete_button.isEnabled()
    assert window.settings_panel.view() == v and window.settings_panel.params() == p
    # the colormap is not part of it; an edit of a preset field makes it "Custom" again
    choose(qtbot, window.settings_panel.findChild(QComboBox, "colormap"), "gray")
    assert bar.combo.currentText() == SPEECH
    choose(qtbot, window.settings_panel.findChild(QComboBox, "kind"), "Power")
    assert bar.combo.currentText() == "Custom"


def test_user_preset_is_saved_listed_after_a_restart_applied_and_deleted(
        qtbot, make_main_window, tmp_path: Path, settings_path: Path):
    path = write_rich(tmp_path / "birds.wav", seconds=1.5)
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    panel = window.settings_panel
    bar = panel.presets
    choose(qtbot, bar.combo, BIRD_SONG)
    choose(qtbot, panel.findChild(QComboBox, "colormap"), "viridis")
    panel.findChild(QComboBox, "kind").setFocus()
    hop = panel.findChild(type(panel._hop), "hop_length")
    hop.setValue(100)
    qtbot.waitUntil(lambda: window.document.params.hop_length == 100, timeout=3000)
    saved_params, saved_view = window.document.params, window.document.view
    assert bar.combo.currentText() == "Custom"

    qtbot.mouseClick(bar.save_button, LEFT)
    dialog = bar.name_dialog
    assert isinstance(dialog, QInputDialog) and dialog.isVisible()
    field = dialog.findChild(QLineEdit)
    field.clear()
    qtbot.keyClicks(field, "My birds")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert items(bar.combo)[-1] == "My birds" and bar.combo.currentText() == "My birds"
    assert bar.delete_button.isEnabled()
    window.close()
    stored = json.loads(Settings(settings_path)._qs.value("presets/user"))
    assert [p["name"] for p in stored] == ["My birds"]
    assert stored[0]["params"]["hop_length"] == 100 and stored[0]["view"]["colormap"] == "viridis"

    again = make_main_window()
    again.open_path(path)
    wait_settled(qtbot, again)
    bar = again.settings_panel.presets
    assert "My birds" in items(bar.combo)
    choose(qtbot, bar.combo, MUSIC)
    assert again.document.params.n_fft == 2048
    choose(qtbot, bar.combo, "My birds")
    assert again.document.params == saved_params
    assert again.document.view == saved_view
    wait_settled(qtbot, again)
    assert again.document.spectrogram.hop_length == 100
    # a built-in name is refused, with a message
    bar.save_as(MUSIC)
    error = again.settings_panel.findChild(type(again.info_label), "error_label")
    assert "built-in" in error.text() and items(bar.combo).count(MUSIC) == 1
    qtbot.mouseClick(bar.delete_button, LEFT)
    assert "My birds" not in items(bar.combo)
    again.close()
    assert make_main_window().settings.presets() == []


def test_hostile_stored_presets_are_dropped(qtbot, make_main_window, settings_path: Path):
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    presets = [{"name": "ok", "params": {"n_fft": 1024, "hop_length": 256},
                "view": {"kind": "db"}},
               {"name": "huge", "params": {"n_fft": 2**60}},
               {"name": "odd", "params": {"window": {"x": 1}}},
               "not a preset", {"name": ["list"]}]
    text = json.dumps(presets).replace("\\", "\\\\").replace('"', '\\"')
    settings_path.write_text(f'[presets]\nuser="{text}"\n')
    window = make_main_window()
    assert [p.name for p in window.settings.presets()] == ["ok"]
    assert items(window.settings_panel.presets.combo)[-1] == "ok"
    settings_path.write_text('[presets]\nuser="[[[[[[[[[["\n')
    assert Settings(settings_path).presets() == []
