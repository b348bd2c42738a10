"""Creating and editing annotations with the real mouse in the window: Ctrl+drag a box,
Ctrl+click a point, drag an edge, drag inside, Delete, double-click relabel, snapping;
every edit one undo step named in the Edit menu. Pixels are computed here from the view
box's geometry and visible range (linear frequency axis: y is Hz)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt

from sonolens.core.annotations import Annotation, AnnotationSet
from tests.qt.conftest import wait_settled, write_tone
from tests.qt.mouse import _send as send
from tests.qt.mouse import drag_points, hover_at
from tests.qt.pixels import qimage_rgb

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton
NOBUTTON = Qt.MouseButton.NoButton


# -- pixels, computed from the view box's rectangle and visible range -------------------
def geometry(view):
    vb = view.viewbox
    rect = vb.sceneBoundingRect()
    (t0, t1), (y0, y1) = vb.viewRange()
    return rect, t0, t1, y0, y1


def pixel(view, t: float, y: float | None = None) -> QPoint:
    rect, t0, t1, y0, y1 = geometry(view)
    y = (y0 + y1) / 2 if y is None else y
    x_scene = rect.left() + (t - t0) / (t1 - t0) * rect.width()
    y_scene = rect.bottom() - (y - y0) / (y1 - y0) * rect.height()
    return view.mapFromScene(QPointF(x_scene, y_scene))


def time_at(view, point: QPoint) -> float:
    rect, t0, t1, _, _ = geometry(view)
    x_scene = view.mapToScene(point).x()
    return t0 + (x_scene - rect.left()) / rect.width() * (t1 - t0)


def hz_at(view, point: QPoint) -> float:
    rect, _, _, y0, y1 = geometry(view)
    y_scene = view.mapToScene(point).y()
    return y0 + (rect.bottom() - y_scene) / rect.height() * (y1 - y0)


def pixel_size(view) -> tuple[float, float]:
    rect, t0, t1, y0, y1 = geometry(view)
    return (t1 - t0) / rect.width(), (y1 - y0) / rect.height()


# -- real mouse events ------------------------------------------------------------------
def drag(view, start: QPoint, end: QPoint, modifiers=NONE, steps: int = 6) -> None:
    drag_points(view, start, end, modifiers, steps)


def click(view, point: QPoint, modifiers=NONE) -> None:
    send(view, QEvent.Type.MouseButtonPress, point, LEFT, LEFT, modifiers)
    send(view, QEvent.Type.MouseButtonRelease, point, LEFT, NOBUTTON, modifiers)


def double_click(view, point: QPoint) -> None:
    click(view, point)
    send(view, QEvent.Type.MouseButtonDblClick, point, LEFT, LEFT)
    send(view, QEvent.Type.MouseButtonRelease, point, LEFT, NOBUTTON)


def hover(view, point: QPoint, modifiers=NONE) -> None:
    hover_at(view, point, modifiers)


# -- fixtures -------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, make_main_window, tmp_path):
    window = make_main_window()
    window.open_path(write_tone(tmp_path / "tone.wav", freq=1000.0, seconds=3.0))
    wait_settled(qtbot, window)
    assert window.spectrogram_view.scale.kind == "linear"
    return window


def type_label(qtbot, window, text: str) -> None:
    edit = window.annotation_editor.label_edit
    qtbot.waitUntil(edit.isVisible, timeout=5000)
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def with_box(window, start=0.8, end=1.6, low=2000.0, high=6000.0, label="b") -> Annotation:
    box = Annotation(start, end, label, "calls", low, high)
    window.document.set_annotations(AnnotationSet().with_added(box))
    return box


def undo_redo(window, name: str, before, after) -> None:
    """Undo and Redo are named ``name`` in the Edit menu and swap before/after."""
    a, doc = window.actions, window.document
    assert a.undo.text() == f"&Undo {name}"
    a.undo.trigger()
    assert doc.annotations.annotations == before
    assert a.redo.text() == f"&Redo {name}"
    a.redo.trigger()
    assert doc.annotations.annotations == after


# -- tests ----------------------------------------------------------------------------
def test_ctrl_drag_on_the_spectrogram_makes_a_box(qtbot, window):
    view, doc = window.spectrogram_view, window.document
    p0, p1 = pixel(view, 0.5, 7000.0), pixel(view, 1.25, 2500.0)
    drag(view, p0, p1, CTRL)
    type_label(qtbot, window, "call")
    (box,) = doc.annotations.annotations
    dt, dhz = pixel_size(view)
    assert box.label == "call"
    assert box.start == pytest.approx(time_at(view, p0), abs=dt)
    assert box.end == pytest.approx(time_at(view, p1), abs=dt)
    assert box.low_hz == pytest.approx(hz_at(view, p1), abs=dhz)
    assert box.high_hz == pytest.approx(hz_at(view, p0), abs=dhz)
    assert box.low_hz == pytest.approx(2500.0, abs=2 * dhz)
    assert doc.selection is None  # a Ctrl+drag selects no time
    undo_redo(window, 'Add "call"', [], [box])


def test_ctrl_click_makes_a_point_on_the_waveform(qtbot, window):
    view, doc = window.waveform, window.document
    p = pixel(view, 2.2)
    click(view, p, CTRL)
    type_label(qtbot, window, "tick")
    (point,) = doc.annotations.annotations
    assert point.is_point and point.label == "tick" and not point.has_band
    assert point.start == pytest.approx(time_at(view, p), abs=pixel_size(view)[0])
    undo_redo(window, 'Add "tick"', [], [point])


@pytest.mark.parametrize("live", [True, False])
def test_dragging_edges_resizes_and_inside_moves(qtbot, window, monkeypatch, live):
    """Live: the document follows the mouse; else (many annotations) only the outline
    does; either way one edit per drag."""
    if not live:
        monkeypatch.setattr("sonolens.ui.annotation_mouse.LIVE_LIMIT", 0)
    view, doc = window.spectrogram_view, window.document
    box = with_box(window)
    dt, dhz = pixel_size(view)
    # the end edge, from its pixel to 2.0 s
    to = pixel(view, 2.0, 4000.0)
    drag(view, pixel(view, box.end, 4000.0), to)
    (resized,) = doc.annotations.annotations
    assert resized.start == box.start and resized.low_hz == box.low_hz
    assert resized.end == pytest.approx(time_at(view, to), abs=dt)
    undo_redo(window, 'Resize "b"', [box], [resized])
    # the high edge (band) down to 5 kHz
    to = pixel(view, 1.2, 5000.0)
    drag(view, pixel(view, 1.2, box.high_hz), to)
    (lowered,) = doc.annotations.annotations
    assert lowered.high_hz == pytest.approx(hz_at(view, to), abs=dhz)
    assert (lowered.start, lowered.end, lowered.low_hz) == (
        resized.start, resized.end, resized.low_hz)
    undo_redo(window, 'Resize "b"', [resized], [lowered])
    # inside: 0.3 s later and 1 kHz higher
    p0 = pixel(view, 1.3, 3500.0)
    p1 = pixel(view, 1.6, 4500.0)
    drag(view, p0, p1)
    (moved,) = doc.annotations.annotations
    shift_t = time_at(view, p1) - time_at(view, p0)
    shift_hz = hz_at(view, p1) - hz_at(view, p0)
    assert moved.start == pytest.approx(lowered.start + shift_t, abs=dt)
    assert moved.duration == pytest.approx(lowered.duration, abs=1e-9)
    assert moved.low_hz == pytest.approx(lowered.low_hz + shift_hz, abs=dhz)
    assert moved.high_hz - moved.low_hz == pytest.approx(lowered.high_hz - lowered.low_hz)
    undo_redo(window, 'Move "b"', [lowered], [moved])
    assert window.annotation_editor.stack.count() == 3  # one edit per drag


def test_the_cursor_shows_what_a_drag_would_do(window):
    view = window.spectrogram_view
    box = with_box(window)
    def shape():  # what the view shows
        return view.viewport().cursor().shape()

    hover(view, pixel(view, box.start, 4000.0))
    assert shape() == Qt.CursorShape.SizeHorCursor
    hover(view, pixel(view, 1.2, box.low_hz))
    assert shape() == Qt.CursorShape.SizeVerCursor
    hover(view, pixel(view, 1.2, 4000.0))
    assert shape() == Qt.CursorShape.SizeAllCursor
    hover(view, pixel(view, 2.5, 4000.0))
    assert shape() == Qt.CursorShape.ArrowCursor


def test_delete_and_double_click_relabel(qtbot, window):
    view, doc, a = window.spectrogram_view, window.document, window.actions
    box = with_box(window)
    assert not a.delete_annotation.isEnabled()
    click(view, pixel(view, 1.2, 4000.0))
    assert window.annotation_mouse.selected == 0 and a.delete_annotation.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert doc.annotations.annotations == []
    undo_redo(window, 'Delete "b"', [box], [])
    a.undo.trigger()
    double_click(view, pixel(view, 1.2, 4000.0))
    type_label(qtbot, window, "trill")
    (relabelled,) = doc.annotations.annotations
    assert relabelled == box.replace(label="trill")
    undo_redo(window, 'Relabel "trill"', [box], [relabelled])
    # Enter on the selected one relabels it too (Backspace edits the label, deletes nothing)
    window.annotation_editor.recent = []  # no completion popup (offscreen: a Qt warning)
    click(view, pixel(view, 1.2, 4000.0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    edit = window.annotation_editor.label_edit
    qtbot.waitUntil(edit.isVisible, timeout=5000)
    assert edit.text() == "trill"
    edit.end(False)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert [x.label for x in doc.annotations.annotations] == ["tril"]


def test_a_plain_drag_or_click_elsewhere_still_selects_time(window):
    view, doc = window.spectrogram_view, window.document
    box = with_box(window)
    click(view, pixel(view, 1.2, 4000.0))
    assert window.annotation_mouse.selected == 0
    p0, p1 = pixel(view, 2.0, 4000.0), pixel(view, 2.6, 4000.0)
    drag(view, p0, p1)
    dt = pixel_size(view)[0]
    assert doc.selection == pytest.approx((time_at(view, p0), time_at(view, p1)), abs=dt)
    assert doc.annotations.annotations == [box]
    click(view, pixel(view, 2.8, 4000.0))
    assert window.annotation_mouse.selected is None and doc.selection is None
    assert doc.cursor == pytest.approx(2.8, abs=dt)
    assert window.annotation_editor.stack.count() == 0


def test_inside_a_time_selection_annotations_still_take_the_mouse(qtbot, window):
    """The selection's region lies over the annotations: a Ctrl+drag in it marks a box
    and a drag on an annotation moves it; a drag of the region's edge still adjusts it."""
    view, doc = window.spectrogram_view, window.document
    box = with_box(window, start=1.0, end=1.4, low=2000.0, high=4000.0)
    doc.set_selection((0.5, 2.5))
    dt, dhz = pixel_size(view)
    p0, p1 = pixel(view, 1.8, 8000.0), pixel(view, 2.2, 6000.0)
    drag(view, p0, p1, CTRL)
    type_label(qtbot, window, "new")
    assert doc.selection == (0.5, 2.5)
    new = doc.annotations.annotations[1]
    assert new.start == pytest.approx(time_at(view, p0), abs=dt)
    assert new.low_hz == pytest.approx(hz_at(view, p1), abs=dhz)
    p0, p1 = pixel(view, 1.2, 3000.0), pixel(view, 1.5, 3000.0)
    drag(view, p0, p1)
    moved = doc.annotations.annotations[0]
    assert moved.start == pytest.approx(box.start + time_at(view, p1) - time_at(view, p0),
                                        abs=dt)
    assert window.actions.undo.text() == '&Undo Move "b"'
    doc.set_selection((0.5, 2.5))
    to = pixel(view, 2.8, 9000.0)
    drag(view, pixel(view, 2.5, 9000.0), to)
    assert doc.selection[0] == 0.5
    assert doc.selection[1] == pytest.approx(time_at(view, to), abs=2 * dt)


