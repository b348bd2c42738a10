"""Many annotations of many tiers at once: one image per paint, a colour per tier.

Each pixel takes the fill of the last tier (in tier order) whose spans cover it; where
that tier changes (a span's edge) it takes the tier's line colour; instants are 1 px
columns in their tier's line colour, over the spans. Zoomed out, where edges and instants
would cover most columns, they are left out or drawn translucent: the data stay visible.
Full-height spans are counted per column (one bincount for all tiers) and drawn as one row
stretched to the plot's height; boxes (bands on the spectrogram) need a 2-D count, once
per tier that has visible boxes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from sonolens.ui.views.spans_raster import _cover_2d, _premultiplied, device_box
from sonolens.ui.views.tier_lod import TierBins

MIN_RUN = 3  # px: a narrower span (or gap) gets no edge lines, only its fill
PX_PER_SLICE = 200  # boxes of a tier written one slice each while fewer than the band's
# pixels / this (a 2-D count costs about the band's size, a slice about a box's)
DENSE_SHARE = 0.25  # of the columns (pixels): beyond, instants and box edges are translucent


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


def _runs(top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of equal values of ``top`` ((w,)), ends exclusive."""
    change = np.flatnonzero(top[1:] != top[:-1]) + 1
    return np.concatenate([[0], change]), np.concatenate([change, [len(top)]])


def _edges(top: np.ndarray) -> np.ndarray:
    """Bool, shape of ``top`` (1-D or 2-D): covered pixels next to a different tier."""
    padded = np.pad(top, 1, mode="edge")
    if top.ndim == 1:
        differ = (padded[:-2] != top) | (padded[2:] != top)
    else:
        differ = ((padded[:-2, 1:-1] != top) | (padded[2:, 1:-1] != top)
                  | (padded[1:-1, :-2] != top) | (padded[1:-1, 2:] != top))
    return differ & (top >= 0)


def paint_tiers(p: QPainter, x0: np.ndarray, x1: np.ndarray, point: np.ndarray,
                tier: np.ndarray, boxes: tuple[np.ndarray, np.ndarray, np.ndarray],
                fills: np.ndarray, lines: np.ndarray, view: QRectF, scale: float = 1.0,
                bins: TierBins | None = None) -> bool:
    """Paint the annotations [``x0``, ``x1``] s ((n,) each; ``point``: instants) of
    ``tier`` ((n,) int) with the :func:`luts`: full height, except ``boxes`` (indices into
    the n, y0, y1 plot units clamped to ``view``), at ``scale`` image px per device px
    (0.5 during a pan/zoom gesture: a quarter of the pixels, stretched); False (nothing
    drawn) when the transform or the size does not allow it. ``bins``: the full-height
    spans and instants binned (tier_lod), used instead of them when zoomed out enough."""
    box = device_box(p, view)
    if box is None:
        return False
    t, ox, oy, width, height = box
    cols, rows = max(1, int(np.ceil(width * scale))), max(1, int(np.ceil(height * scale)))
    sx, sy = cols / width, rows / height
    a, b = t.m11() * sx, (t.dx() - ox) * sx
    index, y0, y1 = boxes
    if bins is not None:  # only the boxes are looked at one by one
        x0, x1, point, tier = x0[index], x1[index], point[index], tier[index]
        index = np.arange(len(index))
    c0 = np.clip((x0 * a + b).astype(np.int64), 0, cols - 1)  # floor: all >= 0 once clipped
    c1 = np.maximum(np.clip(np.ceil(x1 * a + b).astype(np.int64), 0, cols), c0 + 1)
    ya, yb = (y0 * t.m22() + t.dy() - oy) * sy, (y1 * t.m22() + t.dy() - oy) * sy
    r0 = np.clip(np.floor(np.minimum(ya, yb)), 0, rows - 1).astype(np.int64)
    r1 = np.maximum(np.clip(np.ceil(np.maximum(ya, yb)), 0, rows).astype(np.int64), r0 + 1)
    edges = (ox + np.arange(cols + 1) / sx - t.dx()) / t.m11()  # column edges, s
    binned = bins.columns(edges) if bins is not None else None
    image = _image(c0, c1, point, tier, (index, r0, r1), fills, lines, cols, rows, binned)
    qimage = QImage(image.data, cols, len(image), 4 * cols,
                    QImage.Format.Format_ARGB32_Premultiplied)
    p.save()
    p.resetTransform()
    p.drawImage(QRectF(ox, oy, width, height), qimage)  # stretched (one row: to the height)
    p.restore()
    return True


def _image(c0: np.ndarray, c1: np.ndarray, point: np.ndarray, tier: np.ndarray,
           boxes: tuple[np.ndarray, np.ndarray, np.ndarray], fills: np.ndarray,
           lines: np.ndarray, width: int, height: int,
           binned: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """(1 or height, width) uint32: columns [c0, c1) full height, ``boxes`` (indices,
    rows [r0, r1)) within their rows, instants (``point``) one column; ``binned``: the
    last span tier and point tier per column, for all but the boxes."""
    tiers = len(fills) - 1
    index, r0, r1 = boxes
    if binned is not None:
        top, marks = binned
    else:
        full = ~point
        full[index] = False
        top = _top_columns(c0[full], c1[full], tier[full], tiers, width)
        marks = _top_columns(c0[point], c0[point] + 1, tier[point], tiers, width)
    row = fills[top + 1]
    starts, ends = _runs(top)  # edge lines only on spans >= MIN_RUN px wide: never a
    wide = (ends - starts >= MIN_RUN) & (top[starts] >= 0)  # wall of lines over the data
    for at in (starts[wide], ends[wide] - 1):
        row[at] = lines[top[at] + 1]
    marked = marks >= 0
    mark_lut = lines if marked.mean() <= DENSE_SHARE else fills  # dense: translucent
    row[marked] = mark_lut[marks[marked] + 1]
    if not len(index):
        return row.reshape(1, width)
    image = np.empty((height, width), dtype=np.uint32)
    image[:] = row
    ra, rb = int(r0.min()), int(r1.max())  # only the rows the boxes reach
    band = np.broadcast_to(top.astype(np.int16), (rb - ra, width)).copy()
    bc0, bc1, btier = c0[index], c1[index], tier[index]
    for k in np.unique(btier):
        mine = btier == k
        if np.count_nonzero(mine) <= band.size // PX_PER_SLICE:  # a slice each: cheaper
            tier_k = np.int16(k)
            for a, b, c, d in zip((r0[mine] - ra).tolist(), (r1[mine] - ra).tolist(),
                                  bc0[mine].tolist(), bc1[mine].tolist(), strict=True):
                box = band[a:b, c:d]
                np.maximum(box, tier_k, out=box)
            continue
        cover = _cover_2d(r0[mine] - ra, r1[mine] - ra, bc0[mine], bc1[mine], rb - ra, width)
        np.maximum(band, np.int16(k), out=band, where=cover)
    part = fills[band + 1]
    edge = _edges(band)
    if edge.mean() <= DENSE_SHARE:  # else so many edges they would hide the data
        part[edge] = lines[band[edge] + 1]
    part[:, marked] = mark_lut[marks[marked] + 1]
    image[ra:rb] = part
    return image
