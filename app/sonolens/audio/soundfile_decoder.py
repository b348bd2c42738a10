"""libsndfile (through soundfile): WAV, AIFF, FLAC, OGG Vorbis/Opus, MP3 and more.

Every function takes ``patch``: byte overlays (see :mod:`sonolens.audio.wav_header`) that
let libsndfile read a WAV whose header was never finalised, without changing the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from sonolens.audio.info import AudioInfo
from sonolens.audio.quiet import quiet_native_stderr
from sonolens.audio.wav_header import PatchedFile

#: Formats whose header frame count and seeking we trust (sample-exact random access).
EXACT_FORMATS = frozenset({"WAV", "WAVEX", "W64", "AIFF", "AIFC", "CAF", "RF64", "AU", "FLAC"})
_SKIP_FRAMES = 65536  # frames read and dropped per step when a format cannot seek exactly

Patch = tuple[tuple[int, bytes], ...]


class DecodeStopped(Exception):
    """Decoding hit damaged data after ``frames_read`` good frames."""

    def __init__(self, frames_read: int, reason: str) -> None:
        super().__init__(reason)
        self.frames_read = frames_read
        self.reason = reason


class _SequentialFile(sf.SoundFile):
    """A SoundFile whose reads never seek.

    soundfile seeks to the current position after every read (``SoundFile._cdata_io``);
    libsndfile's MP3 decoder (mpg123) restarts there without its bit reservoir, so the rest
    of that MPEG frame comes out wrong (up to 1152 samples per read boundary, measured with
    libsndfile 1.2.2). Claiming "not seekable" skips that seek; explicit ``seek()`` works.
    """

    _view: PatchedFile | None = None  # the patched byte view it reads, closed with it

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        super().close()
        if self._view is not None:
            self._view.close()


def probe(path: Path, *, patch: Patch = ()) -> AudioInfo:
    """Header facts; raises ``sf.LibsndfileError`` when libsndfile cannot read the file."""
    handle = _open(path, patch)
    try:
        info = AudioInfo(
            path=path,
            samplerate=int(handle.samplerate),
            channels=int(handle.channels),
            frames=int(handle.frames),
            format=handle.format,
            subtype=handle.subtype,
            frames_exact=handle.format in EXACT_FORMATS,
        )
    finally:
        _close(handle)
    return info


def iter_blocks(path: Path, *, start: int = 0, blocksize: int = 65536, patch: Patch = (),
                exact: bool = True) -> Iterator[np.ndarray]:
    """Yield float32 blocks of shape (n, channels) from frame ``start`` to the end.

    Never trusts the header's frame count: reads until the decoder stops. Damaged data
    ends the iteration with :class:`DecodeStopped` after every decodable frame was yielded:
    a failing read is retried in smaller pieces (down to one frame) from a fresh handle,
    positioned by ``seek`` when the format seeks sample-exactly (``exact``), else by
    decoding and dropping the frames before it.
    """
    handle = _open(path, patch)
    try:
        try:
            position = _skip_to(handle, start, exact)
        except RuntimeError as exc:
            # a seek near the end of a file cut short fails (a FLAC: "psf_fseek() failed")
            # where decoding up to it works: as a reader that never sought, then stop
            _close(handle)
            handle = _open(path, patch)
            position = _skip_to(handle, start, False)
            if position < start:
                raise DecodeStopped(position, _reason(exc)) from exc
        size = blocksize
        while True:
            try:
                with quiet_for(handle):
                    block = handle.read(size, dtype="float32", always_2d=True)
            except RuntimeError as exc:
                if size <= 1:
                    raise DecodeStopped(position, _reason(exc)) from exc
                size = max(1, size // 4)
                _close(handle)
                handle = _open(path, patch)
                try:
                    _skip_to(handle, position, exact)
                except RuntimeError:
                    raise DecodeStopped(position, _reason(exc)) from exc
                continue
            if len(block) == 0:
                return
            position += len(block)
            yield block
            size = blocksize
    finally:
        _close(handle)


def read_range(path: Path, start: int, stop: int, *, patch: Patch = ()) -> np.ndarray:
    """Frames [start, stop) as float32 (n, channels); fewer if the file ends first."""
    handle = _open(path, patch)
    try:
        with quiet_for(handle):
            handle.seek(start)
            return handle.read(max(0, stop - start), dtype="float32", always_2d=True)
    finally:
        _close(handle)


def open_file(path: Path) -> sf.SoundFile:
    """A handle on ``path`` (no header patch), chatter silenced; close with close_file."""
    return _open(path, ())


def close_file(handle: sf.SoundFile) -> None:
    _close(handle)


def _open(path: Path, patch: Patch) -> sf.SoundFile:
    with quiet_native_stderr():
        if not patch:
            return _SequentialFile(str(path))
        view = PatchedFile(path, patch)
        try:
            handle = _SequentialFile(view)
        except BaseException:
            view.close()
            raise
        handle._view = view
        return handle


def quiet_for(handle: sf.SoundFile) -> contextlib.AbstractContextManager[None]:
    """Silence fd 2 around a call on ``handle`` only if its decoder prints (mpg123: MP3,
    and MPEG inside a WAV); libsndfile's own WAV/AIFF/FLAC... code logs into its buffer.
    fd 2 is process-wide: while it is silenced, what any other thread writes to stderr
    (a traceback, a progress bar) is lost, and decoding threads run most of the time."""
    chatty = handle.format not in EXACT_FORMATS or handle.subtype.startswith("MPEG")
    return quiet_native_stderr() if chatty else contextlib.nullcontext()


def _close(handle: sf.SoundFile) -> None:
    with quiet_for(handle):
        handle.close()


def _skip_to(handle: sf.SoundFile, frame: int, exact: bool) -> int:
    """Position ``handle`` at ``frame``; returns the frame reached."""
    if frame <= 0:
        return 0
    if exact:
        with quiet_for(handle):
            handle.seek(frame)
        return frame
    done = 0
    while done < frame:
        with quiet_for(handle):
            got = len(handle.read(min(_SKIP_FRAMES, frame - done), dtype="float32",
                                  always_2d=True))
        if got == 0:
            break
        done += got
    return done


def _reason(exc: BaseException) -> str:
    """libsndfile's message without its "Error : " label, e.g. "flac decoder lost sync"."""
    text = str(exc).strip()
    label, sep, rest = text.partition(":")
    if sep and label.strip().lower() in ("error", "internal error"):
        text = rest.strip()
    return (text or type(exc).__name__).rstrip(".")
