"""Many spans at once: rasterised in device pixels with numpy, one image per paint.

When thousands of spans are visible, one drawRect per span costs more than a frame. Here
every span becomes a pixel box on the view's device grid; the boxes are counted with a
2-D difference array (bincount + cumsum, no Python loop), and the union is filled with the
brush colour, its outline and the instants (1 px columns) with the pen colour. Overlaps
are not darker (a union, not a stack): at this density that reads better anyway.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

MAX_SIDE = 8192  # device px: a bigger view is drawn exactly instead


def _premultiplied(color: QColor) -> np.uint32:
    a = color.alpha()
    r, g, b = (round(c * a / 255) for c in (color.red(), color.green(), color.blue()))
    return np.uint32((a << 24) | (r << 16) | (g << 8) | b)


def _cover(r0, r1, c0, c1, height: int, width: int) -> np.ndarray:
    """(height, width) bool: the union of the boxes [r0, r1) x [c0, c1)."""
    full = (r0 == 0) & (r1 == height)  # the whole height: one row of columns will do
    columns = np.bincount(c0[full], minlength=width + 1) - np.bincount(c1[full],
                                                                      minlength=width + 1)
    cover = np.broadcast_to(np.cumsum(columns)[:width] > 0, (height, width))
    if full.all():
        return cover
    return cover | _cover_2d(r0[~full], r1[~full], c0[~full], c1[~full], height, width)


def _cover_2d(r0, r1, c0, c1, height: int, width: int) -> np.ndarray:
    """(height, width) bool: the union of the boxes, by a 2-D difference array."""
    stride = width + 1
    index = np.concatenate([r0 * stride + c0, r0 * stride + c1, r1 * stride + c0,
                            r1 * stride + c1])
    n, size = len(r0), (height + 1) * stride
    diff = (np.bincount(index[np.r_[0:n, 3 * n:4 * n]], minlength=size)
            - np.bincount(index[n:3 * n], minlength=size)).astype(np.int32)
    counts = diff.reshape(height + 1, stride).cumsum(axis=0, dtype=np.int32).cumsum(
        axis=1, dtype=np.int32)
    return counts[:height, :width] > 0


def device_box(p: QPainter, view: QRectF) -> tuple[QTransform, int, int, int, int] | None:
    """The painter's item -> device transform and the view's rectangle in whole device
    pixels (left, top, width, height); None when the transform rotates or mirrors time, or
    the image would be empty or larger than MAX_SIDE."""
    t = p.transform()
    if t.m12() or t.m21() or t.m11() <= 0:
        return None
    vx = sorted((view.left() * t.m11() + t.dx(), view.right() * t.m11() + t.dx()))
    vy = sorted((view.top() * t.m22() + t.dy(), view.bottom() * t.m22() + t.dy()))
    ox, oy = int(np.floor(vx[0])), int(np.floor(vy[0]))
    width, height = int(np.ceil(vx[1])) - ox, int(np.ceil(vy[1])) - oy
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    return t, ox, oy, width, height


def paint_raster(p: QPainter, spans: np.ndarray, view: QRectF, fill: QColor, pen: QColor,
                 edges: bool) -> bool:
    """Paint ``spans`` ((n, 4): x0, x1 s, y0, y1 plot units clamped to ``view``) as one
    image; False (nothing drawn) when the transform or the size does not allow it."""
    box = device_box(p, view)
    if box is None:
        return False
    t, ox, oy, width, height = box
    xa = spans[:, 0] * t.m11() + t.dx() - ox
    xb = spans[:, 1] * t.m11() + t.dx() - ox
    ya = spans[:, 2] * t.m22() + t.dy() - oy
    yb = spans[:, 3] * t.m22() + t.dy() - oy
    point = spans[:, 1] == spans[:, 0]
    c0 = np.clip(np.floor(np.minimum(xa, xb)), 0, width - 1).astype(np.int64)
    c1 = np.clip(np.ceil(np.maximum(xa, xb)), 0, width).astype(np.int64)
    c1 = np.maximum(c1, c0 + 1)
    r0 = np.clip(np.floor(np.minimum(ya, yb)), 0, height - 1).astype(np.int64)
    r1 = np.maximum(np.clip(np.ceil(np.maximum(ya, yb)), 0, height).astype(np.int64), r0 + 1)
    image = np.zeros((height, width), dtype=np.uint32)
    wide = ~point
    if wide.any() and fill.alpha():
        cover = _cover(r0[wide], r1[wide], c0[wide], c1[wide], height, width)
        image[cover] = _premultiplied(fill)
        if edges:
            padded = np.pad(cover, 1, mode="edge")
            inner = (padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2]
                     & padded[1:-1, 2:])
            image[cover & ~inner] = _premultiplied(pen)
    if point.any():
        lines = _cover(r0[point], r1[point], c0[point], c0[point] + 1, height, width)
        image[lines] = _premultiplied(pen)
    qimage = QImage(image.data, width, height, 4 * width,
                    QImage.Format.Format_ARGB32_Premultiplied)
    p.save()
    p.resetTransform()
    p.drawImage(ox, oy, qimage)
    p.restore()
    return True
