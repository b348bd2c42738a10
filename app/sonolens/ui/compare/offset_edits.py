"""Changing B's offset in the compare window, undoably: typed, found, dragged or nudged.

The Align menu: Undo / Redo of offset changes (Ctrl+Z / Ctrl+Shift+Z), Move B Left / Right
by one analysis hop (Alt+Left / Alt+Right) or by 10 ms (Shift+Alt+Left / Right), and the
mouse gestures (Alt+drag on B's waveform or spectrogram, or a drag on B's caption bar:
ui.compare.offset_drag).

Every change goes the way a typed offset goes (``CompareWindow.set_offset``: B analysed
again at the offset, the difference, curves and summary follow). Until B is drawn again
it is shown moved by hand (ui.compare.offset_preview). An offset set by hand has no
confidence: the toolbar says "manual".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

NUDGE_FINE_S = 0.010  # Shift+Alt+Left/Right
NUDGE_DELAY_MS = 400  # nudges in a row: B is analysed again once they pause this long
GESTURE_HINT = ("Alt+drag B's waveform or spectrogram, or drag B's caption bar, to move B "
                "by hand (Esc cancels); Alt+Left/Right moves it by a hop, "
                "Shift+Alt+Left/Right by 10 ms")


def confidence_text(confidence: float | None) -> str:
    """The toolbar's note beside the offset: the search's confidence, or "manual"."""
    return " manual" if confidence is None else f" confidence {confidence:.2f}"


class OffsetCommand(QUndoCommand):
    """One offset change: (offset s, confidence or None) ``before`` -> ``after``."""

    def __init__(self, edits: OffsetEdits, before: tuple, after: tuple, text: str) -> None:
        super().__init__(text)
        self.edits, self.before, self.after = edits, before, after

    def redo(self) -> None:
        self.edits.apply(*self.after)

    def undo(self) -> None:
        self.edits.apply(*self.before)


class OffsetEdits(QObject):
    """``change(offset, confidence, text)``: one undoable step (``stack``); ``nudge(s)``;
    ``preview``; ``drag`` (the Alt+drag on B). ``window``: a CompareWindow."""

    def __init__(self, window) -> None:
        from sonolens.ui.compare.offset_drag import OffsetDrag
        from sonolens.ui.compare.offset_preview import OffsetPreview

        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(self)
        self.preview = OffsetPreview(window)
        self.pending: float | None = None  # nudged to, not applied yet
        self._nudge_timer = QTimer(self, singleShot=True, interval=NUDGE_DELAY_MS)
        self._nudge_timer.timeout.connect(self._apply_nudges)
        self._build_menu()
        self.drag = OffsetDrag(window, self)
        window.b.document.audio_changed.connect(self.refresh_preview)
        window.offset_box.setToolTip(window.offset_box.toolTip() + ". " + GESTURE_HINT)

    def _build_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Align")
        undo, redo = QAction("&Undo", self), QAction("&Redo", self)
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        undo.triggered.connect(self.undo)
        redo.triggered.connect(self.redo)
        self.stack.indexChanged.connect(lambda _i: self._update_actions())
        menu.addAction(undo)
        menu.addAction(redo)
        menu.addSeparator()
        self.nudge_actions = {}
        for text, keys, sign, fine in (
                ("Move B &Left by a Hop", "Alt+Left", -1, False),
                ("Move B &Right by a Hop", "Alt+Right", 1, False),
                ("Move B Left by 10 ms", "Shift+Alt+Left", -1, True),
                ("Move B Right by 10 ms", "Shift+Alt+Right", 1, True)):
            action = menu.addAction(text)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, s=sign, f=fine: self.nudge(s, fine=f))
            self.nudge_actions[keys] = action
        menu.addSeparator()
        hint = menu.addAction("Alt+Drag on B, or Drag B's Caption: Move B (Esc Cancels)")
        hint.setEnabled(False)
        hint.setToolTip(GESTURE_HINT)
        self.undo_action, self.redo_action = undo, redo
        self._update_actions()

    def _update_actions(self) -> None:
        pending = self.pending is not None  # nudges not applied yet: undone first
        try:
            self.undo_action.setEnabled(pending or self.stack.canUndo())
            self.redo_action.setEnabled(self.stack.canRedo())
        except RuntimeError:  # the window is being destroyed (the stack went first)
            pass

    def undo(self) -> None:
        """Ctrl+Z: nudges not applied yet are dropped (they are the last change), else the
        last step is undone."""
        if not self.drop_pending():
            self.stack.undo()

    def redo(self) -> None:
        self.drop_pending()
        self.stack.redo()

    def drop_pending(self) -> bool:
        """Forget nudges not applied yet (B shown at its offset again); False if none."""
        if self.pending is None:
            return False
        self._nudge_timer.stop()
        self.pending = None
        self._show_in_box(self.window.offset)
        self.refresh_preview()
        self._update_actions()
        return True

    def restore_pending(self, offset: float) -> None:
        """Nudged to ``offset`` again (a drag that took the nudges in was cancelled)."""
        if offset != self.window.offset:
            self.pending = offset
            self._show_in_box(offset)
            self._nudge_timer.start()
            self._update_actions()
        self.refresh_preview()

    def _show_in_box(self, offset: float | None) -> None:
        if offset is None:
            return
        box = self.window.offset_box
        box.blockSignals(True)
        box.setValue(offset)
        box.blockSignals(False)
    # -- changes -------------------------------------------------------------------------
    def change(self, offset: float, confidence: float | None, text: str) -> None:
        """Set B's offset (s) with ``confidence`` (None: set by hand), as one undo step
        ``text`` (the first offset of the window is no step: nothing to go back to)."""
        window = self.window
        self._nudge_timer.stop()
        self.pending = None
        self._update_actions()
        before = (window.offset, window.confidence)
        if window.offset is None or before == (offset, confidence):
            self.apply(offset, confidence)
            return
        self.stack.push(OffsetCommand(self, before, (offset, confidence), text))

    def apply(self, offset: float, confidence: float | None) -> None:
        window = self.window
        window.confidence = confidence
        window.confidence_label.setText(confidence_text(confidence))
        window.set_offset(offset)
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """B drawn at the offset it is going to: dragged, nudged, or set."""
        wanted = self.drag.proposed if self.drag.active else self.pending
        self.preview.show(wanted if wanted is not None else self.window.offset)

    # -- nudges --------------------------------------------------------------------------
    def hop_seconds(self) -> float:
        doc = self.window.a.document
        rate = doc.params.sr or (doc.source.samplerate if doc.source is not None else 0)
        return doc.params.hop_length / rate if rate else NUDGE_FINE_S

    def nudge(self, sign: int, *, fine: bool = False) -> None:
        """Move B's drawing right (``sign`` 1: B's audio later on A's time axis, the offset
        smaller) or left by a hop or 10 ms; B is analysed again once nudges pause."""
        if self.drag.active:
            return
        self.window.apply_typed_offset()  # a typed offset not applied yet goes first
        current = self.pending if self.pending is not None else self.window.offset
        if current is None:
            return
        step = NUDGE_FINE_S if fine else self.hop_seconds()
        self.pending = current - sign * step
        self._show_in_box(self.pending)
        self.refresh_preview()
        self._nudge_timer.start()
        self._update_actions()

    def take_pending(self) -> float:
        """The offset B is shown at (nudged to, else set), the nudges' change dropped (a
        drag starting takes them in)."""
        self.window.apply_typed_offset()  # a typed offset not applied yet goes first
        self._nudge_timer.stop()
        current = self.pending if self.pending is not None else self.window.offset
        self.pending = None
        self._update_actions()
        return float(current)

    def _apply_nudges(self) -> None:
        if self.pending is not None:
            self.change(self.pending, None, "Move B")
