"""One cache entry on disk: a directory of ``.npy`` arrays and a ``meta.json``.

``meta.json`` holds the format version, the entry's key (repeated: a reader checks it
against the key it expects), the result's scalar facts and every array's shape, dtype and
byte size. An entry is written into a temporary directory of the cache root and renamed
into place, so a reader sees a whole entry or none. A reader trusts nothing: arrays are
loaded with ``allow_pickle=False`` and checked against the meta; any mismatch or error is
a miss and the bad entry is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 1
META = "meta.json"
TEMP_PREFIX = ".part-"  # entries being written (or left by a crash): never read
_ALLOWED_DTYPES = {"<f4", "<f8", "<i8", "<i4", "|u1", "|b1"}
_MAX_META_BYTES = 1 << 20
#: arrays from this size on are memory-mapped (read when used), smaller ones read at once
MMAP_MIN_BYTES = 8 * 2**20


class BadEntry(Exception):
    """An entry that is not what its key promises (corrupt, partial, foreign)."""


def write_entry(root: Path, name: str, key: dict[str, Any], facts: dict[str, Any],
                arrays: dict[str, np.ndarray]) -> int:
    """Write entry ``name`` under ``root`` atomically (replacing an older one); returns
    its size in bytes. Raises OSError; leaves no partial entry behind."""
    root.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    try:
        described = {}
        for array_name, array in arrays.items():
            array = np.ascontiguousarray(array)
            np.save(temp / f"{array_name}.npy", array, allow_pickle=False)
            described[array_name] = {"shape": list(array.shape), "dtype": array.dtype.str,
                                     "bytes": int(array.nbytes)}
        meta = {"format": FORMAT_VERSION, "key": key, "facts": facts, "arrays": described}
        (temp / META).write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
        _fsync_files(temp)
        size = entry_bytes(temp)
        _replace(temp, root / name)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return size


def read_entry(root: Path, name: str, key: dict[str, Any], *, mmap: bool = True
               ) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """(facts, arrays) of entry ``name`` if it holds ``key`` and is whole; None if there
    is none. A bad entry is removed and None returned. A hit marks it recently used.
    With ``mmap``, arrays of MMAP_MIN_BYTES or more are read-only memory maps (pages read
    when used: a reopen does not wait for them), smaller ones are read now."""
    folder = root / name
    if not folder.is_dir():
        return None
    try:
        facts, arrays = _read(folder, key, mmap=mmap)
    except Exception:  # whatever is wrong with it, it is not used
        remove_entry(folder)
        return None
    touch(folder)
    return facts, arrays


def _read(folder: Path, key: dict[str, Any], *, mmap: bool
          ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    meta_file = folder / META
    if meta_file.stat().st_size > _MAX_META_BYTES:
        raise BadEntry("meta too large")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise BadEntry("foreign format")
    if _canonical(meta.get("key")) != _canonical(key):
        raise BadEntry("another key")
    described, facts = meta.get("arrays"), meta.get("facts")
    if not isinstance(described, dict) or not isinstance(facts, dict):
        raise BadEntry("meta without arrays or facts")
    arrays = {}
    for array_name, info in described.items():
        if not isinstance(array_name, str) or not array_name.isidentifier():
            raise BadEntry("bad array name")
        shape, dtype = tuple(info["shape"]), info["dtype"]
        if dtype not in _ALLOWED_DTYPES or not all(isinstance(n, int) and n >= 0
                                                    for n in shape):
            raise BadEntry("bad array description")
        mapped = mmap and isinstance(info["bytes"], int) and info["bytes"] >= MMAP_MIN_BYTES
        array = np.load(folder / f"{array_name}.npy", mmap_mode="r" if mapped else None,
                        allow_pickle=False)
        if (array.shape != shape or array.dtype.str != dtype
                or array.nbytes != info["bytes"]):
            raise BadEntry(f"{array_name}: not as described")
        arrays[array_name] = array
    return facts, arrays


def entry_bytes(folder: Path) -> int:
    """Bytes of the files in ``folder`` (0 if it is gone)."""
    try:
        return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    except OSError:
        return 0


def touch(folder: Path) -> None:
    """Mark ``folder`` as used now (its mtime orders the LRU)."""
    try:
        now = time.time_ns()
        os.utime(folder, ns=(now, now))
    except OSError:
        pass


def remove_entry(folder: Path) -> None:
    """Remove ``folder``: renamed aside first, so no reader sees it half removed."""
    aside = folder.with_name(f"{TEMP_PREFIX}gone-{folder.name}-{os.getpid()}-{time.time_ns()}")
    try:
        os.rename(folder, aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def _replace(temp: Path, target: Path) -> None:
    """Put ``temp`` where ``target`` is (an older entry is moved aside, then removed)."""
    try:
        os.rename(temp, target)
        return
    except OSError:
        if not target.exists():
            raise
    remove_entry(target)
    os.rename(temp, target)


def _fsync_files(folder: Path) -> None:
    for file in folder.iterdir():
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True)
