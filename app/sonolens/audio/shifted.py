"""A source moved in time: frame i is frame ``i + shift`` of another source.

``shift`` > 0 skips the source's first ``shift`` frames; ``shift`` < 0 puts ``-shift``
frames of silence before it. Comparing two takes reads the second through one of these so
that its frames line up with the first's.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sonolens.audio.protocol import BLOCK_FRAMES, AudioSource
from sonolens.audio.source_view import SourceView


class ShiftedSource(SourceView):
    """``source`` shifted by ``shift`` frames (see the module doc); an AudioSource.

    Closing it does not close ``source``.
    """

    def __init__(self, source: AudioSource, shift: int) -> None:
        self.source = source
        self.shift = int(shift)

    @classmethod
    def by_offset(cls, source, offset: float):
        """``source`` whose audio starts ``offset`` s later than the reference's, moved so
        that it lines up with it (the shift rounded to ``source``'s own samples)."""
        return cls(source, round(offset * source.samplerate))

    @property
    def frames(self) -> int:
        return max(0, self.source.frames - self.shift)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames [start, stop) as float32 (n, channels): silence before the source's start,
        shorter at the end of its data."""
        start, stop = max(0, start), max(0, stop)
        first, last = start + self.shift, stop + self.shift
        parts = []
        if first < 0:
            parts.append(np.zeros((min(last, 0) - first, self.channels), dtype=np.float32))
        if last > 0:
            parts.append(self.source.read(max(first, 0), last))
        if not parts:
            return np.zeros((0, self.channels), dtype=np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def blocks(self, blocksize: int = BLOCK_FRAMES, start: int = 0) -> Iterator[np.ndarray]:
        """Sequential float32 (n, channels) blocks from frame ``start`` to the end."""
        position = max(0, start) + self.shift
        while position < 0:
            n = min(blocksize, -position)
            yield np.zeros((n, self.channels), dtype=np.float32)
            position += n
        yield from self.source.blocks(blocksize, position)

    def close(self) -> None:
        """Nothing to release: the shifted source belongs to the caller."""


class ShiftedFile(ShiftedSource):
    """A :class:`ShiftedSource` of an opened file that stands for the file where the
    window expects one (path, decoder, status line, cheap reads); it owns the file:
    closing it closes the file."""

    @property
    def path(self):
        return self.source.path

    @property
    def backend(self) -> str:
        return self.source.backend

    def describe(self) -> str:
        sign = "later" if self.shift < 0 else "earlier"
        seconds = abs(self.shift) / float(self.samplerate)
        return f"{self.source.describe()}, moved {seconds:.4f} s {sign}"

    def read_if_seekable(self, start: int, stop: int) -> np.ndarray | None:
        """Like :meth:`read` when the file reads that cheaply, else None."""
        start, stop = max(0, start), max(0, stop)
        first, last = start + self.shift, stop + self.shift
        if last <= 0:
            return np.zeros((stop - start, self.channels), dtype=np.float32)
        got = self.source.read_if_seekable(max(first, 0), last)
        if got is None or first >= 0:
            return got
        return np.concatenate((np.zeros((-first, self.channels), dtype=np.float32), got))

    def close(self) -> None:
        self.source.close()
