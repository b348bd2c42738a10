"""The tiers panel of the Annotations dock: rename in place, reorder, hide, colour, new and
delete tiers, each one undoable edit named after it; hidden tiers and colours are read
back in the spectrogram's pixels; the current tier is where A puts new annotations."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from sonolens.core.annotations import Annotation, AnnotationSet
from tests.qt.conftest import wait_settled, write_rich
from tests.qt.pixels import grab_rgb, plot_area, view_range

ITEMS = (  # start, end, label, tier
    (0.2, 0.5, "alpha", "words"),
    (0.9, 1.3, "beta", "words"),
    (1.6, 2.4, "Trill", "calls"),
    (2.5, 2.8, "chirp", "calls"),
)


def make_set() -> AnnotationSet:
    annotations = AnnotationSet()
    for start, end, label, tier in ITEMS:
        annotations.add(Annotation(start, end, label, tier))
    return annotations


@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=3.0))
    wait_settled(qtbot, window)
    window.bare = grab_rgb(window.spectrogram_view)  # before any annotation
    window.document.set_annotations(make_set())
    window.annotations_dock.raise_()
    wait_settled(qtbot, window)
    return window


def names(window) -> list[str]:
    return [t.name for t in window.document.annotations.tiers]


def item(tiers, name):
    return next(tiers.tree.topLevelItem(r) for r in range(tiers.tree.topLevelItemCount())
                if tiers.tree.topLevelItem(r).text(1) == name)


def undo_text(window) -> str:
    return window.actions.undo.text()


def check_undo_redo(window, before: AnnotationSet, text: str) -> None:
    """Undo names the edit and brings ``before`` back; Redo does it again."""
    after = window.document.annotations
    assert undo_text(window) == f"&Undo {text}"
    window.actions.undo.trigger()
    assert window.document.annotations == before
    window.actions.redo.trigger()
    assert window.document.annotations == after


def test_rename_in_place_renames_tier_and_annotations(qtbot, window):
    tiers, before = window.tier_list, window.document.annotations
    tree = tiers.tree
    tree.setFocus()
    tree.setCurrentItem(item(tiers, "words"), 1)
    qtbot.keyClick(tree, Qt.Key.Key_F2)
    (editor,) = [w for w in tree.viewport().findChildren(QLineEdit) if w.isVisible()]
    editor.selectAll()
    qtbot.keyClicks(editor, "speech")
    tree.itemDelegate().setModelData(editor, tree.model(), tree.currentIndex())
    assert names(window) == ["speech", "calls"]
    assert sorted(a.label for a in window.document.annotations.annotations
                  if a.tier == "speech") == ["alpha", "beta"]
    assert [tree.topLevelItem(r).text(1) for r in range(2)] == ["speech", "calls"]
    check_undo_redo(window, before, 'Rename tier "words" to "speech"')


def test_a_duplicate_name_is_refused_with_a_message(window):
    tiers, before = window.tier_list, window.document.annotations
    count = window.annotation_editor.stack.count()
    item(tiers, "words").setText(1, "calls")
    assert window.document.annotations is before
    assert window.annotation_editor.stack.count() == count
    assert window.statusBar().currentMessage() == 'A tier named "calls" exists already'
    assert item(tiers, "words") is not None  # the row shows the old name again


def test_move_up_and_down_keeps_colours(qtbot, window):
    tiers, before = window.tier_list, window.document.annotations
    colours = {t.name: before.color_of(k) for k, t in enumerate(before.tiers)}
    tiers.tree.setCurrentItem(item(tiers, "calls"))
    assert not tiers.down_button.isEnabled()
    qtbot.mouseClick(tiers.up_button, Qt.MouseButton.LeftButton)
    after = window.document.annotations
    assert names(window) == ["calls", "words"]
    assert {t.name: after.color_of(k) for k, t in enumerate(after.tiers)} == colours
    assert tiers.selected_tier() == "calls"
    check_undo_redo(window, before, 'Move tier "calls"')
    qtbot.mouseClick(tiers.down_button, Qt.MouseButton.LeftButton)
    assert names(window) == ["words", "calls"]


def span_columns(view, span: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Rows under the label strip and the columns inside ``span`` (s), from the view's
    range and its plot area (Qt's transforms), 2 px in from each edge."""
    area = plot_area(view)
    (t0, t1), _ = view_range(view)
    cols = area.columns(3)
    x0, x1 = area.x_of(np.array(span), t0, t1)
    rows = area.rows(3)
    return rows[rows > area.top + 32], cols[(cols + 0.5 > x0 + 2) & (cols + 0.5 < x1 - 2)]


def tint(window, span) -> np.ndarray:
    """Mean RGB change (0..255) inside ``span`` against the spectrogram without
    annotations."""
    view = window.spectrogram_view
    rows, cols = span_columns(view, span)
    now = grab_rgb(view)[np.ix_(rows, cols)].astype(float)
    return (now - window.bare[np.ix_(rows, cols)]).reshape(-1, 3).mean(axis=0)


