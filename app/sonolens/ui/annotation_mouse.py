"""Creating and editing annotations with the mouse and keys, in the spectrogram and the
waveform (an item over each plot, MouseCatcher, hands this its left drags, clicks and
hovers first, before the time selection's region and the view box).

* Ctrl+drag marks a box (spectrogram: times and band) or a span (waveform), Ctrl+click a
  point; the label editor opens (AnnotationEditor.add: one edit, 'Add "x"').
* A click on an annotation (an edge, inside, a point within a few pixels) selects it
  (highlighted); dragging an edge resizes it, dragging inside moves it (a box's band too):
  one edit per drag ('Resize "x"', 'Move "x"'), drawn live while dragging.
* Delete / Backspace deletes the selected annotation, Enter / F2 / a double-click
  relabels it. Edit > Snap Edges To: none, zero crossings or analysis frames.
A drag or click elsewhere selects time / places the cursor as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QAction

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.dsp.annotation_hits import AnnotationIndex, Hit
from sonolens.dsp.snapping import ZERO_CROSSING_WINDOW_S, snap_to_frame, snap_to_zero_crossing
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui.actions import Actions
from sonolens.ui.annotation_edits import AnnotationEditor
from sonolens.ui.views.annotation_highlight import AnnotationHighlight, MouseCatcher
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.time_viewbox import TimeViewBox

HIT_PX = 5  # how near (pixels) an edge or a point must be to be grabbed
# up to this many annotations a drag edits the document live (every view and the table
# follow the mouse); beyond, only the outline follows and the edit lands on release
LIVE_LIMIT = 2000
CURSORS = {"start": Qt.CursorShape.SizeHorCursor, "end": Qt.CursorShape.SizeHorCursor,
           "point": Qt.CursorShape.SizeHorCursor, "low": Qt.CursorShape.SizeVerCursor,
           "high": Qt.CursorShape.SizeVerCursor, "inside": Qt.CursorShape.SizeAllCursor}
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Drag:
    """A drag in progress: ``part`` grabbed ("create" for a new box) of
    ``annotations[index]`` as it was (``before``); ``press``: where it began (data)."""

    viewbox: TimeViewBox
    part: str
    press: QPointF
    before: AnnotationSet | None = None
    index: int = -1
    original: Annotation | None = None
    current: Annotation | None = None


def name_of(annotation: Annotation) -> str:
    return f'"{annotation.label}"' if annotation.label else "annotation"


class AnnotationMouse(QObject):
    """The mouse hook of ``spectrogram`` and ``others``' view boxes; the selected
    annotation (``selected``: its index in ``document.annotations.annotations``)."""

    selection_changed = Signal(object)  # the selected Annotation, or None

    def __init__(self, document: Document, editor: AnnotationEditor, spectrogram: TimeView,
                 others: list[TimeView], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.editor = editor
        self.spectrogram = spectrogram
        self.views = [spectrogram, *others]
        self.highlights = {id(v.viewbox): AnnotationHighlight(v.viewbox) for v in self.views}
        self.catchers = {id(v.viewbox): MouseCatcher(v.viewbox, self) for v in self.views}
        self.snap_mode = "none"
        self.selected: int | None = None
        self._selected: Annotation | None = None
        self._index: AnnotationIndex | None = None
        self._drag: Drag | None = None
        self._actions: tuple[QAction, QAction] | None = None  # relabel, delete
        for view in self.views:
            view.installEventFilter(self)
        document.annotations_changed.connect(self._on_document_annotations_changed)
        document.audio_changed.connect(lambda: self.select(None))

    # -- what is under the mouse ---------------------------------------------------------
    def index(self) -> AnnotationIndex:
        """Arrays of the current annotations (built once per change)."""
        if self._index is None or self._index.annotations is not self.document.annotations:
            self._index = AnnotationIndex(self.document.annotations)
        return self._index

    def _banded(self, viewbox: TimeViewBox) -> bool:
        return viewbox is self.spectrogram.viewbox and self.spectrogram.scale is not None

    def hit(self, viewbox: TimeViewBox, at: QPointF) -> Hit | None:
        px, py = viewbox.viewPixelSize()
        if not self._banded(viewbox):
            return self.index().hit(at.x(), HIT_PX * px)
        scale = self.spectrogram.scale
        return self.index().hit(at.x(), HIT_PX * px, at.y(), HIT_PX * abs(py),
                                scale.to_axis, scale.axis_range)

    # -- the hook TimeViewBox calls ------------------------------------------------------
    def drag_event(self, viewbox: TimeViewBox, ev) -> bool:
        if ev.button() != LEFT:
            return False
        if ev.isStart():
            self._drag = self._start_drag(viewbox, ev)
        drag = self._drag
        if drag is None or drag.viewbox is not viewbox:
            return False
        ev.accept()
        self._update_drag(drag, viewbox.mapSceneToView(ev.scenePos()), bool(ev.isFinish()))
        if ev.isFinish():
            self._drag = None
        return True

    def click_event(self, viewbox: TimeViewBox, ev) -> bool:
        if ev.button() != LEFT or self.document.source is None:
            return False
        at = viewbox.mapSceneToView(ev.scenePos())
        if ev.modifiers() & CTRL:
            ev.accept()
            t = self.snap(max(0.0, at.x()))
            self.editor.add(t, t)
            return True
        hit = self.hit(viewbox, at)
        self.select(None if hit is None else hit.index)
        if hit is None:
            return False  # the cursor goes there, as always
        ev.accept()
        self.document.set_selection(None)  # its region would take the next drag
        if ev.double():
            self.editor.relabel(hit.index)
        return True

    def hover_event(self, viewbox: TimeViewBox, ev) -> bool:
        """The mouse cursor shows what a drag there would do (on the catcher: topmost);
        True: a press here is ours (over an annotation, or Ctrl held)."""
        catcher = self.catchers[id(viewbox)]
        if ev.isExit() or self.document.source is None:
            catcher.unsetCursor()
            return False
        if self._drag is not None:
            return False
        hit = self.hit(viewbox, viewbox.mapSceneToView(ev.scenePos()))
        if hit is None:
            catcher.unsetCursor()
        else:
            catcher.setCursor(CURSORS[hit.part])
        return hit is not None or bool(ev.modifiers() & CTRL)

    # -- dragging ------------------------------------------------------------------------
    def _start_drag(self, viewbox: TimeViewBox, ev) -> Drag | None:
        if self.document.source is None or ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return None
        press = viewbox.mapSceneToView(ev.buttonDownScenePos(LEFT))
        if ev.modifiers() & CTRL:
            return Drag(viewbox, "create", press)
        self.editor.close_label_edit()  # its label kept: the drag starts from that
        hit = self.hit(viewbox, press)
        if hit is None:
            return None
        self.select(hit.index)
        before = self.document.annotations
        original = before.annotations[hit.index]
        return Drag(viewbox, hit.part, press, before, hit.index, original, original)

    def _update_drag(self, drag: Drag, now: QPointF, finished: bool) -> None:
        if drag.part == "create":
            self._update_create(drag, now, finished)
            return
        assert drag.before is not None and drag.original is not None
        moved = self._edited(drag, now)
        if moved != drag.current:
            drag.current = moved
            if len(drag.before.annotations) <= LIVE_LIMIT:
                self.document.set_annotations(drag.before.with_replaced(drag.index, moved))
            self._remember(drag.index, moved)
        if finished and moved == drag.original:
            self.document.set_annotations(drag.before)  # back where it was: no edit
        elif finished:
            verb = "Move" if drag.part in ("inside", "point") else "Resize"
            self.editor.push(drag.before, drag.before.with_replaced(drag.index, moved),
                             f"{verb} {name_of(moved)}")
            self._remember(drag.index, moved)

    def _edited(self, drag: Drag, now: QPointF) -> Annotation:
        """``drag.original`` with the grabbed part where the mouse is now."""
        a = drag.original
        assert a is not None
        if drag.part in ("start", "end"):
            t = self.snap(max(0.0, now.x()))
            other = a.end if drag.part == "start" else a.start
            return a.replace(start=min(t, other), end=max(t, other))
        if drag.part in ("low", "high"):
            hz = self._hz(now.y())
            other = a.high_hz if drag.part == "low" else a.low_hz
            if other is None:
                return a.replace(**{f"{drag.part}_hz": hz})
            return a.replace(low_hz=min(hz, other), high_hz=max(hz, other))
        start = self.snap(max(0.0, a.start + now.x() - drag.press.x()))
        changes: dict[str, float | None] = {"start": start, "end": a.end + start - a.start}
        if a.has_band and self._banded(drag.viewbox):
            changes.update(self._moved_band(a, now.y() - drag.press.y()))
        return a.replace(**changes)

    def _moved_band(self, a: Annotation, dy: float) -> dict[str, float | None]:
        """The band of ``a`` shifted by ``dy`` axis units, kept inside the axis."""
        scale = self.spectrogram.scale
        lo, hi = scale.axis_range
        y0 = float(scale.to_axis(a.low_hz)) if a.low_hz is not None else None
        y1 = float(scale.to_axis(a.high_hz)) if a.high_hz is not None else None
        if y0 is not None:
            dy = max(dy, lo - y0)
        if y1 is not None:
            dy = min(dy, hi - y1)
        return {"low_hz": None if y0 is None else float(scale.from_axis(y0 + dy)),
                "high_hz": None if y1 is None else float(scale.from_axis(y1 + dy))}

    def _hz(self, y: float) -> float:
        scale = self.spectrogram.scale
        lo, hi = scale.axis_range
        return float(scale.from_axis(min(max(y, lo), hi)))

    def _update_create(self, drag: Drag, now: QPointF, finished: bool) -> None:
        t0, t1 = sorted((max(0.0, drag.press.x()), max(0.0, now.x())))
        t0, t1 = self.snap(t0), self.snap(t1)
        band = self._banded(drag.viewbox)
        y0, y1 = sorted((drag.press.y(), now.y())) if band else (None, None)
        highlight = self.highlights[id(drag.viewbox)]
        if not finished:
            highlight.set_extent((t0, t1, y0, y1))
            return
        self._show_selected()
        if t1 <= t0:
            return
        if band:
            low, high = sorted((self._hz(y0), self._hz(y1)))
            self.editor.add(t0, t1, low, high)
        else:
            self.editor.add(t0, t1)

    # -- snapping ------------------------------------------------------------------------
    def snap(self, seconds: float) -> float:
        """``seconds`` snapped as Edit > Snap Edges To says (unchanged when it cannot)."""
        source = self.document.source
        if self.snap_mode == "none" or source is None:
            return seconds
        if self.snap_mode == "frames":
            sr = self.document.params.sr or source.samplerate
            return snap_to_frame(seconds, sr, self.document.params.hop_length)
        sr = source.samplerate
        centre = round(seconds * sr)
        half = int(ZERO_CROSSING_WINDOW_S * sr)
        first = max(0, centre - half)
        samples = source.read_if_seekable(first, min(source.frames, centre + half))
        if samples is None or len(samples) < 2:
            return seconds
        return snap_to_zero_crossing(seconds, np.asarray(samples), first, sr)

    # -- the selected annotation ---------------------------------------------------------
    def select(self, index: int | None) -> None:
        items = self.document.annotations.annotations
        if index is not None and not 0 <= index < len(items):
            index = None
        self._remember(index, None if index is None else items[index])

    @property
    def selected_annotation(self) -> Annotation | None:
        return self._selected

    def _remember(self, index: int | None, annotation: Annotation | None) -> None:
        changed = annotation is not self._selected
        self.selected, self._selected = index, annotation
        self._show_selected()
        if changed:
            self.selection_changed.emit(annotation)
        if self._actions is not None:
            for action in self._actions:
                action.setEnabled(index is not None)

    def _show_selected(self) -> None:
        a = self._selected
        for view in self.views:
            extent = None
            if a is not None:
                y0 = y1 = None
                if a.has_band and self._banded(view.viewbox):
                    lo, hi = self.spectrogram.scale.axis_range
                    y0 = lo if a.low_hz is None else float(self.spectrogram.scale.to_axis(
                        a.low_hz))
                    y1 = hi if a.high_hz is None else float(self.spectrogram.scale.to_axis(
                        a.high_hz))
                extent = (a.start, a.end, y0, y1)
            self.highlights[id(view.viewbox)].set_extent(extent)

    def _on_document_annotations_changed(self) -> None:
        """Keep the selected annotation selected where it now lies (same object)."""
        self._index = None
        if self._selected is None:
            return
        items = self.document.annotations.annotations
        k = self.selected
        if k is None or k >= len(items) or items[k] is not self._selected:
            k = next((i for i, a in enumerate(items) if a is self._selected), None)
        self._remember(k, None if k is None else self._selected)

    # -- keys and menu -------------------------------------------------------------------
    def delete_selected(self) -> None:
        index = self.selected
        if index is None or self.editor.label_edit.isVisible():
            return
        before = self.document.annotations
        gone = before.annotations[index]
        self.select(None)
        self.editor.push(before, before.without([index]), f"Delete {name_of(gone)}")

    def relabel_selected(self) -> None:
        if self.selected is not None:
            self.editor.relabel(self.selected)

    def set_snap_mode(self, mode: str) -> None:
        self.snap_mode = mode

    def eventFilter(self, watched: QObject, event) -> bool:
        """Enter in a view relabels the selected annotation."""
        if (event.type() == QEvent.Type.KeyPress and self.selected is not None
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers()):
            self.relabel_selected()
            return True
        return super().eventFilter(watched, event)

    def connect_actions(self, a: Actions, settings: Settings) -> None:
        """Edit > Relabel / Delete Annotation and Snap Edges To (kept in ``settings``)."""
        self._actions = (a.relabel_annotation, a.delete_annotation)
        a.relabel_annotation.triggered.connect(self.relabel_selected)
        a.delete_annotation.triggered.connect(self.delete_selected)
        a.clear_selection.triggered.connect(lambda: self.select(None))
        snaps = {"none": a.snap_none, "zero_crossings": a.snap_zero_crossings,
                 "frames": a.snap_frames}
        self.snap_mode = settings.snap_mode()
        snaps[self.snap_mode].setChecked(True)
        for mode, action in snaps.items():
            action.triggered.connect(
                lambda _=False, m=mode: (self.set_snap_mode(m), settings.set_snap_mode(m)))
        self._remember(self.selected, self._selected)


def connect_annotation_mouse(window) -> AnnotationMouse:
    """The window's AnnotationMouse over its spectrogram and waveform, with its actions."""
    mouse = AnnotationMouse(window.document, window.annotation_editor,
                            window.spectrogram_view, [window.waveform], parent=window)
    mouse.connect_actions(window.actions, window.settings)
    sync_with_table(mouse, window.annotation_table)
    return mouse


def sync_with_table(mouse: AnnotationMouse, table) -> None:
    """The annotation selected in the views has its row current in ``table`` (the
    Annotations dock's AnnotationTable), and the current row's annotation is selected
    (highlighted) in the views."""
    def on_selected(annotation: Annotation | None) -> None:
        current = table.view.currentIndex()
        if annotation is not None and not (
                current.isValid() and table.annotation_at(current.row()) is annotation):
            table.select_annotation(annotation)

    def on_current_row(current, _previous) -> None:
        if not current.isValid():
            return
        annotation = table.annotation_at(current.row())
        if annotation is mouse.selected_annotation:
            return
        items = mouse.document.annotations.annotations
        mouse.select(next((k for k, a in enumerate(items) if a is annotation), None))

    mouse.selection_changed.connect(on_selected)
    table.view.selectionModel().currentRowChanged.connect(on_current_row)
