"""Keyboard shortcuts pressed on the window, Help > Keyboard Shortcuts and Help > About."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from sonolens.ui.actions import shortcut_actions
from sonolens.ui.help import plain, shortcut_text
from tests.qt.conftest import wait_settled, write_rich

CTRL = Qt.KeyboardModifier.ControlModifier
KEY = Qt.Key


def keys(action) -> list[str]:
    return [s.toString(QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts()]


def test_common_actions_follow_desktop_conventions(qtbot, make_main_window):
    a = make_main_window().actions
    expected = {
        a.open: ["Ctrl+O"], a.export_features: ["Ctrl+E"], a.quit: ["Ctrl+Q"],
        a.play_pause: ["Space"], a.zoom_in: ["Ctrl+=", "Ctrl++"], a.zoom_out: ["Ctrl+-"],
        a.zoom_fit: ["Ctrl+0"], a.zoom_selection: ["F"], a.go_start: ["Home"],
        a.go_end: ["End"], a.pan_left: ["Left"], a.pan_right: ["Right"],
        a.select_all: ["Ctrl+A"], a.clear_selection: ["Esc"], a.show_shortcuts: ["F1"],
    }
    for action, wanted in expected.items():
        assert keys(action) == wanted, action.text()
    # one key, one action: Qt triggers neither of two actions sharing a shortcut
    seen: dict[str, str] = {}
    for action in shortcut_actions(a):
        for key in keys(action):
            assert key not in seen, f"{key} is both {seen[key]} and {action.text()}"
            seen[key] = action.text()


def test_shortcuts_dialog_lists_every_shortcut_by_menu(qtbot, make_main_window):
    window = make_main_window()
    window.actions.show_shortcuts.trigger()
    dialog = window.shortcuts_dialog
    assert dialog.isVisible()
    rows = dialog.rows()
    listed = {row for group in rows.values() for row in group}
    actions = shortcut_actions(window.actions)
    assert len(actions) >= 20
    for action in actions:
        assert (plain(action.text()), shortcut_text(action)) in listed, action.text()
    # grouped by the menu holding the action, in menu-bar order, mouse gestures last
    assert list(rows)[:5] == ["File", "Edit", "View", "Audio", "Analysis"]
    assert ("Open", "Ctrl+O") in rows["File"]
    assert ("Export Features (CSV)", "Ctrl+E") in rows["File"]  # from the Export submenu
    assert ("Zoom In", "Ctrl+=, Ctrl++") in rows["View"]
    assert ("Zoom to Selection", "F") in rows["View"]
    assert ("Play / Pause", "Space") in rows["Audio"]
    assert ("Keyboard Shortcuts", "F1") in rows["Help"]
    assert list(rows)[-1] == "Mouse"
    assert ("Zoom time around the mouse", "Ctrl+Wheel") in rows["Mouse"]
    # no action is listed twice, nothing without a shortcut is listed
    menu_rows = [row for title, group in rows.items() if title != "Mouse" for row in group]
    assert len(menu_rows) == len(actions)
    window.actions.show_shortcuts.trigger()  # again: the same dialog, raised
    assert window.shortcuts_dialog is dialog
    dialog.close()


def test_keys_move_the_view_the_cursor_and_the_selection(qtbot, make_main_window,
                                                          tmp_path: Path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=4.0))
    wait_settled(qtbot, window)
    doc = window.document

    def shown() -> tuple[float, float]:
        return tuple(window.waveform.plot.getViewBox().viewRange()[0])

    def press(key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(window, key, modifiers)

    assert shown() == pytest.approx((0.0, 4.0))
    press(KEY.Key_Equal, CTRL)  # Ctrl+= zooms in around the centre
    assert shown() == pytest.approx((1.0, 3.0))
    press(KEY.Key_Plus, CTRL)  # so does Ctrl++
    assert shown() == pytest.approx((1.5, 2.5))
    press(KEY.Key_Minus, CTRL)
    assert shown() == pytest.approx((1.0, 3.0))
    press(KEY.Key_Right)  # a tenth of the view
    assert shown() == pytest.approx((1.2, 3.2))
    press(KEY.Key_Left)
    assert shown() == pytest.approx((1.0, 3.0))
    press(KEY.Key_End)  # the view's end on the file's end, the play cursor there
    assert shown() == pytest.approx((2.0, 4.0))
    assert doc.cursor == pytest.approx(4.0)
    assert all(line.value() == pytest.approx(4.0) for line in window.markers.cursors)
    press(KEY.Key_Home)
    assert shown() == pytest.approx((0.0, 2.0))
    assert doc.cursor == 0.0
    doc.set_selection((2.25, 2.75))
    press(KEY.Key_F)  # fit the time axis to the selection
    assert shown() == pytest.approx((2.25, 2.75))
    press(KEY.Key_0, CTRL)
    assert shown() == pytest.approx((0.0, 4.0))
    press(KEY.Key_A, CTRL)
    assert doc.selection == pytest.approx((0.0, 4.0))
    press(KEY.Key_Escape)
    assert doc.selection is None
    window.settings_dock.close()
    press(KEY.Key_Comma, CTRL)  # Ctrl+, brings the Settings panel back
    assert window.settings_dock.isVisible()
    # Space plays from the cursor and pauses; Home while playing continues from the start
    press(KEY.Key_Space)
    assert window.playback.state == "playing"
    press(KEY.Key_End)
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=5000)  # at the end
    press(KEY.Key_Home)
    press(KEY.Key_Space)
    assert window.playback.state == "playing"
    press(KEY.Key_Space)
    assert window.playback.state == "paused"
    press(KEY.Key_Q, CTRL)
    assert not window.isVisible()


def test_about_box_names_the_app(qtbot, make_main_window):
    window = make_main_window()
    window.actions.about.trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=2000)
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert box.windowTitle() == "About Sonolens"
    from sonolens import __version__

    assert f"Sonolens {__version__}" in box.text() and "librosa" in box.text()
    box.accept()


def test_readme_keyboard_table_names_real_shortcuts(qtbot, make_main_window):
    """Every key in README's "Keyboard and mouse" table is the shortcut of an action."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Keyboard and mouse", 1)[1].split("| mouse |", 1)[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines()
            if line.startswith("| ") and not line.startswith(("| keys", "| ---"))]
    documented = {key.strip() for row in rows
                  for key in row.replace(" (or ", " / ").replace(")", "").split(" / ")}
    actions = shortcut_actions(make_main_window().actions)
    real = {key for action in actions for key in keys(action)}
    assert len(documented) >= 15
    assert documented <= real, documented - real
