"""A small splash while the window is built (~1 CPU-s of imports and widgets): something is
on screen ~0.3 s after launch, naming the file being opened, and it goes when the window
shows. Built from QtWidgets alone, before numpy, pyqtgraph or the views are imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

WIDTH, HEIGHT = 440, 150


class Splash(QLabel):
    """The splash window: the picture, no frame, above the others, gone with the window."""

    def __init__(self, pixmap: QPixmap) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.setPixmap(pixmap)
        self.setFixedSize(pixmap.deviceIndependentSize().toSize())
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.move(screen.availableGeometry().center() - self.rect().center())

    def finish(self, window: QWidget) -> None:
        """Close once ``window`` is on screen (now, if it is)."""
        handle = window.windowHandle()
        if handle is None or handle.isExposed():
            self.close()
            return
        QTimer.singleShot(50, lambda: self.finish(window))


def show_splash(path: str | None) -> Splash:
    """Show and paint the splash now (call ``finish(window)`` on it once the window shows)."""
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if (
        QGuiApplication.primaryScreen() is not None) else 1.0
    pixmap = QPixmap(round(WIDTH * ratio), round(HEIGHT * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor("#1f2430"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw_mark(painter)
    title = QFont()
    title.setPointSize(20)
    title.setBold(True)
    painter.setFont(title)
    painter.setPen(QColor("#f0f0f0"))
    painter.drawText(QRectF(120, 30, WIDTH - 140, 40), Qt.AlignmentFlag.AlignLeft, "Sonolens")
    body = QFont()
    body.setPointSize(10)
    painter.setFont(body)
    painter.setPen(QColor("#b8c0cc"))
    line = f"Opening {Path(path).name}…" if path else "Starting…"
    metrics = painter.fontMetrics()
    painter.drawText(QRectF(120, 80, WIDTH - 140, 24), Qt.AlignmentFlag.AlignLeft,
                     metrics.elidedText(line, Qt.TextElideMode.ElideMiddle, WIDTH - 140))
    painter.end()
    # a frameless label, not QSplashScreen: its show() waits up to 1 s for an expose
    # event (measured under Xvfb: 1.0 s of the 1.2 s before anything was on screen)
    splash = Splash(pixmap)
    splash.show()
    # the window system maps it asynchronously: wait (briefly) until it is exposed, then
    # paint, so it is on screen before the long imports that follow block the event loop
    timer = QElapsedTimer()
    timer.start()
    handle = splash.windowHandle()
    while handle is not None and not handle.isExposed() and timer.elapsed() < 300:
        QGuiApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    splash.repaint()
    QGuiApplication.processEvents()
    return splash


def _draw_mark(painter: QPainter) -> None:
    """A few spectrogram-like bars: the app's look without loading its icon's SVG."""
    colours = ("#3b0f70", "#8c2981", "#de4968", "#fe9f6d", "#fcfdbf")
    heights = (30, 54, 76, 58, 40, 66, 84, 48)
    for i, h in enumerate(heights):
        painter.fillRect(QRectF(28 + i * 10, 112 - h, 8, h), QColor(colours[i % len(colours)]))
