"""Who a file is, for the cache: resolved path, size, mtime and a hash of three blocks."""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

BLOCK = 64 * 1024  # bytes hashed at the start, the middle and the end of the file


@dataclass(frozen=True)
class FileIdentity:
    """A file as it was when identified: a change of size, mtime (ns) or of the bytes of
    a hashed block (sha256 of 3 x 64 KiB) gives another identity."""

    path: str
    size: int
    mtime_ns: int
    digest: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def identify(path: str | os.PathLike[str]) -> FileIdentity:
    """The identity of the file at ``path``; raises OSError if it cannot be read."""
    resolved = Path(path).resolve()
    with open(resolved, "rb") as handle:
        stat = os.fstat(handle.fileno())
        digest = hashlib.sha256()
        size = stat.st_size
        for start in sorted({0, max(0, size // 2 - BLOCK // 2), max(0, size - BLOCK)}):
            handle.seek(start)
            digest.update(start.to_bytes(8, "little"))
            digest.update(handle.read(BLOCK))
    return FileIdentity(str(resolved), size, stat.st_mtime_ns, digest.hexdigest())
