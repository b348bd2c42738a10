"""A ViewBox for time views: left-drag selects a time range, a click places the cursor.

Panning is middle-drag or Shift+left-drag; the wheel zooms time (as in Audacity).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal


class TimeViewBox(pg.ViewBox):
    """Emits ``selecting(t0, t1, finished)`` while left-dragging and ``clicked(t)``."""

    selecting = Signal(float, float, bool)
    clicked = Signal(float)

    def mouseDragEvent(self, ev, axis=None):
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ev.button() == Qt.MouseButton.LeftButton and not shift and axis is None:
            ev.accept()
            start = self.mapSceneToView(ev.buttonDownScenePos(Qt.MouseButton.LeftButton)).x()
            now = self.mapSceneToView(ev.scenePos()).x()
            self.selecting.emit(min(start, now), max(start, now), bool(ev.isFinish()))
            return
        if ev.button() == Qt.MouseButton.LeftButton and shift:
            # pan like a middle-drag
            ev.accept()
            self.translateBy(x=-(self.mapSceneToView(ev.scenePos()).x()
                                 - self.mapSceneToView(ev.lastScenePos()).x()))
            return
        super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(float(self.mapSceneToView(ev.scenePos()).x()))
            return
        super().mouseClickEvent(ev)
