"""Label text of spans and instants, drawn in device pixels (the same size at any zoom).

A span's label sits inside it, near its top, clipped to it and elided with … when the
span is narrower than the text; an instant's label sits right of its line, up to the next
instant, one line lower (clear of the spans' labels). The text is in the layer's colour
on a small translucent dark strip (readable over magma and over white, the data still
showing through). Only the spans handed in (the visible ones) are looked at, and at
most MAX_LABELS are drawn per paint.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen

FONT_PX = 11
PAD_PX = 2  # between the span's edge and the text
POINT_PX = 160  # widest label of an instant, device px
MAX_LABELS = 120  # per paint: beyond that the labels would only overlap
BACKING = QColor(0, 0, 0, 120)


def label_font() -> QFont:
    font = QFont()
    font.setPixelSize(FONT_PX)
    return font


def paint_labels(p: QPainter, spans: np.ndarray, labels: np.ndarray, color: QColor,
                 view_right: float) -> None:
    """Draw ``labels`` ((n,) str) of ``spans`` ((n, 4): x0, x1 s and y0, y1 plot units,
    already clamped to the view, whose right edge is ``view_right`` s) with the painter's
    current item -> device transform."""
    if not len(spans):
        return
    t = p.transform()
    if t.m12() or t.m21():  # rotated: not a time view
        return
    xa = spans[:, 0] * t.m11() + t.dx()
    xb = spans[:, 1] * t.m11() + t.dx()
    ya = spans[:, 2] * t.m22() + t.dy()
    yb = spans[:, 3] * t.m22() + t.dy()
    left, right = np.minimum(xa, xb), np.maximum(xa, xb)
    top, bottom = np.minimum(ya, yb), np.maximum(ya, yb)
    point = spans[:, 1] == spans[:, 0]
    # an instant's room: right of its line up to the next instant (or POINT_PX)
    following = np.append(left[1:], np.inf)
    room_right = np.where(point, np.minimum(left + POINT_PX, following - PAD_PX), right)
    room_right = np.minimum(room_right, view_right * t.m11() + t.dx())  # not past the plot
    room_left = np.where(point, left + PAD_PX + 1, left + PAD_PX)
    room = room_right - room_left - PAD_PX
    font = label_font()
    metrics = QFontMetrics(font)
    height = metrics.height()
    ellipsis = metrics.horizontalAdvance("…") + 1
    drawable = np.flatnonzero((room >= ellipsis) & (bottom - top >= height))[:MAX_LABELS]
    if not len(drawable):
        return
    p.save()
    p.resetTransform()
    p.setFont(font)
    pen = QPen(color)
    for k in drawable:
        if not labels[k]:
            continue
        text = metrics.elidedText(str(labels[k]), Qt.TextElideMode.ElideRight, int(room[k]))
        if not text or text == "…":
            continue
        width = metrics.horizontalAdvance(text)
        below = height + 1 if point[k] else 0  # instants' labels under the spans' row
        box = QRectF(room_left[k], top[k] + 1 + below, width + 2, height)
        clip = QRectF(left[k] if not point[k] else room_left[k], top[k],
                      room_right[k] - (left[k] if not point[k] else room_left[k]),
                      bottom[k] - top[k])
        p.setClipRect(clip)
        p.fillRect(box, BACKING)
        p.setPen(pen)
        p.drawText(box.adjusted(1, 0, 0, 0), Qt.AlignmentFlag.AlignLeft
                   | Qt.AlignmentFlag.AlignVCenter, text)
    p.restore()
