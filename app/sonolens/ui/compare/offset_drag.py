"""Alt+drag on B's waveform or spectrogram, or a plain drag on B's caption bar (the
handle, for desktops whose window manager takes Alt+drag): move B along the time axis.

(Plain drags on the plots select, Shift/middle drags pan, Ctrl drags mark annotations:
Alt is free.)
While the mouse moves, B's drawing follows it (ui.compare.offset_preview: items moved,
nothing recomputed) and the offset box shows the offset the drop will set: B dragged
right by dt seconds of the time axis starts dt later on A's axis, so its offset is dt
smaller. The drop sets it as one undoable change (ui.compare.offset_edits); Escape during
the drag puts B back where it was.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

DECIMALS = 4  # a dragged offset is rounded to the offset box's 0.1 ms


class OffsetDrag(QObject):
    """Watches B's view widgets; ``active`` while dragging, ``proposed`` (s) the offset the
    drop would set. ``window``: a CompareWindow, ``edits``: its OffsetEdits."""

    def __init__(self, window, edits) -> None:
        super().__init__(window)
        self.window = window
        self.edits = edits
        self.views = (window.b.views.waveform, window.b.views.spectrogram)
        self.active = False
        self.proposed: float | None = None
        self._view = None
        self._viewport = None  # the widget dragged on (compared by identity only)
        self._base = 0.0  # the offset when the drag began
        self._press_t = 0.0  # the time (s, on the axis) under the mouse at the press
        for view in self.views:
            view.viewport().installEventFilter(self)
        self.handle = window.b.caption  # spans the pane: a plain drag on it moves B
        self.handle.installEventFilter(self)
        self.handle.setCursor(Qt.CursorShape.SizeHorCursor)
        self.handle.setToolTip("Drag to move B along the time axis (or Alt+drag B's plots; "
                               "Esc cancels)")
        window.installEventFilter(self)  # closed mid-drag: the drag ends

    def _time_at(self, view, widget, position) -> float:
        """The time (s) on ``view``'s axis at ``position`` in ``widget`` (its viewport, or
        the handle above it: the same x pixels hold the same times)."""
        point = position.toPoint()
        if widget is not view.viewport():
            point = view.viewport().mapFromGlobal(widget.mapToGlobal(point))
        return float(view.viewbox.mapSceneToView(view.mapToScene(point)).x())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and not self.active:
            return self._maybe_start(watched, event)
        if not self.active:
            return False
        if watched is self.window and kind in (QEvent.Type.Close, QEvent.Type.Hide):
            self.cancel()
            return False
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and event.key() == Qt.Key.Key_Escape:
            event.accept()
            if kind == QEvent.Type.KeyPress:
                self.cancel()
            return True
        if watched is not self._viewport:
            return False
        if kind == QEvent.Type.MouseMove:
            self._move(event.position())
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            self._move(event.position())
            self._drop()
            return True
        return kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)

    def _maybe_start(self, watched: QObject, event) -> bool:
        on_handle = watched is self.handle
        view = self.views[0] if on_handle else next(
            (v for v in self.views if v.viewport() is watched), None)
        wanted = Qt.KeyboardModifier.NoModifier if on_handle else Qt.KeyboardModifier.AltModifier
        if (view is None or event.button() != Qt.MouseButton.LeftButton
                or event.modifiers() != wanted
                or self.window.offset is None or self.window.b.document.source is None):
            return False
        box = view.viewbox
        if not on_handle and not box.sceneBoundingRect().contains(
                view.mapToScene(event.position().toPoint())):
            return False  # on an axis, not on the plot
        self._base = self.edits.take_pending()  # nudges not applied yet: the drag's start
        self.active, self._view, self._viewport = True, view, watched
        self._press_t = self._time_at(view, watched, event.position())
        self.proposed = self._base
        if not on_handle:
            watched.setCursor(Qt.CursorShape.SizeHorCursor)
        QApplication.instance().installEventFilter(self)  # Escape, wherever the focus is
        self.window.statusBar().showMessage("Moving B: release to set the offset, "
                                            "Esc cancels")
        return True

    def _move(self, position) -> None:
        dt = self._time_at(self._view, self._viewport, position) - self._press_t
        self.proposed = round(self._base - dt, DECIMALS)
        self._show_offset(self.proposed)
        self.edits.refresh_preview()

    def _show_offset(self, seconds: float) -> None:
        box = self.window.offset_box
        box.blockSignals(True)
        box.setValue(seconds)
        box.blockSignals(False)

    def _end(self) -> None:
        QApplication.instance().removeEventFilter(self)
        if self._viewport is not self.handle:
            self._viewport.unsetCursor()
        self.active, self._view, self._viewport = False, None, None
        self.window.statusBar().clearMessage()

    def _drop(self) -> None:
        proposed = self.proposed
        self._end()
        if proposed is None or proposed == self.window.offset:
            self.edits.refresh_preview()
            return
        self.edits.change(proposed, None, "Drag B")

    def cancel(self) -> None:
        """Escape: B back where it was shown before the drag (nudged or set)."""
        if not self.active:
            return
        self._end()
        self.proposed = None
        self._show_offset(self.window.offset)
        self.edits.restore_pending(self._base)  # nudges the drag took in are kept
