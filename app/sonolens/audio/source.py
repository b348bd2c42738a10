"""``open_source(path) -> FileSource``: checked opening, sequential blocks, random access.

:class:`FileSource` implements :class:`sonolens.audio.protocol.AudioFile`; nothing outside
``sonolens.audio`` names it (they use the protocols; tests/unit/test_audio_source_protocol.py
checks).

Samples are float32 in [-1, 1], shape (n_frames, n_channels), native rate, all channels.
NaN/Inf samples become 0 and add a warning. Formats that do not seek sample-exactly
(MP3, OGG, M4A...) are decoded once into a float32 memmap cache on first random access.

Damaged files give what is decodable, with a warning: a WAV whose header was never
finalised is read through corrected sizes (:mod:`sonolens.audio.wav_header`); a file cut
short yields its decodable prefix. A header's frame count is never trusted for sizing
buffers beyond what the file's size could hold (see :attr:`FileSource.frames`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from sonolens.audio import parallel_decode, pyav_decoder, soundfile_decoder, wav_header
from sonolens.audio.decode_cache import DecodeCache
from sonolens.audio.info import AudioInfo
from sonolens.audio.nonfinite import NonfiniteCounter
from sonolens.audio.protocol import BLOCK_FRAMES
from sonolens.audio.soundfile_decoder import DecodeStopped, Patch
from sonolens.core.errors import AudioError

#: Upper bound on frames per byte of a file whose frame count is not proven: 1/16 bit per
#: sample and channel, below any real codec (Opus at 6 kbit/s spends ~1/8 bit).
MAX_FRAMES_PER_BYTE = 128
#: Seekable formats whose header's frame count the file's size does not bound (not checked
#: at open: seeking to a long FLAC's last frame can take seconds).
_COMPRESSED = frozenset({"FLAC"})
#: Sample encodings read back at about the cost of a copy.
_PLAIN_SUBTYPES = frozenset({"PCM_S8", "PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT",
                             "DOUBLE"})


class FileSource:
    """An opened audio file. Use :func:`open_source`; close it (or use ``with``)."""

    def __init__(self, info: AudioInfo, backend: str, *, patch: Patch = (),
                 header_note: str | None = None, file_size: int | None = None) -> None:
        self.info = info
        self.backend = backend  # "soundfile" or "pyav"
        self.patch = patch  # header bytes corrected for decoding (unfinished WAV)
        self._header_note = header_note
        self._file_size = file_size
        self._lock = threading.Lock()
        self._cache: DecodeCache | None = None
        self._nonfinite = NonfiniteCounter()
        self._stopped: str | None = None
        self._frames_decoded: int | None = None
        self._ends_as_stated: bool | None = None  # see reads_spans

    # -- facts -------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.info.path

    @property
    def samplerate(self) -> int:
        return self.info.samplerate

    @property
    def channels(self) -> int:
        return self.info.channels

    @property
    def frames(self) -> int:
        """Frames known to be decodable: the count a full pass found; before that the
        header's promise, for compressed or non-seekable formats capped at what the file's
        size could hold, so a hostile header cannot make anyone allocate for it."""
        if self._frames_decoded is not None:
            return self._frames_decoded
        uncompressed = self.info.frames_exact and self.info.format not in _COMPRESSED
        if uncompressed or self._file_size is None:  # PCM: the size bounds the count anyway
            return self.info.frames
        return min(self.info.frames, self._file_size * MAX_FRAMES_PER_BYTE // self.channels)

    @property
    def length_known(self) -> bool:
        """Whether :attr:`frames` is the count a full pass decoded (not a header's promise)."""
        return self._frames_decoded is not None

    def describe(self) -> str:
        """The status line of :meth:`AudioInfo.describe`, with the decoded length once a full
        pass has found it (a file cut short: what is really there, not what was promised)."""
        if self._frames_decoded is None:
            return self.info.describe()
        return replace(self.info, frames=self._frames_decoded, frames_exact=True).describe()

    @property
    def warnings(self) -> list[str]:
        """Problems met so far, each a short sentence (no file name)."""
        notes = [self._header_note] if self._header_note else []
        if self._stopped is not None:
            notes.append(self._stopped)
        if self._nonfinite.count:
            notes.append(f"{self._nonfinite.count} NaN/Inf samples replaced by 0")
        return notes

    # -- reading -----------------------------------------------------------------------
    def blocks(self, blocksize: int = BLOCK_FRAMES, start: int = 0) -> Iterator[np.ndarray]:
        """Sequential float32 (n, channels) blocks from ``start`` to the real end of the data."""
        if self._cache is not None and self._cache.complete:
            for first in range(start, self._cache.frames, blocksize):
                yield self._sanitize(self._cache.read(first, first + blocksize), first)
            return
        if self.backend == "soundfile" and self.info.frames_exact and not self.patch:
            decoded = parallel_decode.iter_blocks_parallel(
                self.path, frames=self.info.frames, start=start, blocksize=blocksize)
        elif self.backend == "soundfile":
            decoded = soundfile_decoder.iter_blocks(
                self.path, start=start, blocksize=blocksize, patch=self.patch,
                exact=self.info.frames_exact)
        else:
            decoded = pyav_decoder.iter_blocks(self.path, start=start, blocksize=blocksize)
        position = start
        try:
            for block in decoded:
                position += len(block)
                yield self._sanitize(block, position - len(block))
        except DecodeStopped as stop:
            self._note_stop(position, stop.reason)
        except (OSError, RuntimeError) as exc:
            raise AudioError(self.path, f"cannot be read: {exc}") from exc
        if start == 0:
            self._frames_decoded = position
            if self._stopped is None and position < self.info.frames:
                self._note_stop(position, "")

    @property
    def reads_spans(self) -> bool:
        """Whether :meth:`read` seeks sample-exactly in a file whose data ends where its
        header says (each read opens its own handle, so reads on several threads decode
        at once). The end is checked once, by decoding the frames around it: a header
        that promises more or less than the data says no here, and its readers take the
        sequential path, which reads until the decoder stops. So does a file compressed
        beyond MAX_FRAMES_PER_BYTE (a FLAC of digital silence): :attr:`frames` is capped
        below its header's count, and spans would end at the cap."""
        if not (self.backend == "soundfile" and self.info.frames_exact and not self.patch
                and self._stopped is None and self._cache is None and self.frames > 0
                and self.frames == self.info.frames):
            return False
        if self._ends_as_stated is None:
            n = self.info.frames
            try:
                tail = soundfile_decoder.read_range(self.path, n - 1, n + 1)
                self._ends_as_stated = len(tail) == 1
            except RuntimeError:
                self._ends_as_stated = False
        return self._ends_as_stated

    @property
    def decodes_cheaply(self) -> bool:
        """Whether reading the file again costs about a copy (uncompressed PCM or float,
        read in spans): a second pass reads it again instead of spooling what it read."""
        return self.reads_spans and self.info.subtype in _PLAIN_SUBTYPES

    def take_facts(self, other: FileSource) -> None:
        """What a pass over another handle on the same file found (where its data really
        ends, why it stopped, NaN/Inf samples), as if this one had made that pass."""
        if other.path != self.path:
            return
        self.info = other.info  # frames_exact turns False where seeking failed
        self._frames_decoded = other._frames_decoded
        self._stopped = other._stopped
        self._nonfinite = other._nonfinite

    def confirm_length(self, frames: int) -> None:
        """A pass of :meth:`read` spans reached the end of the data at ``frames``."""
        if self._frames_decoded is None and self._stopped is None:
            self._frames_decoded = int(frames)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames [start, stop) as float32 (n, channels); shorter at the end of the data."""
        start = max(0, int(start))
        stop = max(start, int(stop))
        if self.info.frames_exact and self._stopped is None:
            stop = min(stop, self.info.frames)
            if start >= stop:
                return np.zeros((0, self.channels), dtype=np.float32)
            samples = self._seek_and_read(start, stop)
            if samples is not None:
                return samples
            # a file cut short (e.g. FLAC) fails where its header promised data: from now
            # on serve what is really there, from the decode cache
            self.info = replace(self.info, frames_exact=False)
        return self._sanitize(self._decoded().read(start, stop), start)

    def read_if_seekable(self, start: int, stop: int) -> np.ndarray | None:
        """Like :meth:`read` when the file seeks sample-exactly and the range lies inside
        the frames known to be there; else None. Never decodes the whole file (for the
        GUI thread, which may read only a few samples at a time)."""
        if not self.info.frames_exact or stop > self.frames:
            return None
        return self._seek_and_read(max(0, int(start)), int(stop))

    def _seek_and_read(self, start: int, stop: int) -> np.ndarray | None:
        """Frames [start, stop) read by seeking in the file, or None where it fails."""
        try:
            return self._sanitize(soundfile_decoder.read_range(self.path, start, stop,
                                                               patch=self.patch), start)
        except RuntimeError:
            return None

    def read_all(self) -> np.ndarray:
        """Every decodable frame as float32 (n_frames, n_channels)."""
        parts = list(self.blocks())
        if not parts:
            return np.zeros((0, self.channels), dtype=np.float32)
        return np.concatenate(parts)

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None

    def __enter__(self) -> FileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------
    def _decoded(self) -> DecodeCache:
        with self._lock:
            if self._cache is None:
                cache = DecodeCache(self.channels)
                try:
                    for block in self.blocks():
                        cache.append(block)
                    cache.finish()
                except BaseException:
                    cache.close()
                    raise
                self._cache = cache
            return self._cache

    def _sanitize(self, block: np.ndarray, first: int) -> np.ndarray:
        """``block`` (frames from ``first``) with NaN/Inf as 0, each counted once."""
        if self.info.bit_depth is not None and not self.info.is_float:
            return block  # integer PCM cannot hold NaN/Inf
        return self._nonfinite.clean(block, first)

    def _note_stop(self, position: int, reason: str) -> None:
        rate = self.samplerate
        promised = self.info.frames
        why = f" ({reason})" if reason else ""
        if promised > position:
            self._stopped = (f"file ends early: decoded {position / rate:.2f} s "
                             f"of {promised / rate:.2f} s{why}")
        else:
            self._stopped = f"decoding stopped at {position / rate:.2f} s{why}"


def open_source(path: str | os.PathLike[str]) -> FileSource:
    """Open ``path`` for reading, or raise :class:`AudioError` saying why not in plain words."""
    file = Path(path)
    size = _check_file(file)
    layout = wav_header.inspect_wav(file)
    patch = layout.header_patch() if layout is not None and layout.unfinished else ()
    errors: list[str] = []
    try:
        info = soundfile_decoder.probe(file, patch=patch)
        backend = "soundfile"
    except RuntimeError as exc:
        errors.append(str(exc))
        info, backend, patch = _probe_pyav(file, errors), "pyav", ()
    if info.channels <= 0:
        raise AudioError(file, "the file declares zero audio channels")
    if info.samplerate <= 0:
        raise AudioError(file, "the file declares an invalid sample rate")
    note = _header_note(layout, info.samplerate) if backend == "soundfile" else None
    source = FileSource(info, backend, patch=patch, header_note=note, file_size=size)
    _check_decodable(source)
    return source


def _header_note(layout: wav_header.WavLayout | None, rate: int) -> str | None:
    """What a damaged WAV header cost, in one sentence (None if the header is sound)."""
    if layout is None:
        return None
    present = layout.present_frames / rate
    if layout.unfinished:
        return (f"WAV header not finalised (data size {layout.declared_bytes}): "
                f"recovered {present:.2f} s from the data present")
    if layout.cut_short:
        return (f"file ends early: decoded {present:.2f} s of "
                f"{layout.declared_frames / rate:.2f} s")
    return None


def _check_file(file: Path) -> int:
    """Refuse what cannot be an audio file; returns its size in bytes."""
    if not file.exists():
        raise AudioError(file, "file not found")
    if file.is_dir():
        raise AudioError(file, "is a directory, not an audio file")
    if not os.access(file, os.R_OK):
        raise AudioError(file, "permission denied (the file is not readable)")
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise AudioError(file, f"cannot be read: {exc.strerror or exc}") from exc
    if size == 0:
        raise AudioError(file, "file is empty (0 bytes)")
    return size


def _probe_pyav(file: Path, errors: list[str]) -> AudioInfo:
    import av

    try:
        return pyav_decoder.probe(file)
    except pyav_decoder.NoAudioStream:
        raise AudioError(file, "the file contains no audio stream") from None
    except av.error.FFmpegError as exc:
        if "channel count is zero" in " ".join(errors).lower():
            raise AudioError(file, "the file declares zero audio channels") from None
        if isinstance(exc, av.error.InvalidDataError):
            raise AudioError(file, "not an audio file (format not recognised)") from None
        raise AudioError(file, f"unsupported or unreadable audio ({exc.strerror})") from None
    except (OSError, ValueError) as exc:
        raise AudioError(file, f"not an audio file ({exc})") from None


def _check_decodable(source: FileSource) -> None:
    """Decode the first block: catches codecs we cannot decode and files with no samples."""
    blocks = source.blocks(blocksize=4096)
    try:
        first = next(blocks, None)
    except AudioError:
        raise
    except Exception as exc:  # a decoder failing outright on its first packet
        raise AudioError(source.path, f"cannot be decoded: {exc}") from exc
    finally:
        blocks.close()
    if first is None or len(first) == 0:
        if source.warnings:
            cause = source.warnings[0]
            raise AudioError(source.path, f"corrupt or truncated: no audio decoded ({cause})")
        raise AudioError(source.path, "the file contains no audio samples")
    # A header that promises more than the file holds (a FLAC cut short) is found by the
    # first full pass or the first read that fails, not here: seeking to the end of a long
    # FLAC to check can take seconds.
    source._stopped = None  # the probe decode may stop early on purpose; full reads re-check
    source._nonfinite.reset()
    source._frames_decoded = None
