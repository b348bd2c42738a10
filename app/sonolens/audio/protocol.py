"""What the rest of the app reads audio through: small protocols, not the file class.

Samples are float32 ``(n_frames, n_channels)`` at the source's own rate (Hz), in [-1, 1].

- :class:`Playable`: random access by frame (what playback needs).
- :class:`AudioSource`: a :class:`Playable` that also streams blocks to the end of its data
  and collects warnings (what the engine, the spectrogram, the envelope and the jobs need).
  Implemented by the file source (:func:`sonolens.audio.open_source`) and the excerpt
  (:func:`sonolens.audio.excerpt.excerpt`); a live input is the next one.
- :class:`AudioFile`: an :class:`AudioSource` read from a file, with what the window shows
  about it (path, status line, back-end) and reads that never decode the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

BLOCK_FRAMES = 65536
"""Default frames per block of :meth:`AudioSource.blocks`."""


@runtime_checkable
class Playable(Protocol):
    """Random access by frame: rate, channels, length, ``read``."""

    @property
    def samplerate(self) -> int:
        """Frames per second (Hz)."""
        ...

    @property
    def channels(self) -> int: ...

    @property
    def frames(self) -> int:
        """Frames known to be there so far (see :attr:`AudioSource.length_known`)."""
        ...

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames [start, stop) as float32 (n, channels); shorter at the end of the data."""
        ...


@runtime_checkable
class AudioSource(Playable, Protocol):
    """A source the analysis reads in sequential blocks.

    ``frames`` may change until ``length_known``: before a full pass it is the length the
    source expects (a header's promise, an excerpt's span); a full pass of :meth:`blocks`
    from frame 0 finds the real end. Readers size their first allocation from ``frames``
    and grow (or stop early) with what :meth:`blocks` really yields.
    """

    @property
    def length_known(self) -> bool:
        """Whether ``frames`` is the count a full pass found (it will not change)."""
        ...

    @property
    def warnings(self) -> list[str]:
        """Problems met so far, each a short sentence (no file name)."""
        ...

    def blocks(self, blocksize: int = BLOCK_FRAMES, start: int = 0) -> Iterator[np.ndarray]:
        """Sequential float32 (n, channels) blocks from frame ``start`` to the end."""
        ...

    def close(self) -> None:
        """Release what the source holds (idempotent)."""
        ...


@runtime_checkable
class AudioFile(AudioSource, Protocol):
    """An :class:`AudioSource` read from a file: what the window and its jobs ask of it."""

    @property
    def path(self) -> Path: ...

    @property
    def backend(self) -> str:
        """The decoder: "soundfile" or "pyav"."""
        ...

    def describe(self) -> str:
        """One status line: format, rate, channels, duration."""
        ...

    def read_if_seekable(self, start: int, stop: int) -> np.ndarray | None:
        """Like :meth:`read` when that needs no full decode, else None (GUI thread)."""
        ...


@runtime_checkable
class SpanReadable(Protocol):
    """A source whose ``read`` of any range is as cheap as a sequential pass (a seekable
    file with a stated length): analyses read it in segments on several threads at once.
    """

    @property
    def reads_spans(self) -> bool:
        """Whether reading spans in any order (on any thread) is cheap and exact now."""
        ...

    def confirm_length(self, frames: int) -> None:
        """A pass read every frame up to ``frames``, the end of the data (as a full pass
        of ``blocks`` would find it)."""
        ...
