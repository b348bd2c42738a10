"""A fixed excerpt of an opened file, cut as ``librosa.load(offset=, duration=)`` cuts it.

librosa seeks to frame ``int(offset * sr_native)`` and reads ``int(duration * sr_native)``
frames at the native rate, before mixing to mono and resampling; so does this.
An :class:`Excerpt` is an :class:`~sonolens.audio.protocol.AudioSource` of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from sonolens.audio.info import AudioInfo
from sonolens.audio.protocol import BLOCK_FRAMES, AudioSource
from sonolens.audio.source import FileSource
from sonolens.audio.source_view import SourceView
from sonolens.core.errors import AudioError, ParameterError


class Excerpt(SourceView):
    """Frames [start, stop) of ``source`` (a file source: it has ``path`` and ``info``).

    ``stop`` None means the end of the data. Frame 0 of the excerpt is frame ``start`` of
    the source. Closing the excerpt does not close the source.
    """

    def __init__(self, source: FileSource, start: int, stop: int | None) -> None:
        self.source = source
        self.start = start
        self.stop = stop

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def info(self) -> AudioInfo:
        return self.source.info

    @property
    def frames(self) -> int:
        """Frames in the excerpt, as far as the source knows its length."""
        end = self.source.frames if self.stop is None else min(self.stop, self.source.frames)
        return max(0, end - self.start)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames [start, stop) of the excerpt as float32 (n, channels); shorter at its end."""
        start = max(0, int(start))
        stop = max(start, int(stop))
        if self.stop is not None:
            stop = max(start, min(stop, self.stop - self.start))
        return self.source.read(self.start + start, self.start + stop)

    def blocks(self, blocksize: int = BLOCK_FRAMES, start: int = 0) -> Iterator[np.ndarray]:
        """float32 (n, channels) blocks of the excerpt, from its frame ``start``."""
        first = self.start + start
        remaining = None if self.stop is None else max(0, self.stop - first)
        if remaining == 0:
            return
        blocks = self.source.blocks(blocksize, start=first)
        try:
            for block in blocks:
                if remaining is not None and len(block) >= remaining:
                    yield block[:remaining]
                    return
                if remaining is not None:
                    remaining -= len(block)
                yield block
        finally:
            blocks.close()  # stop decoding past the excerpt

    def close(self) -> None:
        """Nothing to release: the source is closed by its owner."""


def excerpt(source: FileSource, *, offset: float = 0.0,
            duration: float | None = None) -> AudioSource:
    """``source`` cut to ``duration`` seconds from ``offset`` seconds (librosa's rounding).

    Returns ``source`` itself when nothing is cut. Raises ParameterError for a negative
    offset or a non-positive duration, AudioError when the offset lies past the end.
    """
    if offset < 0:
        raise ParameterError(f"offset={offset:g} s must be >= 0")
    if duration is not None and duration <= 0:
        raise ParameterError(f"duration={duration:g} s must be positive")
    if offset == 0 and duration is None:
        return source
    rate = source.samplerate
    start = int(offset * rate)
    stop = None if duration is None else start + int(duration * rate)
    if start >= source.frames and source.info.frames_exact:
        raise AudioError(source.path, f"offset {offset:g} s lies past the end of the file "
                                      f"({source.frames / rate:.2f} s)")
    return Excerpt(source, start, stop)
