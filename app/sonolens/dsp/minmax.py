"""Min/max pyramid of a per-frame curve, for drawing any time range in O(pixels).

Level 0 is the curve itself; level L holds, for each run of FANOUT**L frames (aligned to
multiples of it), the smallest and largest value (NaN ignored unless the whole run is NaN).
Drawing a bin as a vertical stroke from its min to its max, joined to its neighbours, is
pyqtgraph's "peak" downsampling, without walking every visible frame on each redraw.
"""

from __future__ import annotations

import math

import numpy as np

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

    def __len__(self) -> int:
        return len(self.values)

    def span(self, first: int, stop: int, max_points: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Frames [first, stop) at the finest level with at most ``max_points`` bins.

        Returns (centre float64 (m,) in frames, low (m,), high (m,)); at level 0 low and
        high are the values themselves and the centres the frame indices.
        """
        first, stop = max(0, first), min(len(self.values), stop)
        if stop <= first:
            empty = np.zeros(0)
            return empty, empty, empty
        level = 0
        while (level < len(self.levels)
               and math.ceil((stop - first) / FANOUT**level) > max(1, max_points)):
            level += 1
        if level == 0:
            values = self.values[first:stop]
            return np.arange(first, stop, dtype=np.float64), values, values
        size = FANOUT**level
        b0, b1 = first // size, math.ceil(stop / size)
        lo, hi = self.levels[level - 1]
        b1 = min(b1, len(lo))
        last = min(len(self.values), b1 * size)
        centres = (np.arange(b0, b1) * size + (size - 1) / 2.0)
        if b1 > b0 and last < b1 * size:  # the last bin is short
            centres[-1] = ((b1 - 1) * size + last - 1) / 2.0
        return centres, lo[b0:b1], hi[b0:b1]


def peak_line(centres: np.ndarray, low: np.ndarray, high: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a line through each bin's min then max at its centre (2m points), or the
    values themselves when low is high (level 0)."""
    if low is high:
        return centres, np.asarray(low, dtype=np.float64)
    x = np.repeat(centres, 2)
    y = np.empty(2 * len(centres), dtype=np.float64)
    y[0::2], y[1::2] = low, high
    return x, y


def _pool(values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    """``reduce`` over runs of FANOUT values (the last run may be short)."""
    whole = len(values) // FANOUT
    pooled = reduce.reduce(values[: whole * FANOUT].reshape(whole, FANOUT), axis=1)
    if whole * FANOUT < len(values):
        pooled = np.append(pooled, reduce.reduce(values[whole * FANOUT :]))
    return pooled.astype(values.dtype, copy=False)
