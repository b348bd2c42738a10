"""The selected annotation (or the box being dragged out) drawn over a time view: an
outline and a square handle on each edge that can be dragged; and the item that lets
annotation edits see the mouse before the time selection does."""

from __future__ import annotations

from typing import Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

HIGHLIGHT_COLOR = "#00ffff"  # cyan: apart from the tier colours, magma and the waveform
OUTLINE_PX = 2
HANDLE_PX = 9  # side of an edge's square handle
Z_VALUE = 35  # over the annotations, the selection (20) and the playhead (30)
CATCHER_Z = 1e6  # a child of the view box, above its contents (the data items)


class MouseHook(Protocol):
    """Sees a view's left drags, clicks and hovers first; True: taken (accepted)."""

    def drag_event(self, viewbox: pg.ViewBox, ev: Any) -> bool: ...

    def click_event(self, viewbox: pg.ViewBox, ev: Any) -> bool: ...

    def hover_event(self, viewbox: pg.ViewBox, ev: Any) -> bool:
        """True: a press here is the hook's (over an annotation, or Ctrl held)."""
        ...


class AnnotationHighlight(pg.GraphicsObject):
    """Draws ``extent`` = (t0, t1, y0, y1) in data coordinates of ``viewbox`` (seconds;
    y in the view's axis units, None: the view's full height), or nothing (None)."""

    def __init__(self, viewbox: pg.ViewBox) -> None:
        super().__init__()
        self._viewbox = viewbox
        self.extent: tuple[float, float, float | None, float | None] | None = None
        self.setZValue(Z_VALUE)
        viewbox.addItem(self, ignoreBounds=True)
        viewbox.sigRangeChanged.connect(self._on_viewbox_range_changed)

    def set_extent(self, extent: tuple[float, float, float | None, float | None] | None
                   ) -> None:
        self.prepareGeometryChange()
        self.extent = extent
        self.setVisible(extent is not None)
        self.update()

    def _on_viewbox_range_changed(self, *_args: object) -> None:
        if self.extent is not None:
            self.prepareGeometryChange()  # full-height extents and handle padding change

    def rect(self) -> QRectF:
        """The extent in data coordinates (empty when there is none)."""
        if self.extent is None:
            return QRectF()
        t0, t1, y0, y1 = self.extent
        _, (v0, v1) = self._viewbox.viewRange()
        y0 = v0 if y0 is None else y0
        y1 = v1 if y1 is None else y1
        return QRectF(QPointF(t0, y0), QPointF(t1, y1)).normalized()

    def boundingRect(self) -> QRectF:
        rect = self.rect()
        if rect.isNull() and self.extent is None:
            return QRectF()
        px, py = self._viewbox.viewPixelSize()
        pad_x, pad_y = HANDLE_PX * px, HANDLE_PX * abs(py)
        return rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def paint(self, painter: QPainter, *_args: object) -> None:
        if self.extent is None:
            return
        rect = self.rect()
        color = QColor(HIGHLIGHT_COLOR)
        pen = QPen(color, OUTLINE_PX)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        mid_y = rect.center().y()
        handles = [QPointF(rect.left(), mid_y), QPointF(rect.right(), mid_y)]
        if self.extent[2] is not None:  # a band: its low and high edges have handles too
            handles += [QPointF(rect.center().x(), rect.top()),
                        QPointF(rect.center().x(), rect.bottom())]
        device = painter.transform()
        painter.save()
        painter.resetTransform()
        half = HANDLE_PX / 2
        for point in handles:
            at = device.map(point)
            painter.fillRect(QRectF(at.x() - half, at.y() - half, HANDLE_PX, HANDLE_PX), color)
        painter.restore()


class MouseCatcher(pg.GraphicsObject):
    """A transparent item over the whole plot area of ``viewbox`` (above the selection
    region) that offers left drags, clicks and hovers to ``hook`` first: what the hook
    does not take goes on to the items below (the selection's region, the view box).

    pyqtgraph gives a press to the item that claimed it while hovering: the catcher
    claims presses the hook wants (so the selection's region cannot take them), and hands
    what it claimed but the hook then declined (Shift+drag: pan) to the view box.
    """

    def __init__(self, viewbox: pg.ViewBox, hook: MouseHook) -> None:
        super().__init__(viewbox)
        self._viewbox = viewbox
        self._hook = hook
        self._claimed = False  # the last hover claimed the next press
        self.setZValue(CATCHER_Z)
        viewbox.sigResized.connect(self._on_viewbox_resized)

    def _on_viewbox_resized(self, *_args: object) -> None:
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:
        return self._viewbox.rect()

    def paint(self, painter: QPainter, *_args: object) -> None:
        pass

    def mouseDragEvent(self, ev) -> None:
        if self._hook.drag_event(self._viewbox, ev):
            return
        if self._claimed:
            self._viewbox.mouseDragEvent(ev)
        else:
            ev.ignore()

    def mouseClickEvent(self, ev) -> None:
        if self._hook.click_event(self._viewbox, ev):
            return
        if self._claimed:
            self._viewbox.mouseClickEvent(ev)
        else:
            ev.ignore()

    def hoverEvent(self, ev) -> None:
        wants = self._hook.hover_event(self._viewbox, ev)
        if ev.isExit() or ev.acceptable:  # a move without buttons: the next press's owner
            self._claimed = bool(wants) and not ev.isExit()
            if self._claimed:
                ev.acceptDrags(Qt.MouseButton.LeftButton)
                ev.acceptClicks(Qt.MouseButton.LeftButton)
