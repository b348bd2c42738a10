"""The harmonic cursor: while on, the mouse over the spectrogram sets a fundamental f0
(the frequency under it) and marks f0, 2 f0, 3 f0 … up to the top of the view with short
lines either side of the mouse's time (the data at that time stays visible between them);
a readout beside f0 gives its frequency and nearest note (A4 = the view's reference).

Ctrl+Shift+wheel moves f0 by :data:`CENTS_PER_NOTCH` cents per notch (the plain wheel
scrolls, Ctrl zooms time, Shift zooms frequencies, as always); a tuned f0 stays while
the mouse moves along time, until it moves more than :data:`UNLOCK_PX` pixels up or down.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal

from sonolens.dsp.intervals import harmonic_text, harmonics, shift_cents
from sonolens.ui.views.spectrogram_view import SpectrogramView

MARKER_COLOR = "#00e5ff"
SHADOW_COLOR = "#000000"
HALF_WIDTH_PX = 40  # each marker spans this many pixels either side of the mouse …
GAP_PX = 12  # … but leaves the data this near the mouse's time uncovered
CENTS_PER_NOTCH = 2.0
UNLOCK_PX = 8
SHADOW_MIN_GAP_PX = 8  # markers closer than this get no dark edge (it would fill the gaps)
ANGLE_PER_NOTCH = 120
MARKERS_Z = 62
FINE = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class HarmonicCursor(QObject):
    """Markers at the harmonics of the frequency under the mouse over ``view``;
    ``changed(text)``: the readout ('' when hidden)."""

    changed = Signal(str)

    def __init__(self, view: SpectrogramView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.enabled = False
        self.f0: float | None = None
        self.t = 0.0
        self._locked_at: float | None = None  # scene y where the wheel tuned f0
        self.shadow = pg.PlotCurveItem(pen=pg.mkPen(SHADOW_COLOR, width=4), connect="pairs")
        self.markers = pg.PlotCurveItem(pen=pg.mkPen(MARKER_COLOR, width=2), connect="pairs")
        self.label = pg.TextItem("", color="#ffffff", fill=pg.mkBrush(0, 0, 0, 170),
                                 anchor=(0, 0.5))
        for z, item in enumerate((self.shadow, self.markers, self.label)):
            item.setZValue(MARKERS_Z + z)
            view.plot.addItem(item, ignoreBounds=True)
        self.hide()
        view.scene().sigMouseMoved.connect(self._on_mouse_moved)
        view.viewport().installEventFilter(self)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self._locked_at = None
        if not enabled:
            self.hide()

    def hide(self) -> None:
        for item in (self.shadow, self.markers, self.label):
            item.hide()
        if self.f0 is not None:
            self.f0 = None
            self.changed.emit("")

    # -- input ---------------------------------------------------------------------------
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        view = self.view
        if not self.enabled:
            return
        box = view.viewbox
        if view.scale is None or not box.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return
        point = box.mapSceneToView(scene_pos)
        if self._locked_at is not None and abs(scene_pos.y() - self._locked_at) > UNLOCK_PX:
            self._locked_at = None
        if self._locked_at is None or self.f0 is None:
            lo, hi = view.scale.axis_range
            self.f0 = float(view.scale.from_axis(min(max(point.y(), lo), hi)))
        self.t = float(point.x())
        self.draw()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.enabled:
            return False
        if event.type() == QEvent.Type.Leave:
            self.hide()
        elif (event.type() == QEvent.Type.Wheel and self.f0 is not None
                and (event.modifiers() & FINE) == FINE):
            delta = event.angleDelta()
            steps = (delta.y() or delta.x()) / ANGLE_PER_NOTCH
            self.tune(steps * CENTS_PER_NOTCH)
            self._locked_at = float(self.view.mapToScene(event.position().toPoint()).y())
            return True
        return False

    def tune(self, cents: float) -> None:
        """Move the fundamental by ``cents`` (kept within the axis) and redraw."""
        if self.f0 is None or self.view.scale is None:
            return
        scale = self.view.scale
        self.f0 = float(min(max(shift_cents(self.f0, cents), max(scale.fmin, 1e-3)),
                            scale.fmax))
        self.draw()

    # -- drawing -------------------------------------------------------------------------
    def text(self) -> str:
        return "" if self.f0 is None else harmonic_text(self.f0, self.view.view.a4)

    def draw(self) -> None:
        view, f0 = self.view, self.f0
        if f0 is None or view.scale is None or f0 <= 0:
            self.hide()
            return
        _, (_, y1) = view.viewbox.viewRange()
        top = min(view.scale.fmax, float(view.scale.from_axis(y1)))
        hz = harmonics(f0, top)
        if len(hz) == 0:
            hz = np.array([f0])
        ys = np.repeat(view.scale.to_axis(hz), 4)
        px = view.viewbox.viewPixelSize()[0]
        half, gap = HALF_WIDTH_PX * px, GAP_PX * px
        xs = np.tile([self.t - half, self.t - gap, self.t + gap, self.t + half], len(hz))
        self.shadow.setData(xs, ys)
        self.markers.setData(xs, ys)
        text = self.text()
        self.label.setText(text)
        self.label.setPos(self.t + half * 1.1, ys[0])
        gaps = np.diff(ys[::4]) / abs(view.viewbox.viewPixelSize()[1])
        self.shadow.setVisible(len(gaps) == 0 or float(gaps.min()) >= SHADOW_MIN_GAP_PX)
        for item in (self.markers, self.label):
            item.show()
        self.changed.emit(text)
