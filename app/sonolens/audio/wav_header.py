"""What a RIFF/WAVE header promises versus what the file holds, and how to read the rest.

A recorder that dies mid-take leaves a WAV whose RIFF and data sizes are still 0 (or
0xFFFFFFFF): libsndfile then reads 0 frames though every sample is there. A copy cut short
leaves a data size larger than the file. :func:`inspect_wav` walks the chunks (bounded,
never trusting a size to allocate) and says which case it is; :class:`PatchedFile` lets
libsndfile read an unfinished file through a corrected header, without touching the file.
"""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass
from pathlib import Path

_UNSET_SIZES = (0, 0xFFFFFFFF)  # what recorders leave before they finalise the header
_MAX_CHUNKS = 256  # a header walk gives up after this many chunks (hostile files)
_RIFF_LIMIT = 0xFFFFFFFF


@dataclass(frozen=True)
class WavLayout:
    """Byte facts of a RIFF/WAVE file (little-endian sizes as stored).

    ``data_offset``: first byte of the samples; ``declared_bytes``: the data chunk's size
    field; ``present_bytes``: whole frames of sample bytes actually in the file after
    ``data_offset`` (for a finalised header: at most ``declared_bytes``).
    """

    block_align: int
    data_size_field: int  # byte offset of the data chunk's size field
    data_offset: int
    declared_bytes: int
    present_bytes: int

    @property
    def unfinished(self) -> bool:
        """Sizes never written (recorder stopped) although sample bytes follow."""
        return self.declared_bytes in _UNSET_SIZES and self.present_bytes > 0

    @property
    def cut_short(self) -> bool:
        """The data chunk promises more bytes than the file holds."""
        return not self.unfinished and self.declared_bytes > self.present_bytes

    @property
    def declared_frames(self) -> int:
        return self.declared_bytes // self.block_align

    @property
    def present_frames(self) -> int:
        return self.present_bytes // self.block_align

    def header_patch(self) -> tuple[tuple[int, bytes], ...]:
        """(offset, bytes) overlays that give an unfinished file consistent sizes."""
        data = self.present_bytes
        riff = min(_RIFF_LIMIT, self.data_offset - 8 + data)
        return ((4, struct.pack("<I", riff)), (self.data_size_field, struct.pack("<I", data)))


def inspect_wav(path: str | os.PathLike[str]) -> WavLayout | None:
    """The layout of a RIFF/WAVE file, or None if it is not one (or has no fmt/data)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            return _walk(handle, size)
    except OSError:
        return None


def _walk(handle: io.BufferedReader, size: int) -> WavLayout | None:
    block_align = 0
    position = 12
    for _ in range(_MAX_CHUNKS):
        handle.seek(position)
        header = handle.read(8)
        if len(header) < 8:
            return None
        chunk_id, chunk_size = header[:4], struct.unpack("<I", header[4:])[0]
        body = position + 8
        if chunk_id == b"fmt ":
            fmt = handle.read(16)
            if len(fmt) < 16:
                return None
            block_align = struct.unpack("<H", fmt[12:14])[0]
        elif chunk_id == b"data":
            if block_align == 0:
                return None  # no fmt before data, or zero channels: libsndfile will say
            after = size - body
            declared = chunk_size
            if declared in _UNSET_SIZES and _real_chunk_follows(handle, body, size):
                after = 0  # an empty data chunk followed by other chunks: nothing recorded
            present = min(after, declared) if declared not in _UNSET_SIZES else after
            present = min(present, _RIFF_LIMIT)
            present -= present % block_align
            return WavLayout(block_align, position + 4, body, declared, present)
        position = body + chunk_size + (chunk_size & 1)
        if position >= size:
            return None
    return None


def _real_chunk_follows(handle: io.BufferedReader, offset: int, size: int) -> bool:
    """Whether the bytes at ``offset`` look like another chunk (printable id, fitting size)
    rather than samples."""
    handle.seek(offset)
    header = handle.read(8)
    if len(header) < 8 or not all(32 <= b < 127 for b in header[:4]):
        return False
    return offset + 8 + struct.unpack("<I", header[4:])[0] <= size


class PatchedFile(io.RawIOBase):
    """A read-only view of ``path`` with some byte ranges replaced (for soundfile's
    virtual I/O). The file on disk is never modified."""

    def __init__(self, path: str | os.PathLike[str], patch: tuple[tuple[int, bytes], ...]
                 ) -> None:
        super().__init__()
        self._file = open(Path(path), "rb")  # noqa: SIM115 - closed in close()
        self._patch = patch

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer) -> int:  # type: ignore[override]
        start = self._file.tell()
        count = self._file.readinto(buffer)
        if not count:
            return 0
        view = memoryview(buffer).cast("B")
        for offset, data in self._patch:
            first, last = max(start, offset), min(start + count, offset + len(data))
            if first < last:
                view[first - start : last - start] = data[first - offset : last - offset]
        return count

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()
