"""libsndfile (through soundfile): WAV, AIFF, FLAC, OGG Vorbis/Opus, MP3 and more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from sonolens.audio.info import AudioInfo
from sonolens.audio.quiet import quiet_native_stderr

#: Formats whose header frame count and seeking we trust (sample-exact random access).
EXACT_FORMATS = frozenset({"WAV", "WAVEX", "W64", "AIFF", "AIFC", "CAF", "RF64", "AU", "FLAC"})
_SMALLEST_RETRY = 64


class DecodeStopped(Exception):
    """Decoding hit damaged data after ``frames_read`` good frames."""

    def __init__(self, frames_read: int, reason: str) -> None:
        super().__init__(reason)
        self.frames_read = frames_read
        self.reason = reason


def probe(path: Path) -> AudioInfo:
    """Header facts; raises ``sf.LibsndfileError`` when libsndfile cannot read the file."""
    with quiet_native_stderr():
        info = sf.info(str(path))
    return AudioInfo(
        path=path,
        samplerate=int(info.samplerate),
        channels=int(info.channels),
        frames=int(info.frames),
        format=info.format,
        subtype=info.subtype,
        frames_exact=info.format in EXACT_FORMATS,
    )


def iter_blocks(path: Path, *, start: int = 0, blocksize: int = 65536) -> Iterator[np.ndarray]:
    """Yield float32 blocks of shape (n, channels) from frame ``start`` to the end.

    Never trusts the header's frame count: reads until the decoder stops. Damaged data
    ends the iteration with :class:`DecodeStopped` after every decodable frame was yielded
    (a failing block is retried in smaller pieces to keep what precedes the damage).
    """
    handle = _open(path)
    try:
        if start:
            handle.seek(start)
        position = start
        size = blocksize
        while True:
            try:
                with quiet_native_stderr():
                    block = handle.read(size, dtype="float32", always_2d=True)
            except RuntimeError as exc:
                if size <= _SMALLEST_RETRY:
                    raise DecodeStopped(position, _reason(exc)) from exc
                size //= 4  # retry smaller pieces from a fresh handle: keep what precedes damage
                handle.close()
                handle = _open(path)
                try:
                    handle.seek(position)
                except RuntimeError:
                    raise DecodeStopped(position, _reason(exc)) from exc
                continue
            if len(block) == 0:
                return
            position += len(block)
            yield block
            size = blocksize
    finally:
        handle.close()


def _open(path: Path) -> sf.SoundFile:
    with quiet_native_stderr():
        return sf.SoundFile(str(path))


def read_range(path: Path, start: int, stop: int) -> np.ndarray:
    """Frames [start, stop) as float32 (n, channels); fewer if the file ends first."""
    with quiet_native_stderr(), sf.SoundFile(str(path)) as handle:
        handle.seek(start)
        return handle.read(stop - start, dtype="float32", always_2d=True)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.rstrip(".")
