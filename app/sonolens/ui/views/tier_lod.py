"""Zoomed-out annotations without looking at each one: per fine time bin, the last tier
whose full-height spans cover it and the last tier with an instant in it, computed once
per annotation set. A paint that shows many bins per pixel column takes each column's
maximum over its bins (``np.maximum.reduceat``): the cost follows the bins in view, not
the annotations (100 000 over the whole view in about a millisecond)."""

from __future__ import annotations

import numpy as np

BINS = 1 << 16  # over the annotations' time extent
MIN_BINS_PER_PX = 4  # coarser than this the bins are used (quantisation < 1/4 px)


class TierBins:
    """``start``/``end`` (n,) s of the full-height spans and instants (``point``) of
    ``tier`` ((n,) int)."""

    def __init__(self, start: np.ndarray, end: np.ndarray, point: np.ndarray,
                 tier: np.ndarray) -> None:
        self.t0 = float(start.min()) if len(start) else 0.0
        t1 = float(end.max()) if len(end) else 1.0
        self.dt = max(t1 - self.t0, 1e-9) / (BINS - 1)
        b0 = np.clip(((start - self.t0) / self.dt).astype(np.int64), 0, BINS - 1)
        b1 = np.clip(np.ceil((end - self.t0) / self.dt).astype(np.int64), 0, BINS)
        b1 = np.maximum(b1, b0 + 1)
        self.spans = np.full(BINS, -1, dtype=np.int16)
        span = ~point
        for k in np.unique(tier[span]):  # ascending: the last tier wins
            mine = span & (tier == k)
            diff = (np.bincount(b0[mine], minlength=BINS + 1)
                    - np.bincount(b1[mine], minlength=BINS + 1))
            self.spans[np.cumsum(diff)[:BINS] > 0] = k
        self.points = np.full(BINS, -1, dtype=np.int16)
        np.maximum.at(self.points, b0[point], tier[point].astype(np.int16))

    def columns(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """For columns between ``edges`` ((w + 1,) s, increasing): the last span tier and
        point tier in each (w,) int, -1: none; None when a column holds too few bins."""
        if len(edges) < 2 or (edges[1] - edges[0]) / self.dt < MIN_BINS_PER_PX:
            return None
        at = np.floor((edges - self.t0) / self.dt).astype(np.int64)
        inside = (at[1:] > 0) & (at[:-1] < BINS)  # columns reaching the binned extent
        bounds = np.clip(at, 0, BINS - 1)  # column k: bins [bounds[k], bounds[k + 1])
        spans = np.maximum.reduceat(self.spans, bounds)[:-1].astype(np.int64)
        points = np.maximum.reduceat(self.points, bounds)[:-1].astype(np.int64)
        spans[~inside] = -1
        points[~inside] = -1
        return spans, points
