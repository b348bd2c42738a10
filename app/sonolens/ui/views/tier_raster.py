"""Many annotations of many tiers at once: one image per paint, a colour per tier.

Each pixel takes the fill of the last tier (in tier order) whose spans cover it; where
that tier changes (a span's edge) it takes the tier's line colour; instants are 1 px
columns in their tier's line colour, over the spans. Full-height spans are counted per
column (one bincount for all tiers) and drawn as one row stretched to the plot's height;
boxes (bands on the spectrogram) need a 2-D count, once per tier that has visible boxes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from sonolens.ui.views.spans_raster import MAX_SIDE, _cover_2d, _premultiplied


def luts(colors: list[QColor]) -> tuple[np.ndarray, np.ndarray]:
    """(k + 1,) uint32 premultiplied ARGB for tier index + 1 (0: nothing), of the
    ``colors`` (fills) and of the same colours opaque (lines)."""
    fills = [np.uint32(0)] + [_premultiplied(c) for c in colors]
    lines = [np.uint32(0)] + [_premultiplied(QColor(c.red(), c.green(), c.blue()))
                              for c in colors]
    return np.array(fills, dtype=np.uint32), np.array(lines, dtype=np.uint32)


def _top_columns(c0: np.ndarray, c1: np.ndarray, tier: np.ndarray, tiers: int,
                 width: int) -> np.ndarray:
    """(width,) int: the last tier covering each column [c0, c1), -1 where none."""
    top = np.full(width, -1, dtype=np.int64)
    if not len(c0):
        return top
    stride = width + 1
    size = tiers * stride
    diff = (np.bincount(tier * stride + c0, minlength=size)
            - np.bincount(tier * stride + c1, minlength=size))
    cover = np.cumsum(diff.reshape(tiers, stride), axis=1)[:, :width] > 0
    hit = cover.any(axis=0)
    top[hit] = tiers - 1 - np.argmax(cover[::-1, hit], axis=0)
    return top


def _edges(top: np.ndarray) -> np.ndarray:
    """Bool, shape of ``top`` (1-D or 2-D): covered pixels next to a different tier."""
    padded = np.pad(top, 1, mode="edge")
    if top.ndim == 1:
        differ = (padded[:-2] != top) | (padded[2:] != top)
    else:
        differ = ((padded[:-2, 1:-1] != top) | (padded[2:, 1:-1] != top)
                  | (padded[1:-1, :-2] != top) | (padded[1:-1, 2:] != top))
    return differ & (top >= 0)


def paint_tiers(p: QPainter, spans: np.ndarray, tier: np.ndarray, fills: np.ndarray,
                lines: np.ndarray, view: QRectF) -> bool:
    """Paint ``spans`` ((n, 4): x0, x1 s, y0, y1 plot units clamped to ``view``) of
    ``tier`` ((n,) int) with the :func:`luts`; False (nothing drawn) when the transform
    or the size does not allow it."""
    t = p.transform()
    if t.m12() or t.m21():
        return False
    vx = sorted((view.left() * t.m11() + t.dx(), view.right() * t.m11() + t.dx()))
    vy = sorted((view.top() * t.m22() + t.dy(), view.bottom() * t.m22() + t.dy()))
    ox, oy = int(np.floor(vx[0])), int(np.floor(vy[0]))
    width, height = int(np.ceil(vx[1])) - ox, int(np.ceil(vy[1])) - oy
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return False
    tiers = len(fills) - 1
    xa = spans[:, 0] * t.m11() + t.dx() - ox
    xb = spans[:, 1] * t.m11() + t.dx() - ox
    ya = spans[:, 2] * t.m22() + t.dy() - oy
    yb = spans[:, 3] * t.m22() + t.dy() - oy
    c0 = np.clip(np.floor(np.minimum(xa, xb)), 0, width - 1).astype(np.int64)
    c1 = np.maximum(np.clip(np.ceil(np.maximum(xa, xb)), 0, width).astype(np.int64), c0 + 1)
    r0 = np.clip(np.floor(np.minimum(ya, yb)), 0, height - 1).astype(np.int64)
    r1 = np.maximum(np.clip(np.ceil(np.maximum(ya, yb)), 0, height).astype(np.int64), r0 + 1)
    point = spans[:, 1] == spans[:, 0]
    full = ~point & (r0 == 0) & (r1 == height)
    box = ~point & ~full
    top = _top_columns(c0[full], c1[full], tier[full], tiers, width)
    if box.any():
        top = np.broadcast_to(top, (height, width)).copy()
        for k in np.unique(tier[box]):
            mine = box & (tier == k)
            cover = _cover_2d(r0[mine], r1[mine], c0[mine], c1[mine], height, width)
            top = np.maximum(top, np.where(cover, k, -1))
    image = fills[top + 1]
    edge = _edges(top)
    image[edge] = lines[top[edge] + 1]
    marks = _top_columns(c0[point], c0[point] + 1, tier[point], tiers, width)
    marked = marks >= 0
    if top.ndim == 1:
        image[marked] = lines[marks[marked] + 1]
    else:
        image[:, marked] = lines[marks[marked] + 1]
    image = np.ascontiguousarray(image.reshape(-1, width), dtype=np.uint32)
    qimage = QImage(image.data, width, len(image), 4 * width,
                    QImage.Format.Format_ARGB32_Premultiplied)
    p.save()
    p.resetTransform()
    p.drawImage(QRectF(ox, oy, width, height), qimage)  # one row: stretched to the height
    p.restore()
    return True
