"""The ruler: while View > Measure > Ruler is on, a left drag measures from A to B.

On the spectrogram: Δt, Δf, the interval in semitones and cents, and the level
difference in dB between what the pixels at A and B show (the loudest stored value of
the column nearest each time, over the rows a pixel spans there); on the waveform and
the feature plot: Δt and Δ of the y value. A line A→B and the readout stay drawn until
the next drag (or Esc / the tool turned off); Ctrl+C or a right-click copies the line of
text. Shift+drag still pans; with the ruler off every gesture is as before.

An item over each plot (views.annotation_highlight.MouseCatcher, above the annotations')
claims the left drags while the ruler is on.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from sonolens.core.catalog import CATALOG
from sonolens.dsp.intervals import RulerReading, level_difference
from sonolens.model.document import Document
from sonolens.ui.views.annotation_highlight import CATCHER_Z, MouseCatcher
from sonolens.ui.views.layout import TimeView

LINE_COLOR = "#ffd600"  # amber: readable over magma and over light and dark waveforms
SHADOW_COLOR = "#000000"
TEXT_FILL = (0, 0, 0, 170)
RULER_Z = 60  # above the data, the overlays and the annotations


def level_at(spec, t: float, hz_lo: float, hz_hi: float, hz: float) -> float:
    """The loudest stored value of ``spec`` (a dsp Spectrogram) in the column nearest
    ``t`` s over the rows in [hz_lo, hz_hi] Hz (what one display pixel shows); the row
    nearest ``hz`` when none lies inside. NaN without columns."""
    filled = spec.filled
    values = spec.values
    if filled == 0 or not math.isfinite(t):
        return math.nan
    column = min(max(0, round(t / spec.frame_seconds)) // spec.frames_per_column, filled - 1)
    rows = np.flatnonzero((spec.freqs >= hz_lo) & (spec.freqs <= hz_hi))
    if len(rows) == 0:
        return spec.value_at(t, hz)
    return float(np.max(values[column, rows]))


class RulerGraphics:
    """The line (over a dark shadow) and the readout box in one plot."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.shadow = pg.PlotCurveItem(pen=pg.mkPen(SHADOW_COLOR, width=4))
        self.line = pg.PlotCurveItem(pen=pg.mkPen(LINE_COLOR, width=2))
        self.label = pg.TextItem("", color="#ffffff", fill=pg.mkBrush(*TEXT_FILL),
                                 anchor=(0, 1))
        for z, item in enumerate((self.shadow, self.line, self.label)):
            item.setZValue(RULER_Z + z)
            plot.addItem(item, ignoreBounds=True)
        self.hide()

    def show(self, a: QPointF, b: QPointF, text: str, right_half: bool) -> None:
        xs, ys = np.array([a.x(), b.x()]), np.array([a.y(), b.y()])
        self.shadow.setData(xs, ys)
        self.line.setData(xs, ys)
        self.label.setText(text)
        self.label.setAnchor((1, 1) if right_half else (0, 1))
        self.label.setPos(b)
        for item in (self.shadow, self.line, self.label):
            item.show()

    def hide(self) -> None:
        for item in (self.shadow, self.line, self.label):
            item.hide()


class Ruler(QObject):
    """Measures on ``spectrogram`` and ``others`` (time views); ``changed(text)``: the
    readout ('' when cleared). ``reading``: the last measurement."""

    changed = Signal(str)

    def __init__(self, document: Document, spectrogram: TimeView, others: list[TimeView],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.spectrogram = spectrogram
        self.views = [spectrogram, *others]
        self.active = False
        self.reading: RulerReading | None = None
        self._shown_in: TimeView | None = None
        self.graphics = {id(v.viewbox): RulerGraphics(v.plot) for v in self.views}
        self.catchers = {id(v.viewbox): MouseCatcher(v.viewbox, self) for v in self.views}
        for catcher in self.catchers.values():
            catcher.setZValue(CATCHER_Z + 1)
        document.audio_changed.connect(self.clear)

    def view_of(self, viewbox) -> TimeView:
        return next(v for v in self.views if v.viewbox is viewbox)

    def set_active(self, active: bool) -> None:
        self.active = active
        if not active:
            self.clear()
        for catcher in self.catchers.values():
            if active:
                catcher.setCursor(Qt.CursorShape.CrossCursor)
            else:
                catcher.unsetCursor()

    # -- the hook MouseCatcher calls -----------------------------------------------------
    def hover_event(self, viewbox, ev) -> bool:
        return self.active and self.document.source is not None and not ev.isExit()

    def drag_event(self, viewbox, ev) -> bool:
        if (not self.active or self.document.source is None
                or ev.button() != Qt.MouseButton.LeftButton
                or ev.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            return False
        ev.accept()
        a = viewbox.mapSceneToView(ev.buttonDownScenePos(Qt.MouseButton.LeftButton))
        b = viewbox.mapSceneToView(ev.scenePos())
        self.measure(self.view_of(viewbox), a, b)
        return True

    def click_event(self, viewbox, ev) -> bool:
        if ev.button() != Qt.MouseButton.RightButton or self.reading is None:
            return False
        ev.accept()
        menu = QMenu()
        menu.addAction("Copy Measurement", self.copy)
        menu.addAction("Clear Ruler", self.clear)
        menu.exec(ev.screenPos().toPoint())
        return True

    # -- measuring -----------------------------------------------------------------------
    def measure(self, view: TimeView, a: QPointF, b: QPointF) -> RulerReading:
        """Measure from A to B (data coordinates of ``view``), draw and announce it."""
        reading = self._reading(view, a, b)
        self.reading = reading
        if self._shown_in is not None and self._shown_in is not view:
            self.graphics[id(self._shown_in.viewbox)].hide()
        self._shown_in = view
        (t0, t1), _ = view.viewbox.viewRange()
        self.graphics[id(view.viewbox)].show(a, b, reading.text(), b.x() > (t0 + t1) / 2)
        self.changed.emit(reading.text())
        return reading

    def _reading(self, view: TimeView, a: QPointF, b: QPointF) -> RulerReading:
        scale = getattr(view, "scale", None)
        if view is not self.spectrogram or scale is None:
            name = view.plot.getAxis("left").labelText
            return RulerReading(a.x(), b.x(), a.y(), b.y(), y_name=name)
        lo, hi = scale.axis_range
        ya, yb = (min(max(p.y(), lo), hi) for p in (a, b))
        f_a, f_b = float(scale.from_axis(ya)), float(scale.from_axis(yb))
        delta = math.nan
        spec = view.spectrogram
        if spec is not None and spec.filled:
            half = abs(view.viewbox.viewPixelSize()[1]) / 2
            levels = [level_at(spec, p.x(), float(scale.from_axis(max(lo, y - half))),
                               float(scale.from_axis(min(hi, y + half))), f)
                      for p, y, f in ((a, ya, f_a), (b, yb, f_b))]
            kind = CATALOG.kind(spec.kind)
            delta = level_difference(levels[0], levels[1], kind.unit, kind.db)
        return RulerReading(a.x(), b.x(), ya, yb, f_a=f_a, f_b=f_b, delta_db=delta)

    def clear(self) -> None:
        self.reading = None
        for graphics in self.graphics.values():
            graphics.hide()
        self._shown_in = None
        self.changed.emit("")

    def text(self) -> str:
        return "" if self.reading is None else self.reading.text()

    def copy(self) -> None:
        """Put the readout (one line) on the clipboard."""
        if self.reading is not None:
            QGuiApplication.clipboard().setText(self.reading.text())
