"""A signal of known length read forward from an iterator of 1-D chunks, without holding it.

:class:`ChunkStream` serves :meth:`~ChunkStream.read` ``(start, stop)`` calls whose ``start``
never decreases (frames that only move forward, as pYIN's blocks) and keeps only the
samples from the last ``start`` on: memory stays at one read's span plus one chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sonolens.core.errors import ParameterError


class ChunkStream:
    """``length`` samples arriving as ``chunks``; ``read`` returns samples [start, stop)."""

    def __init__(self, chunks: Iterable[np.ndarray], length: int,
                 dtype: np.dtype | type = np.float32) -> None:
        self._chunks = iter(chunks)
        self.length = int(length)
        self.dtype = np.dtype(dtype)
        self._buf = np.zeros(0, dtype=self.dtype)
        self._first = 0  # signal index of self._buf[0]

    def __len__(self) -> int:
        return self.length

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples [start, stop) (0 <= start <= stop <= length), a view valid until the
        next call; ``start`` must not go back (ValueError)."""
        if start < self._first:
            raise ValueError(f"stream read went back from {self._first} to {start}")
        if not 0 <= start <= stop <= self.length:
            raise ValueError(f"read [{start}, {stop}) outside 0..{self.length}")
        skip = start - self._first
        while skip > len(self._buf) or (skip == len(self._buf) and stop > start):
            skip -= len(self._buf)  # skip whole chunks before start
            self._first += len(self._buf)
            self._buf = self._next(self._first)
        self._buf = self._buf[start - self._first:]
        self._first = start
        parts, have = [self._buf], len(self._buf)
        while have < stop - start:
            parts.append(self._next(start + have))
            have += len(parts[-1])
        if len(parts) > 1:
            self._buf = np.concatenate(parts).astype(self.dtype, copy=False)
        return self._buf[: stop - start]

    def _next(self, at: int) -> np.ndarray:
        chunk = next(self._chunks, None)
        if chunk is None:
            raise ParameterError(f"the audio ended after {at} of {self.length} samples "
                                 "(it changed while being read?)")
        return np.asarray(chunk).reshape(-1)
