"""Keeps the analysis signal for a second pass: in memory while small, then a temp file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

import numpy as np

_IN_MEMORY_BYTES = 64 * 1024 * 1024


class SignalSpool:
    """Write float32 chunks once (:meth:`tee`), read them back any number of times."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by close()
            max_size=_IN_MEMORY_BYTES, prefix="sonolens-"
        )
        self.samples = 0

    def tee(self, chunks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        for chunk in chunks:
            # the array's own buffer: no bytes copy of every chunk
            self._file.write(np.ascontiguousarray(chunk, dtype=np.float32).view(np.uint8))
            self.samples += len(chunk)
            yield chunk

    def write(self, chunk: np.ndarray) -> None:
        """Append float32 samples (n,)."""
        self._file.write(np.ascontiguousarray(chunk, dtype=np.float32).tobytes())
        self.samples += len(chunk)

    def replay(self, chunk: int = 262144) -> Iterator[np.ndarray]:
        self._file.seek(0)
        while True:
            data = self._file.read(chunk * 4)
            if not data:
                return
            yield np.frombuffer(data, dtype=np.float32)

    def close(self) -> None:
        self._file.close()
