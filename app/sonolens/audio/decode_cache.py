"""A float32 memmap of decoded samples in a private temp folder, removed on close."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path

import numpy as np


class DecodeCache:
    """Append (n, channels) float32 blocks, then ``finish()`` and ``read(start, stop)``."""

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._dir = Path(tempfile.mkdtemp(prefix="sonolens-decode-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._dir, True)
        self._file = open(self._dir / "samples.f32", "wb")  # noqa: SIM115 - closed in finish()
        self.frames = 0
        self.complete = False
        self._map: np.ndarray | None = None

    def append(self, block: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(block, dtype=np.float32).tobytes())
        self.frames += len(block)

    def finish(self) -> None:
        self._file.close()
        if self.frames:
            self._map = np.memmap(
                self._dir / "samples.f32", dtype=np.float32, mode="r",
                shape=(self.frames, self.channels),
            )
        self.complete = True

    def read(self, start: int, stop: int) -> np.ndarray:
        if self._map is None:
            return np.zeros((0, self.channels), dtype=np.float32)
        return np.array(self._map[start:stop])

    def close(self) -> None:
        self._map = None
        if not self._file.closed:
            self._file.close()
        self._finalizer()
