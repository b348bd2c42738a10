"""The crosshair: while on, a vertical line at the mouse's time in every time view (their
time axes are linked) and a horizontal line at its y in the view under the mouse."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt

from sonolens.ui.views.layout import TimeView

LINE_COLOR = "#b0bec5"
CROSSHAIR_Z = 58


class Crosshair(QObject):
    """Lines following the mouse over any of ``views``."""

    def __init__(self, views: list[TimeView], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views = list(views)
        self.enabled = False
        pen = pg.mkPen(LINE_COLOR, width=1, style=Qt.PenStyle.DashLine)
        self.vertical: dict[int, pg.InfiniteLine] = {}
        self.horizontal: dict[int, pg.InfiniteLine] = {}
        for view in self.views:
            for lines, angle in ((self.vertical, 90), (self.horizontal, 0)):
                line = pg.InfiniteLine(angle=angle, movable=False, pen=pen)
                line.setZValue(CROSSHAIR_Z)
                line.hide()
                view.plot.addItem(line, ignoreBounds=True)
                lines[id(view)] = line
            view.scene().sigMouseMoved.connect(
                lambda pos, v=view: self._on_mouse_moved(v, pos))
            view.viewport().installEventFilter(self)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        if not enabled:
            self.hide()

    def hide(self) -> None:
        for line in (*self.vertical.values(), *self.horizontal.values()):
            line.hide()

    def show_at(self, view: TimeView, t: float, y: float) -> None:
        """The vertical lines at ``t`` s, the horizontal one at ``y`` in ``view`` only."""
        for other in self.views:
            self.vertical[id(other)].setPos(t)
            self.vertical[id(other)].show()
            self.horizontal[id(other)].setVisible(other is view)
        self.horizontal[id(view)].setPos(y)

    def _on_mouse_moved(self, view: TimeView, scene_pos: QPointF) -> None:
        if not self.enabled:
            return
        box = view.viewbox
        if not box.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return
        point = box.mapSceneToView(scene_pos)
        self.show_at(view, float(point.x()), float(point.y()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.enabled and event.type() == QEvent.Type.Leave:
            self.hide()
        return False