def test_edges_snap_to_zero_crossings(qtbot, window, tmp_path):
    sr = 22050
    n = np.arange(3 * sr)
    y = (0.5 * np.sin(2 * np.pi * 37.0 * n / sr + 0.4)).astype(np.float32)
    path = tmp_path / "slow.wav"
    sf.write(path, y, sr, subtype="FLOAT")
    window.open_path(path)
    wait_settled(qtbot, window)
    window.actions.snap_zero_crossings.trigger()
    view, doc = window.waveform, window.document
    box = Annotation(0.5, 1.5, "z", "calls")
    doc.set_annotations(AnnotationSet().with_added(box))
    to = pixel(view, 2.0)
    drag(view, pixel(view, box.end), to)
    (snapped,) = doc.annotations.annotations
    k = round(snapped.end * sr)
    assert snapped.end == pytest.approx(k / sr, abs=1e-9)  # on a sample
    assert np.signbit(y[k]) != np.signbit(y[k - 1])  # where the sign changes
    crossings = np.flatnonzero(librosa.zero_crossings(y, pad=False)) / sr
    released = time_at(view, to)
    assert snapped.end == pytest.approx(crossings[np.argmin(np.abs(crossings - released))])
    assert window.settings.snap_mode() == "zero_crossings"


def test_the_selected_annotation_is_outlined_where_it_lies(qtbot, window):
    view = window.spectrogram_view
    box = with_box(window, start=0.9, end=1.9)
    image = view.grab().toImage()
    before = cyan_columns(image)
    click(view, pixel(view, 1.4, 4000.0))
    qtbot.wait(50)
    image = view.grab().toImage()
    columns = np.setdiff1d(cyan_columns(image), before)
    ratio = image.width() / view.width()
    expected = [pixel(view, t, 4000.0).x() * ratio for t in (box.start, box.end)]
    assert columns.size
    for x in expected:  # an outline edge (and its handle) at each time edge
        assert np.min(np.abs(columns - x)) <= 2.5 * ratio
    assert columns.min() >= expected[0] - 6 * ratio and columns.max() <= expected[1] + 6 * ratio
    rows = cyan_rows(image)
    expected_rows = [pixel(view, 1.4, hz).y() * ratio for hz in (box.low_hz, box.high_hz)]
    for y in expected_rows:  # and at each band edge
        assert np.min(np.abs(rows - y)) <= 2.5 * ratio


