"""The Annotations dock, rest: the tier filter, editing the tier/start/end/band cells (one
undoable edit each, a bad value refused with a message), Space plays a row's annotation
(read back from the ALSA tap) and Edit > Next / Previous Annotation walk through time."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from sonolens.core.annotations import Annotation, AnnotationSet
from tests.qt.conftest import faded_in, faded_out, wait_settled, write_rich

SR = 22050
ITEMS = (  # start, end, label, tier, low Hz, high Hz (stored out of order on purpose)
    (1.6, 2.4, "Trill", "calls", 2000.0, 5000.0),
    (0.2, 0.5, "alpha", "words", None, None),
    (0.9, 1.3, "beta", "words", None, None),
    (2.5, 2.8, "chirp", "calls", None, None),
    (0.9, 0.9, "tick", "events", None, None),
)
TIER, START, END, LOW, HIGH, LABEL = 0, 1, 2, 4, 5, 6


@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.check_playback()
    window.audio_path = write_rich(tmp_path / "rich.wav", seconds=3.0, sr=SR)
    window.open_path(window.audio_path)
    wait_settled(qtbot, window)
    annotations = AnnotationSet()
    for start, end, label, tier, low, high in ITEMS:
        annotations.add(Annotation(start, end, label, tier, low, high))
    window.document.set_annotations(annotations)
    window.annotations_dock.raise_()
    return window


def column(table, col: int) -> list[str]:
    return [table.proxy.index(r, col).data() for r in range(table.proxy.rowCount())]


def find(window, label: str) -> Annotation:
    return next(a for a in window.document.annotations.annotations if a.label == label)


def edit_cell(qtbot, table, label: str, col: int, text: str) -> None:
    """F2 on the cell, type ``text``, commit and close through the delegate (what Return
    does in use; QTest's Return does not reach the delegate offscreen)."""
    index = table.proxy.index(column(table, LABEL).index(label), col)
    table.view.setFocus()
    table.view.setCurrentIndex(index)
    qtbot.keyClick(table.view, Qt.Key.Key_F2)
    (editor,) = [w for w in table.view.viewport().findChildren(QLineEdit) if w.isVisible()]
    editor.clear()
    qtbot.keyClicks(editor, text)
    delegate = table.view.itemDelegate()
    delegate.commitData.emit(editor)
    delegate.closeEditor.emit(editor, delegate.EndEditHint.NoHint)
    qtbot.wait(5)  # the edit is pushed once the editor has closed


def test_tier_filter_shows_only_that_tier(window):
    table = window.annotation_table
    combo = table.tier_filter
    assert [combo.itemText(k) for k in range(combo.count())] == [
        "All tiers", "calls", "words", "events"]
    combo.setCurrentIndex(combo.findText("calls"))
    assert column(table, LABEL) == ["Trill", "chirp"]
    table.filter_edit.setText("chi")  # with the text filter too
    assert column(table, LABEL) == ["chirp"]
    table.filter_edit.clear()
    combo.setCurrentIndex(combo.findText("words"))
    assert column(table, LABEL) == ["alpha", "beta"]
    combo.setCurrentIndex(0)
    assert len(column(table, LABEL)) == 5


@pytest.mark.parametrize(("col", "text", "field", "value", "name"), [
    (START, "0.95", "start", 0.95, 'Edit start of "beta"'),
    (END, "1.75", "end", 1.75, 'Edit end of "beta"'),
    (LOW, "300", "low_hz", 300.0, 'Edit low Hz of "beta"'),
    (HIGH, "8000", "high_hz", 8000.0, 'Edit high Hz of "beta"'),
    (TIER, "calls", "tier", "calls", 'Move "beta" to tier "calls"'),
])
def test_editing_a_cell_is_one_undoable_edit(qtbot, window, col, text, field, value, name):
    table, before = window.annotation_table, window.document.annotations
    old = find(window, "beta")
    edit_cell(qtbot, table, "beta", col, text)
    new = find(window, "beta")
    assert getattr(new, field) == value
    assert [getattr(new, f) for f in ("start", "end", "low_hz", "high_hz", "tier")
            if f != field] == [getattr(old, f) for f in ("start", "end", "low_hz",
                                                          "high_hz", "tier") if f != field]
    assert window.actions.undo.text() == f"&Undo {name}"
    assert len(window.document.annotations.annotations) == len(ITEMS)
    window.actions.undo.trigger()
    assert window.document.annotations == before
    window.actions.redo.trigger()
    assert getattr(find(window, "beta"), field) == value


def test_clearing_a_band_edge_and_a_new_tier(qtbot, window):
    table = window.annotation_table
    edit_cell(qtbot, table, "Trill", LOW, "")
    assert find(window, "Trill").low_hz is None and find(window, "Trill").high_hz == 5000.0
    edit_cell(qtbot, table, "chirp", TIER, "birds")
    assert find(window, "chirp").tier == "birds"
    assert window.document.annotations.tier("birds") is not None
    assert "birds" in [table.tier_filter.itemText(k) for k in range(table.tier_filter.count())]


@pytest.mark.parametrize(("label", "col", "text", "says"), [
    ("beta", START, "abc", "'abc' is not a number"),
    ("beta", START, "1.5", "end=1.3 s lies before start=1.5 s"),
    ("beta", END, "0.5", "end=0.5 s lies before start=0.9 s"),
    ("Trill", LOW, "6000", "high_hz=5000 lies below low_hz=6000"),
    ("Trill", HIGH, "-3", "high_hz=-3.0 must be a frequency >= 0 Hz"),
    ("beta", TIER, "  ", "a tier needs a name"),
    ("beta", START, "nan", "start=nan must be a finite number of seconds"),
])
def test_a_bad_value_makes_no_edit_and_says_why(qtbot, window, label, col, text, says):
    table, before = window.annotation_table, window.document.annotations
    edit_cell(qtbot, table, label, col, text)
    assert window.document.annotations is before
    assert window.annotation_editor.stack.count() == 0
    assert window.statusBar().currentMessage() == f"Not changed: {says}"
    assert table.view.toolTip() == f"Not changed: {says}"


def _captured(path) -> np.ndarray:
    data = np.fromfile(path, dtype="<f4")
    nonzero = np.flatnonzero(data)
    return data[nonzero[0]: nonzero[-1] + 1] if len(nonzero) else data[:0]


def test_space_in_the_table_plays_the_rows_annotation(qtbot, window, tmp_path, monkeypatch):
    if not window.playback.available:
        pytest.skip(window.playback.reason or "no playback")
    tap = tmp_path / "played.raw"
    for name, value in (("TAP_FILE", tap), ("TAP_RATE", SR), ("TAP_CHANNELS", 1)):
        monkeypatch.setenv(name, str(value))
    table = window.annotation_table
    table.view.setFocus()
    table.view.setCurrentIndex(table.proxy.index(column(table, LABEL).index("beta"), LABEL))
    qtbot.keyClick(table.view, Qt.Key.Key_Space)
    assert window.document.selection == (0.9, 1.3)
    assert window.playback.state == "playing"
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
    source, _ = sf.read(window.audio_path, dtype="float32")
    expected = faded_out(faded_in(source[round(0.9 * SR): round(1.3 * SR)], SR, 0), SR)
    nonzero = np.flatnonzero(expected)
    np.testing.assert_allclose(_captured(tap), expected[nonzero[0]: nonzero[-1] + 1],
                               rtol=0, atol=1e-7)
    # a point: the cursor goes there and it plays from there
    table.view.setCurrentIndex(table.proxy.index(column(table, LABEL).index("chirp"), LABEL))
    table.view.setCurrentIndex(table.proxy.index(column(table, LABEL).index("tick"), LABEL))
    qtbot.keyClick(table.view, Qt.Key.Key_Space)
    assert window.document.selection is None and window.document.cursor == 0.9
    assert window.playback.state == "playing"
    qtbot.keyClick(table.view, Qt.Key.Key_Space)  # again: stops
    assert window.playback.state == "stopped"


def test_next_and_previous_walk_through_shown_annotations_in_time(qtbot, window):
    doc, table = window.document, window.annotation_table
    window.navigator.show(0.0, 1.0)
    doc.set_cursor(0.0)

    def press(key) -> None:
        qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)

    def current_label() -> str:
        return column(table, LABEL)[table.view.currentIndex().row()]

    seen = []
    for _ in range(6):
        press(Qt.Key.Key_Right)
        seen.append((doc.selection, doc.cursor, current_label()))
    assert seen == [((0.2, 0.5), 0.2, "alpha"), (None, 0.9, "tick"),
                    ((0.9, 1.3), 0.9, "beta"), ((1.6, 2.4), 1.6, "Trill"),
                    ((2.5, 2.8), 2.5, "chirp"), ((2.5, 2.8), 2.5, "chirp")]  # the last
    v0, v1 = window.navigator.visible()
    assert v0 <= 2.5 and v1 >= 2.8 and v1 - v0 == pytest.approx(1.0)  # scrolled to it
    press(Qt.Key.Key_Left)
    assert (doc.selection, current_label()) == ((1.6, 2.4), "Trill")
    press(Qt.Key.Key_Left)  # same start, shorter first: the tick, then beta
    assert (doc.selection, doc.cursor, current_label()) == ((0.9, 1.3), 0.9, "beta")
    press(Qt.Key.Key_Left)
    assert (doc.selection, doc.cursor, current_label()) == (None, 0.9, "tick")
    window.tier_list.set_visible("words", False)  # hidden tiers are skipped
    press(Qt.Key.Key_Left)
    assert doc.selection is None and doc.cursor == 0.9  # nothing before the tick shown
    doc.set_cursor(0.0)
    press(Qt.Key.Key_Right)
    assert (doc.selection, doc.cursor) == (None, 0.9)
    press(Qt.Key.Key_Right)
    assert doc.selection == (1.6, 2.4)
    edit = window.actions
    assert edit.next_annotation.text() == "&Next Annotation"
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert {edit.next_annotation, edit.previous_annotation} <= set(menu.actions())
