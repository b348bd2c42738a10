"""NaN/Inf samples replaced by 0, each counted once however often its frame is read.

The analysis reads a seekable file in segments whose reads overlap (a frame's window
reaches into its neighbours), on several threads: counting every read would report more
bad samples than the file holds, and a different number than one sequential pass.
"""

from __future__ import annotations

import threading

import numpy as np


class NonfiniteCounter:
    """Replaces non-finite samples by 0 and counts the distinct ones met (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        # disjoint sorted [start, stop) frame ranges already counted; only ranges that held
        # a non-finite sample are kept (a range without one cannot be counted twice)
        self._counted: list[tuple[int, int]] = []

    def reset(self) -> None:
        with self._lock:
            self.count = 0
            self._counted = []

    def clean(self, block: np.ndarray, first: int) -> np.ndarray:
        """``block`` (frames [first, first + len)) with NaN/Inf as 0, counting new ones."""
        finite = np.isfinite(block)
        if finite.all():
            return block
        bad = (finite.shape[1] - np.count_nonzero(finite, axis=1)) if block.ndim == 2 \
            else (~finite).astype(np.int64)
        stop = first + len(block)
        with self._lock:
            for a, b in self._uncounted(first, stop):
                self.count += int(bad[a - first : b - first].sum())
            self._mark(first, stop)
        return np.where(finite, block, np.float32(0.0))

    def _uncounted(self, start: int, stop: int) -> list[tuple[int, int]]:
        parts, at = [], start
        for a, b in self._counted:
            if b <= at:
                continue
            if a >= stop:
                break
            if a > at:
                parts.append((at, a))
            at = max(at, b)
        if at < stop:
            parts.append((at, stop))
        return parts

    def _mark(self, start: int, stop: int) -> None:
        kept = []
        for a, b in self._counted:
            if b < start or a > stop:
                kept.append((a, b))
            else:
                start, stop = min(a, start), max(b, stop)
        kept.append((start, stop))
        self._counted = sorted(kept)
