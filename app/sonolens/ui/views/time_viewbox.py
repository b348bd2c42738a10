"""A ViewBox for time views: left-drag selects a time range, a click places the cursor.

Mouse (every time view; their time axes are linked):

* the wheel scrolls time (wheel down / swipe left: later), horizontal wheels and trackpad
  swipes too; Ctrl+wheel zooms time around the mouse;
* Shift+wheel zooms the frequency axis of the spectrogram around the mouse (so does the
  wheel over its frequency axis), never beyond the scale's full range;
* Shift+left-drag or middle-drag pans (the spectrogram's frequencies too once zoomed).

Annotations take the gestures over them first (ui.annotation_mouse, through an item over
the plot: views.annotation_highlight.MouseCatcher).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

from sonolens.ui.views.interaction import note_interaction

#: What the mouse does, for Help > Keyboard Shortcuts (gesture, effect).
MOUSE_GESTURES: tuple[tuple[str, str], ...] = (
    ("Drag", "Select a time range (drag its edges to adjust)"),
    ("Click", "Put the play cursor there"),
    ("Ctrl+Drag (spectrogram)", "Mark a time-frequency box and type its label"),
    ("Ctrl+Drag (waveform)", "Mark a time span and type its label"),
    ("Ctrl+Click", "Mark a point (instant) and type its label"),
    ("Click an annotation", "Select it (Delete deletes it, Enter / F2 relabels it)"),
    ("Drag an annotation's edge / inside", "Resize it / move it"),
    ("Double-click an annotation", "Relabel it"),
    ("Wheel / horizontal swipe", "Scroll time"),
    ("Ctrl+Wheel", "Zoom time around the mouse"),
    ("Shift+Wheel (spectrogram)", "Zoom frequencies around the mouse"),
    ("Shift+Drag / Middle-drag", "Pan"),
    ("Drag with the ruler on (R)", "Measure Δt, Δf, the interval and Δ level from A to B"),
    ("Ctrl+Shift+Wheel (harmonic cursor on, H)", "Tune its fundamental (2 cents a notch)"),
    ("Drop a file", "Open it"),
)

ANGLE_PER_NOTCH = 120  # QWheelEvent.angleDelta units of one wheel notch (15 degrees)
PAN_PER_NOTCH = 0.1  # fraction of the visible time span one notch scrolls
ZOOM_PER_NOTCH = 0.8  # span factor of one Ctrl+wheel notch towards the mouse
MIN_Y_FRACTION = 1e-3  # deepest frequency zoom: this fraction of the full axis


class TimeViewBox(pg.ViewBox):
    """Emits ``selecting(t0, t1, finished)`` while left-dragging and ``clicked(t)``.

    ``frequency_zoom``: Shift+wheel zooms y within the y limits (the spectrogram sets it).
    """

    selecting = Signal(float, float, bool)
    clicked = Signal(float)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.frequency_zoom = False

    # -- wheel ---------------------------------------------------------------------------
    def wheelEvent(self, ev, axis=None):
        note_interaction()
        modifiers = ev.modifiers()
        steps = self._wheel_steps(ev)
        if steps == 0.0:
            ev.accept()
            return
        mouse = self.mapSceneToView(ev.scenePos())
        if self.frequency_zoom and (axis == 1 or modifiers & Qt.KeyboardModifier.ShiftModifier):
            self.zoom_y(ZOOM_PER_NOTCH**steps, mouse.y())
        elif modifiers & Qt.KeyboardModifier.ControlModifier:
            self.scaleBy(x=ZOOM_PER_NOTCH**steps, center=QPointF(mouse.x(), 0.0))
        else:
            (t0, t1), _ = self.viewRange()
            self.translateBy(x=-steps * PAN_PER_NOTCH * (t1 - t0))
        ev.accept()
        self.sigRangeChangedManually.emit([True, self.frequency_zoom])

    def _wheel_steps(self, ev) -> float:
        """Signed notches (positive: wheel up / left, i.e. earlier in time or zoom in).

        Trackpads send pixel deltas: those scroll by pixels (one notch = a tenth of the
        view per 120 angle units is kept for wheels).
        """
        pixels = ev.pixelDelta()
        pixel = pixels.x() if ev.orientation() == Qt.Orientation.Horizontal else pixels.y()
        if pixel and ev.orientation() == Qt.Orientation.Horizontal and self.width() > 0:
            return pixel / (self.width() * PAN_PER_NOTCH)
        return ev.delta() / ANGLE_PER_NOTCH

    def zoom_y(self, factor: float, centre: float) -> None:
        """Scale the y span by ``factor`` around ``centre``, inside the y limits."""
        limits = self.state["limits"]["yLimits"]
        (_, _), (y0, y1) = self.viewRange()
        lo, hi = (limits[0], limits[1]) if None not in limits else (y0, y1)
        full = hi - lo
        span = min(full, max(full * MIN_Y_FRACTION, (y1 - y0) * factor))
        new0 = centre - (centre - y0) * span / (y1 - y0)
        new0 = min(max(new0, lo), hi - span)
        self.setYRange(new0, new0 + span, padding=0)

    def fit_y(self) -> None:
        """Show the whole y range allowed by the limits (frequency zoom undone)."""
        lo, hi = self.state["limits"]["yLimits"]
        if lo is not None and hi is not None:
            self.setYRange(lo, hi, padding=0)

    # -- drag and click ------------------------------------------------------------------
    def mouseDragEvent(self, ev, axis=None):
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ev.button() == Qt.MouseButton.LeftButton and not shift and axis is None:
            ev.accept()
            start = self.mapSceneToView(ev.buttonDownScenePos(Qt.MouseButton.LeftButton)).x()
            now = self.mapSceneToView(ev.scenePos()).x()
            self.selecting.emit(min(start, now), max(start, now), bool(ev.isFinish()))
            return
        if (ev.button() == Qt.MouseButton.LeftButton and shift) or (
                ev.button() == Qt.MouseButton.MiddleButton and axis is None):
            ev.accept()
            note_interaction()
            delta = self.mapSceneToView(ev.scenePos()) - self.mapSceneToView(ev.lastScenePos())
            self.translateBy(x=-delta.x(), y=-delta.y() if self.frequency_zoom else None)
            return
        super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(float(self.mapSceneToView(ev.scenePos()).x()))
            return
        super().mouseClickEvent(ev)

