"""Preallocated per-frame columns filled block by block (no per-block lists to join).

An hour of 44.1 kHz audio has ~310,000 frames; keeping per-block arrays in lists and
joining them at the end holds every feature twice (plus the float64 -> float32 copy).
A ColumnBuffer allocates the expected length once, grows by 25 % if the file turns out
longer than its header said, and hands out contiguous float32 rows.
"""

from __future__ import annotations

import numpy as np


class ColumnBuffer:
    """``width`` float32 columns of per-frame values, stored row-per-column (width, capacity).

    ``append(block)`` takes (n,) when width is 1, else (n, width), frames-major, any float
    dtype (cast to float32 on write). ``column(k)`` is column k's (n_frames,) contiguous
    view; ``array()`` is the (n_frames, width) view in frame order.
    """

    def __init__(self, capacity: int, width: int = 1) -> None:
        self.width = width
        self.n_frames = 0
        self._data = np.empty((width, max(1, capacity)), dtype=np.float32)

    def append(self, block: np.ndarray) -> None:
        block = np.asarray(block)
        n = len(block)
        stop = self.n_frames + n
        if stop > self._data.shape[1]:
            grown = np.empty((self.width, max(stop, self._data.shape[1] * 5 // 4 + 1)),
                             dtype=np.float32)
            grown[:, : self.n_frames] = self._data[:, : self.n_frames]
            self._data = grown
        target = self._data[:, self.n_frames : stop]
        if block.ndim == 1:
            target[0] = block
        else:
            target[:] = block.T
        self.n_frames = stop

    def column(self, k: int = 0) -> np.ndarray:
        """float32 (n_frames,) contiguous values of column ``k``."""
        return self._data[k, : self.n_frames]

    def array(self) -> np.ndarray:
        """float32 (n_frames, width) view (frames-major; not contiguous when width > 1)."""
        return self._data[:, : self.n_frames].T

    def trimmed(self) -> ColumnBuffer:
        """Drop unused capacity if more than 1 % of it is unused (a copy then)."""
        if self._data.shape[1] - self.n_frames > self._data.shape[1] // 100:
            self._data = np.ascontiguousarray(self._data[:, : self.n_frames])
        return self
