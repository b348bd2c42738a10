"""The level meter widget: one horizontal bar per output channel on a -60..0 dBFS scale.

Each bar is a dark track; the RMS level fills it from the left in zone colours (green
below -18 dBFS, yellow up to -6, red above), the peak continues it in a pale colour, a
light tick marks the held peak, and a box at the right end of the track lights red once a
sample reached 0 dBFS (a click resets clip and hold). The numbers come from
:mod:`sonolens.audio.playback.levels`; this module only draws them.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from sonolens.audio.playback.levels import Reading

FLOOR_DB = -60.0
TRACK_WIDTH = 160  # px for 60 dB
BAR_HEIGHT = 6
BAR_GAP = 2
TOP = 2
LEFT = 2
CLIP_GAP, CLIP_WIDTH = 2, 6
TEXT_WIDTH = 40
LABELS = (-48, -36, -24, -12, 0)
TICKS = (-60, -48, -36, -24, -18, -12, -6, -3, 0)
ZONES = ((-18.0, QColor("#43a047")), (-6.0, QColor("#fdd835")), (0.0, QColor("#e53935")))
TRACK = QColor("#1e1e1e")
PEAK = QColor("#90a4ae")
HOLD = QColor("#fafafa")
CLIP_OFF, CLIP_ON = QColor("#3a3a3a"), QColor("#ff1744")


class LevelMeterWidget(QWidget):
    """Draws a :class:`~sonolens.audio.playback.levels.Reading` (``reading``; None: idle)."""

    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("level_meter")
        self.channels = 2
        self.reading: Reading | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._font = QFont(self.font())
        self._font.setPixelSize(8)
        self._number_font = QFont(self.font())
        self._number_font.setPixelSize(11)
        self.setToolTip("Output level per channel (dBFS): RMS bar, pale peak, held peak; "
                        "red box = reached 0 dBFS. Click to reset.")
        self._resize()

    def set_channels(self, channels: int) -> None:
        """One bar per output channel (1 or 2 in practice); clears the reading."""
        channels = max(1, int(channels))
        self.reading = None
        if channels != self.channels:
            self.channels = channels
            self._resize()
        self.update()

    def show_reading(self, reading: Reading | None) -> None:
        self.reading = reading
        self.update()

    # -- geometry (pixels, also read by the window's screenshots) ------------------------
    def bar_rect(self, channel: int) -> QRect:
        """The track of ``channel``'s bar: x from -60 to 0 dBFS."""
        return QRect(LEFT, TOP + channel * (BAR_HEIGHT + BAR_GAP), TRACK_WIDTH, BAR_HEIGHT)

    def _x(self, db: float) -> int:
        if not math.isfinite(db) or db <= FLOOR_DB:
            return LEFT
        return LEFT + round((min(db, 0.0) - FLOOR_DB) / -FLOOR_DB * TRACK_WIDTH)

    def _scale_top(self) -> int:
        return TOP + self.channels * (BAR_HEIGHT + BAR_GAP)

    def _resize(self) -> None:
        self.setFixedSize(LEFT + TRACK_WIDTH + CLIP_GAP + CLIP_WIDTH + TEXT_WIDTH,
                          self._scale_top() + 3 + 11)

    def sizeHint(self) -> QSize:
        return self.size()

    # -- drawing ---------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            for channel in range(self.channels):
                self._draw_bar(painter, channel)
            self._draw_scale(painter)
        finally:
            painter.end()

    def _draw_bar(self, painter: QPainter, channel: int) -> None:
        track = self.bar_rect(channel)
        painter.fillRect(track, TRACK)
        clip = QRect(track.right() + 1 + CLIP_GAP, track.top(), CLIP_WIDTH, BAR_HEIGHT)
        reading = self.reading
        lit = reading is not None and channel < len(reading.peak)
        painter.fillRect(clip, CLIP_ON if lit and bool(reading.clipped[channel]) else CLIP_OFF)
        if not lit:
            return
        x_rms = self._x(float(reading.rms[channel]))
        x_peak = max(self._x(float(reading.peak[channel])), x_rms)
        start = LEFT
        for top_db, colour in ZONES:  # the RMS bar, coloured by zone
            end = min(x_rms, self._x(top_db))
            if end > start:
                painter.fillRect(QRect(start, track.top(), end - start, BAR_HEIGHT), colour)
            start = max(start, end)
        if x_peak > x_rms:
            painter.fillRect(QRect(x_rms, track.top(), x_peak - x_rms, BAR_HEIGHT), PEAK)
        x_hold = self._x(float(reading.hold[channel]))
        if x_hold > LEFT:  # the 2-px mark ends at the held level
            painter.fillRect(QRect(max(LEFT, x_hold - 2), track.top(), min(2, x_hold - LEFT),
                                   BAR_HEIGHT), HOLD)

    def _draw_scale(self, painter: QPainter) -> None:
        top = self._scale_top()
        painter.setPen(self.palette().windowText().color())
        for db in TICKS:
            x = min(self._x(db), LEFT + TRACK_WIDTH - 1)
            painter.drawLine(x, top, x, top + 1)
        painter.setFont(self._font)
        for db in LABELS:
            x = self._x(db)
            rect = QRect(x - 12, top + 3, 24, 10)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             str(db))
        text = "" if self.reading is None else _db_text(float(np.max(self.reading.hold)))
        rect = QRect(LEFT + TRACK_WIDTH + CLIP_GAP + CLIP_WIDTH + 2, 0, TEXT_WIDTH - 2,
                     max(self._scale_top(), 14))
        painter.setFont(self._number_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.reset_requested.emit()
        super().mousePressEvent(event)


def _db_text(db: float) -> str:
    """The held peak as the meter prints it: one decimal, '-inf' below the scale."""
    return f"{db:.1f}" if math.isfinite(db) and db > FLOOR_DB else "-inf"
