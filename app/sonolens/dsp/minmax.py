"""Min/max pyramid of a per-frame curve, for drawing any time range in O(pixels).

Level 0 is the curve itself; level L holds, for each run of FANOUT**L frames (aligned to
multiples of it), the smallest and largest value (NaN ignored unless the whole run is NaN);
prefix sums give each bin's mean. The views draw a bin's mean as a line over its min..max
(ui.views.value_curve), without walking every visible frame on each redraw.
"""

from __future__ import annotations

import math

import numpy as np

from sonolens.dsp.pooling import pool_rows

FANOUT = 8


class MinMaxPyramid:
    """Levels over ``values`` float (n,) (kept, not copied: level 0)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []
        lo = hi = values
        while len(lo) > FANOUT:
            lo, hi = _pool(lo, np.fmin), _pool(hi, np.fmax)
            self.levels.append((lo, hi))
        # prefix sums (float64, n + 1) of the finite values and, if any is not, of the
        # finite count: the mean of any run of frames in O(1)
        finite = np.isfinite(values)
        all_finite = bool(finite.all())
        self._sums = np.concatenate(([0.0], np.cumsum(
            values if all_finite else np.where(finite, values, 0.0), dtype=np.float64)))
        self._counts = None if all_finite else np.concatenate(
            ([0], np.cumsum(finite, dtype=np.int64)))

    def __len__(self) -> int:
        return len(self.values)

    def mean_span(self, first: int, stop: int, max_points: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The bins of :meth:`span` with their means: (centre, low, mean, high), each
        (m,) float64 except low/high (the values' dtype); the mean of a bin with no finite
        value is NaN. When every frame fits, low, mean and high are the values."""
        centres, low, high, starts, ends = self._bins(first, stop, max_points)
        if low is high:
            return centres, low, np.asarray(low, dtype=np.float64), high
        counts = (ends - starts if self._counts is None
                  else self._counts[ends] - self._counts[starts])
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (self._sums[ends] - self._sums[starts]) / counts
        return centres, low, np.where(counts > 0, mean, np.nan), high

    def span(self, first: int, stop: int, max_points: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Frames [first, stop) in at most ``max_points`` bins, as fine as that allows.

        Returns (centre float64 (m,) in frames, low (m,), high (m,)); when every frame
        fits, low and high are the values themselves and the centres the frame indices.
        Otherwise bins of g * FANOUT**L frames (g <= FANOUT, aligned to multiples of it):
        between max_points / FANOUT and max_points of them.
        """
        centres, low, high, _, _ = self._bins(first, stop, max_points)
        return centres, low, high

    def _bins(self, first: int, stop: int, max_points: int) -> tuple[np.ndarray, ...]:
        """(centres, low, high, start frames, end frames (exclusive)) of :meth:`span`."""
        first, stop = max(0, first), min(len(self.values), stop)
        max_points = max(1, max_points)
        if stop <= first:
            empty = np.zeros(0)
            index = np.zeros(0, dtype=np.intp)
            return empty, empty, empty, index, index
        if stop - first <= max_points:
            values = self.values[first:stop]
            frames = np.arange(first, stop)
            return frames.astype(np.float64), values, values, frames, frames + 1
        level = 0  # the finest level with at most FANOUT * max_points bins in range
        while (level < len(self.levels)
               and math.ceil((stop - first) / FANOUT**level) > FANOUT * max_points):
            level += 1
        size = FANOUT**level
        lo, hi = (self.values, self.values) if level == 0 else self.levels[level - 1]
        b0, b1 = first // size, min(math.ceil(stop / size), len(lo))
        group = math.ceil((b1 - b0) / max_points)
        b0 = b0 // group * group
        low, high = pool_rows(lo[b0:b1], group, np.fmin), pool_rows(hi[b0:b1], group, np.fmax)
        starts = (b0 + np.arange(len(low)) * group) * size
        ends = np.minimum(starts + group * size, min(b1 * size, len(self.values)))
        return (starts + ends - 1) / 2.0, low, high, starts, ends


def _pool(values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    """``reduce`` over runs of FANOUT values (the last run may be short), by FANOUT strided
    elementwise passes (~7x faster than reducing a (n / FANOUT, FANOUT) reshape)."""
    whole = len(values) // FANOUT
    end = whole * FANOUT
    pooled = values[0:end:FANOUT].copy()
    for offset in range(1, FANOUT):
        reduce(pooled, values[offset:end:FANOUT], out=pooled)
    if end < len(values):
        pooled = np.append(pooled, reduce.reduce(values[end:]))
    return pooled.astype(values.dtype, copy=False)
