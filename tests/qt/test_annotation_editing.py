"""Marking in the window: A marks the selection (or the cursor, as a point), the label is
typed in place, Enter keeps it as one undoable edit, Esc drops it; Undo/Redo name it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.qt.conftest import wait_settled, write_rich


def open_rich(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=3.0))
    wait_settled(qtbot, window)
    return window


def test_mark_label_undo_redo(qtbot, make_main_window, tmp_path):
    window = open_rich(qtbot, make_main_window, tmp_path)
    doc, a = window.document, window.actions
    doc.set_selection((0.5, 1.25))
    assert not a.undo.isEnabled()
    qtbot.keyClick(window.spectrogram_view, Qt.Key.Key_A)
    edit = window.annotation_editor.label_edit
    qtbot.waitUntil(edit.isVisible, timeout=5000)
    assert [(x.start, x.end, x.label) for x in doc.annotations.annotations] == [
        (0.5, 1.25, "")]  # drawn while the label is typed
    qtbot.keyClicks(edit, "trill")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert not edit.isVisible()
    assert [(x.start, x.end, x.label, x.tier) for x in doc.annotations.annotations] == [
        (0.5, 1.25, "trill", "labels")]
    assert a.undo.isEnabled() and a.undo.text() == '&Undo Add "trill"'
    assert "labels" in window.spectrogram_view.legend.names  # drawn over the spectrogram
    a.undo.trigger()
    assert doc.annotations.annotations == []
    assert a.redo.isEnabled() and a.redo.text() == '&Redo Add "trill"'
    a.redo.trigger()
    assert [x.label for x in doc.annotations.annotations] == ["trill"]
    assert window.annotation_editor.recent == ["trill"]


def test_escape_drops_the_new_annotation_and_a_point_marks_the_cursor(
        qtbot, make_main_window, tmp_path):
    window = open_rich(qtbot, make_main_window, tmp_path)
    doc, editor = window.document, window.annotation_editor
    doc.set_selection((1.0, 2.0))
    window.actions.add_annotation.trigger()
    qtbot.keyClicks(editor.label_edit, "oops")
    qtbot.keyClick(editor.label_edit, Qt.Key.Key_Escape)
    assert doc.annotations.annotations == [] and editor.stack.count() == 0
    doc.set_selection(None)
    doc.set_cursor(2.5)
    window.actions.add_annotation.trigger()
    qtbot.keyClicks(editor.label_edit, "click")
    qtbot.keyClick(editor.label_edit, Qt.Key.Key_Return)
    (point,) = doc.annotations.annotations
    assert point.is_point and point.start == 2.5 and point.label == "click"
    assert doc.annotations.tier(point.tier).points


def test_opening_another_file_clears_the_history(qtbot, make_main_window, tmp_path):
    window = open_rich(qtbot, make_main_window, tmp_path)
    window.document.set_selection((0.2, 0.4))
    window.actions.add_annotation.trigger()
    qtbot.keyClick(window.annotation_editor.label_edit, Qt.Key.Key_Return)
    assert window.actions.undo.isEnabled()
    window.open_path(write_rich(tmp_path / "other.wav", seconds=2.0))
    wait_settled(qtbot, window)
    assert window.document.annotations.annotations == []
    assert not window.actions.undo.isEnabled()


def test_an_edit_made_while_the_label_is_typed_keeps_both(qtbot, make_main_window, tmp_path):
    window = open_rich(qtbot, make_main_window, tmp_path)
    doc, a = window.document, window.actions
    doc.set_selection((0.5, 1.25))
    qtbot.keyClick(window.spectrogram_view, Qt.Key.Key_A)
    edit = window.annotation_editor.label_edit
    qtbot.waitUntil(edit.isVisible, timeout=5000)
    qtbot.keyClicks(edit, "trill")
    window.tier_list.set_color("labels", "#102030")  # another edit, the editor still open
    assert not edit.isVisible()  # closed, its label kept (as Enter)
    assert [x.label for x in doc.annotations.annotations] == ["trill"]
    assert doc.annotations.tiers[0].color == "#102030"
    assert a.undo.text() == '&Undo Colour tier "labels"'
    a.undo.trigger()  # the colour goes; the labelled annotation stays
    assert [x.label for x in doc.annotations.annotations] == ["trill"]
    assert doc.annotations.tiers[0].color is None
    a.undo.trigger()
    assert doc.annotations.annotations == []
    a.redo.trigger()
    a.redo.trigger()
    assert [x.label for x in doc.annotations.annotations] == ["trill"]
    assert doc.annotations.tiers[0].color == "#102030"


def test_escape_after_an_import_keeps_the_imported_set(qtbot, make_main_window, tmp_path):
    from sonolens.core.annotations import Annotation, AnnotationSet

    window = open_rich(qtbot, make_main_window, tmp_path)
    doc = window.document
    doc.set_selection((0.5, 1.25))
    qtbot.keyClick(window.spectrogram_view, Qt.Key.Key_A)
    edit = window.annotation_editor.label_edit
    qtbot.waitUntil(edit.isVisible, timeout=5000)
    imported = AnnotationSet().with_added(Annotation(2.0, 2.5, "call", "calls"))
    doc.set_annotations(imported)  # as File > Import Annotations does
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert doc.annotations is imported