def cyan_mask(image) -> np.ndarray:
    rgb = qimage_rgb(image).astype(int)
    return (rgb[..., 0] < 60) & (rgb[..., 1] > 200) & (rgb[..., 2] > 200)


def cyan_columns(image) -> np.ndarray:
    """Columns with a vertical run of cyan (an outline's side)."""
    return np.flatnonzero(cyan_mask(image).sum(axis=0) >= 20)


def cyan_rows(image) -> np.ndarray:
    return np.flatnonzero(cyan_mask(image).sum(axis=1) >= 20)


def test_edges_snap_to_frames_and_the_edit_menu_lists_the_edits(qtbot, window):
    view, doc, a = window.waveform, window.document, window.actions
    a.snap_frames.trigger()
    assert a.snap_frames.isChecked() and not a.snap_none.isChecked()
    box = Annotation(0.5, 1.5, "f", "calls")
    doc.set_annotations(AnnotationSet().with_added(box))
    hop, sr = doc.params.hop_length, doc.source.samplerate
    frames = librosa.frames_to_time(np.arange(200), sr=sr, hop_length=hop)
    to = pixel(view, frames[86] + 0.2 * hop / sr)  # well within a frame of its centre
    drag(view, pixel(view, box.end), to)
    (snapped,) = doc.annotations.annotations
    assert snapped.end == pytest.approx(frames[86])
    assert snapped.end == pytest.approx(frames[np.argmin(np.abs(frames - time_at(view, to)))])
    edit_menu = next(act.menu() for act in window.menuBar().actions()
                     if act.text() == "&Edit")
    texts = [act.text() for act in edit_menu.actions()]
    assert {"&Relabel Annotation", "&Delete Annotation", "S&nap Edges To"} <= set(texts)
    assert a.undo.text() == '&Undo Resize "f"'


def test_the_selection_follows_between_the_views_and_the_table(qtbot, window):
    view, doc = window.spectrogram_view, window.document
    first = Annotation(0.2, 0.6, "first", "calls", 2000.0, 6000.0)
    second = Annotation(1.8, 2.4, "second", "calls", 2000.0, 6000.0)
    doc.set_annotations(AnnotationSet().with_added(first).with_added(second))
    table = window.annotation_table
    qtbot.waitUntil(lambda: table.model.rowCount() == 2, timeout=5000)
    click(view, pixel(view, 2.1, 4000.0))  # in the views: its row becomes current
    current = table.view.currentIndex()
    assert current.isValid() and table.annotation_at(current.row()) is second
    row = next(r for r in range(2) if table.annotation_at(r) is first)
    table.view.setCurrentIndex(table.model.index(row, 0))  # in the table: outlined
    assert window.annotation_mouse.selected_annotation is first
    assert window.annotation_mouse.selected == doc.annotations.annotations.index(first)