def test_hidden_tier_is_not_drawn_and_undo_shows_it(qtbot, window):
    tiers, before = window.tier_list, window.document.annotations
    alpha, trill = ITEMS[0][:2], ITEMS[2][:2]
    assert np.abs(tint(window, alpha)).max() > 8  # drawn
    item(tiers, "words").setCheckState(1, Qt.CheckState.Unchecked)  # the check box
    wait_settled(qtbot, window)
    assert not window.document.annotations.tier("words").visible
    assert np.abs(tint(window, alpha)).max() < 2  # as without annotations
    assert np.abs(tint(window, trill)).max() > 8  # the other tier still drawn
    assert undo_text(window) == '&Undo Hide tier "words"'
    window.actions.undo.trigger()
    wait_settled(qtbot, window)
    assert window.document.annotations == before
    assert np.abs(tint(window, alpha)).max() > 8
    assert item(tiers, "words").checkState(1) == Qt.CheckState.Checked


def test_colour_from_the_swatch_is_drawn(qtbot, window):
    tiers, before = window.tier_list, window.document.annotations
    asked: list[str] = []
    tiers.pick_color = lambda current, parent: asked.append(current) or "#0000ff"
    trill = ITEMS[2][:2]
    old = tint(window, trill)  # yellow by position: red and green rise, blue does not
    alpha = tint(window, ITEMS[0][:2])
    assert old[1] > old[2] + 8
    tree = tiers.tree
    rect = tree.visualItemRect(item(tiers, "calls"))
    rect.setWidth(tree.columnWidth(0))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert asked == [before.color_of(1)]
    assert window.document.annotations.tier("calls").color == "#0000ff"
    wait_settled(qtbot, window)
    new = tint(window, trill)
    assert new[2] > max(new[0], new[1]) + 8  # blue now rises most
    np.testing.assert_allclose(tint(window, ITEMS[0][:2]), alpha)  # the other tier as it was
    check_undo_redo(window, before, 'Colour tier "calls"')


def test_new_tier_becomes_the_current_tier_for_new_annotations(qtbot, window):
    tiers, before, doc = window.tier_list, window.document.annotations, window.document
    tiers.ask_name = lambda parent: "notes"
    qtbot.mouseClick(tiers.new_button, Qt.MouseButton.LeftButton)
    assert names(window) == ["words", "calls", "notes"]
    check_undo_redo(window, before, 'New tier "notes"')
    tiers.ask_name = lambda parent: "calls"
    qtbot.mouseClick(tiers.new_button, Qt.MouseButton.LeftButton)
    assert names(window) == ["words", "calls", "notes"]
    assert window.statusBar().currentMessage() == 'A tier named "calls" exists already'
    combo = tiers.current
    combo.setCurrentIndex(combo.findText("notes"))
    combo.activated.emit(combo.currentIndex())  # as a user's choice does
    assert window.annotation_editor.current_tier() == "notes"
    doc.set_selection((0.6, 0.8))
    window.actions.add_annotation.trigger()
    qtbot.keyClicks(window.annotation_editor.label_edit, "memo")
    qtbot.keyClick(window.annotation_editor.label_edit, Qt.Key.Key_Return)
    assert [a.tier for a in doc.annotations.annotations if a.label == "memo"] == ["notes"]
    doc.set_selection(None)  # a point in a tier of spans goes to "<tier> points" ...
    doc.set_cursor(2.9)
    window.actions.add_annotation.trigger()
    qtbot.keyClick(window.annotation_editor.label_edit, Qt.Key.Key_Return)
    assert doc.annotations.annotations[-1].tier == "notes points"
    assert window.annotation_editor.current_tier() == "notes"  # ... and "notes" stays
    assert combo.currentText() == "notes"


def test_delete_tier_asks_with_the_count_and_is_undoable(qtbot, window):
    tiers, before = window.tier_list, window.document.annotations
    asked: list[str] = []
    tiers.confirm = lambda parent, text: asked.append(text) or False
    tiers.tree.setCurrentItem(item(tiers, "words"))
    qtbot.mouseClick(tiers.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ['Delete tier "words" and its 2 annotations?']
    assert window.document.annotations is before  # refused: nothing changed
    tiers.confirm = lambda parent, text: True
    qtbot.mouseClick(tiers.delete_button, Qt.MouseButton.LeftButton)
    assert names(window) == ["calls"]
    shown = before.color_of([t.name for t in before.tiers].index("calls"))
    assert window.document.annotations.color_of(0) == shown  # not recoloured by position
    assert sorted(a.label for a in window.document.annotations.annotations) == [
        "Trill", "chirp"]
    assert window.annotation_table.proxy.rowCount() == 2
    check_undo_redo(window, before, 'Delete tier "words"')
