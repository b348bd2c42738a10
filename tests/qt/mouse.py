"""Real mouse events for pyqtgraph views (QTest.mouseMove cannot hold a button in Qt 6)."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication


def view_point(view, t: float, y: float) -> QPoint:
    """Widget (viewport) pixel of data point (t, y) in a TimeView's plot."""
    scene = view.viewbox.mapViewToScene(QPointF(t, y))
    return view.mapFromScene(scene)


def data_point(view, t: float, y: float) -> QPointF:
    """The data point under the pixel :func:`view_point` picks for (t, y) (pixels round)."""
    return view.viewbox.mapSceneToView(view.mapToScene(view_point(view, t, y)))


def _send(view, kind: QEvent.Type, point: QPoint, button: Qt.MouseButton,
          buttons: Qt.MouseButton, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    viewport = view.viewport()
    local = QPointF(point)
    event = QMouseEvent(kind, local, QPointF(viewport.mapToGlobal(point)), button, buttons,
                        modifiers)
    QApplication.sendEvent(viewport, event)


MOVE_INTERVAL_S = 0.02  # pyqtgraph's GraphicsScene handles at most one move per 10 ms


def hover_at(view, point: QPoint, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A move without a button to viewport pixel ``point``, after a pause (rate limit)."""
    time.sleep(MOVE_INTERVAL_S)
    none = Qt.MouseButton.NoButton
    _send(view, QEvent.Type.MouseMove, point, none, none, modifiers)


def drag_points(view, start: QPoint, end: QPoint, modifiers=Qt.KeyboardModifier.NoModifier,
                steps: int = 6, *, release: bool = True) -> None:
    """Hover, press, ``steps`` moves (apart in time: pyqtgraph drops moves faster than its
    mouse rate limit), release (unless not): as a hand does, between viewport pixels."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    hover_at(view, start, modifiers)
    time.sleep(MOVE_INTERVAL_S)
    _send(view, QEvent.Type.MouseButtonPress, start, left, left, modifiers)
    for k in range(1, steps + 1):
        time.sleep(MOVE_INTERVAL_S)
        _send(view, QEvent.Type.MouseMove, start + (end - start) * (k / steps), none, left,
              modifiers)
    if release:
        _send(view, QEvent.Type.MouseButtonRelease, end, left, none, modifiers)


def drag(view, t0: float, t1: float, y: float, *, steps: int = 6,
         modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    left = Qt.MouseButton.LeftButton
    start, end = view_point(view, t0, y), view_point(view, t1, y)
    _send(view, QEvent.Type.MouseButtonPress, start, left, left, modifiers)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        _send(view, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, left, modifiers)
    _send(view, QEvent.Type.MouseButtonRelease, end, left, Qt.MouseButton.NoButton, modifiers)


def click(view, t: float, y: float) -> None:
    left = Qt.MouseButton.LeftButton
    point = view_point(view, t, y)
    _send(view, QEvent.Type.MouseButtonPress, point, left, left)
    _send(view, QEvent.Type.MouseButtonRelease, point, left, Qt.MouseButton.NoButton)


def hover(view, t: float, y: float) -> None:
    _send(view, QEvent.Type.MouseMove, view_point(view, t, y), Qt.MouseButton.NoButton,
          Qt.MouseButton.NoButton)


def wheel(view, t: float, y: float, *, dy: int = 0, dx: int = 0, pixel_dx: int = 0,
          modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A real QWheelEvent at data point (t, y) of a TimeView: ``dy``/``dx`` in angle units
    (120 = one notch; dy > 0 is wheel up, dx > 0 a tilt/swipe left), ``pixel_dx`` a
    trackpad's horizontal pixel delta (sent with the same angle delta, as Qt does)."""
    viewport = view.viewport()
    point = view_point(view, t, y)
    if pixel_dx and not dx:
        dx = pixel_dx  # trackpads report both (Qt derives the angle from the pixels)
    event = QWheelEvent(QPointF(point), QPointF(viewport.mapToGlobal(point)),
                        QPoint(pixel_dx, 0), QPoint(dx, dy), Qt.MouseButton.NoButton,
                        modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)
