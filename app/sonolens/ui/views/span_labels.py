"""Label text of spans and instants, drawn in device pixels (the same size at any zoom).

A span's label sits near its top, from its start, and may run on past its end up to the
next span's start (POINT_PX at most), elided with … when that room is too small; an
instant's label sits right of its line, up to the next instant, one line lower (clear of
the spans' labels). The text is in the layer's colour on a small translucent dark strip
(readable over magma and over white, the data still showing through). A label that would
overlap one placed before it moves one line down,
or is left out: labels never pile up. Only the spans handed in (the visible ones) are
looked at, and at most MAX_LABELS are drawn per paint. Each text is laid out once (a
QStaticText with its width, kept for the next paints: panning draws the same labels).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QStaticText

FONT_PX = 11
PAD_PX = 2  # between the span's edge and the text
POINT_PX = 160  # widest label of an instant, device px
MAX_LABELS = 120  # per paint: beyond that the labels would only overlap
LINES = 2  # text lines a label may move down to, clear of the labels placed before it
BACKING = QColor(0, 0, 0, 200)  # under the text: readable over white and over magma
_LAID_OUT = 4096  # texts kept laid out (least recently used dropped)
_layouts: OrderedDict[tuple[str, str], tuple[QStaticText, int]] = OrderedDict()


def label_font() -> QFont:
    font = QFont()
    font.setPixelSize(FONT_PX)
    return font


def paint_labels(p: QPainter, spans: np.ndarray, labels: np.ndarray,
                 color: QColor | Sequence[QColor], view_right: float) -> None:
    """Draw ``labels`` ((n,) str) of ``spans`` ((n, 4): x0, x1 s and y0, y1 plot units,
    already clamped to the view, whose right edge is ``view_right`` s; sorted by x0) in
    ``color`` (one, or (n,) one per label) with the painter's item -> device transform.

    A label goes on the first of :data:`LINES` text lines (an instant's: from the second)
    where its box overlaps no label placed before it in this paint, else it is skipped."""
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
    # an instant's room: right of its line up to the next instant (or POINT_PX); a
    # narrow span's label may run on past its end up to where the next span starts
    following = np.full(len(left), np.inf)
    for kind in (point, ~point):
        at = np.flatnonzero(kind)
        following[at[:-1]] = left[at[1:]]
    reach = np.minimum(left + POINT_PX, following - PAD_PX)
    room_right = np.where(point, reach, np.maximum(right, reach))
    room_right = np.minimum(room_right, view_right * t.m11() + t.dx())  # not past the plot
    room_left = np.where(point, left + PAD_PX + 1, left + PAD_PX)
    room = room_right - room_left - PAD_PX
    font = label_font()
    metrics = QFontMetrics(font)
    height = metrics.height()
    ellipsis = metrics.horizontalAdvance("…") + 1
    drawable = np.flatnonzero((room >= ellipsis) & (bottom - top >= height))
    if not len(drawable):
        return
    colors = [QColor(color)] * len(spans) if isinstance(color, QColor) else color
    placed: list[tuple[float, float, float, float]] = []  # x0, x1, y0, y1 device px
    font_key = font.key()
    p.save()
    p.resetTransform()
    p.setFont(font)
    for k in drawable[:4 * MAX_LABELS]:
        if len(placed) >= MAX_LABELS:
            break
        if not labels[k]:
            continue
        label = str(labels[k])
        static, advance = _laid_out(font, font_key, metrics, label)
        if advance > int(room[k]):  # too long for its room: elided
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(room[k]))
            if not text or text == "…":
                continue
            static, advance = _laid_out(font, font_key, metrics, text)
        x0 = float(room_left[k])
        x1 = x0 + advance + 2
        y = _free_line(placed, x0, x1, float(top[k]) + 1, float(bottom[k]), height,
                       1 if point[k] else 0)
        if y is None:
            continue
        placed.append((x0, x1, y, y + height))
        box = QRectF(x0, y, x1 - x0, height)
        clip_left = room_left[k] if point[k] else left[k]  # clipped to its room
        p.setClipRect(QRectF(clip_left, top[k], room_right[k] - clip_left, bottom[k] - top[k]))
        p.fillRect(box, BACKING)
        p.setPen(QPen(colors[k]))
        p.drawStaticText(QPointF(x0 + 1, y), static)  # the box's height is one text line
    p.restore()


def _laid_out(font: QFont, font_key: str, metrics: QFontMetrics, text: str
              ) -> tuple[QStaticText, int]:
    """``text`` laid out in ``font`` (whose ``key()`` is ``font_key``: slow to ask for
    each label) once (cached), and its advance width (px)."""
    key = (font_key, text)
    found = _layouts.get(key)
    if found is None:
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(font=font)
        found = _layouts[key] = (static, metrics.horizontalAdvance(text))
        if len(_layouts) > _LAID_OUT:
            _layouts.popitem(last=False)
    else:
        _layouts.move_to_end(key)
    return found


def _free_line(placed: list[tuple[float, float, float, float]], x0: float, x1: float,
               y: float, bottom: float, height: int, first: int) -> float | None:
    """The top (device px) of the first text line from ``first`` whose box [x0, x1] x
    [top, top + height] lies above ``bottom`` and overlaps nothing ``placed``; or None."""
    for line in range(first, first + LINES):
        top = y + line * (height + 1)
        if top + height > bottom:
            return None
        if not any(a < x1 and x0 < b and c < top + height and top < d
                   for a, b, c, d in placed):
            return top
    return None
