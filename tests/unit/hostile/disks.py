"""Hostile disks for the "nothing lost" tests: full, read-only, failing mid-write.

A real tiny tmpfs (needs mount permission, usually root: skipped otherwise) fills up
for real, libsndfile and fsync included; a read-only folder is a chmod 555 folder where
permissions apply and a read-only remounted tmpfs where they do not (root). Patching
gives the same failures portably: ``os.fdopen`` returns a file that fills up after a
budget of bytes (ENOSPC mid-write), or ``os.fsync`` fails as delayed allocation can.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@contextlib.contextmanager
def tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kb`` kB on ``folder`` (skip the test if not permitted)."""
    folder.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    result = subprocess.run(
        [mount or "mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0777", "tmpfs",
         str(folder)], capture_output=True) if mount else None
    if result is None or result.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave_bytes: int) -> None:
    """Fill the filesystem of ``folder`` until about ``leave_bytes`` remain free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with contextlib.suppress(OSError), open(folder / ".filler", "wb", buffering=0) as handle:
        handle.write(b"\0" * max(0, free - leave_bytes))


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """Make ``folder`` (already holding the test's files) read-only, for real."""
    folder.chmod(0o555)
    try:
        probe = folder / ".probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            yield folder  # permissions apply
            return
        probe.unlink()
    finally:
        folder.chmod(0o755)
    # root: permissions do not apply; remount a tmpfs read-only instead
    with tmpfs(folder.parent / (folder.name + "-ro"), 1024) as mounted:
        for item in folder.iterdir():
            shutil.copy2(item, mounted / item.name)
        result = subprocess.run(["mount", "-o", "remount,ro", str(mounted)],
                                capture_output=True)
        if result.returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield mounted


class FillsUp:
    """A file object that accepts ``budget`` bytes, then raises ENOSPC mid-write."""

    def __init__(self, handle, budget: int) -> None:
        self._handle = handle
        self._room = budget

    def write(self, data):
        if len(data) > self._room:
            self._handle.write(data[: self._room])
            self._room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return self._handle.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()

    def __getattr__(self, name: str):
        return getattr(self._handle, name)


def disk_fills_after(monkeypatch, budget: int) -> None:
    """Every file opened by ``atomic_write`` from now fills up after ``budget`` bytes."""
    real = os.fdopen

    def fdopen(fd, *args, **kwargs):
        return FillsUp(real(fd, *args, **kwargs), budget)

    monkeypatch.setattr(os, "fdopen", fdopen)


def fsync_fails(monkeypatch) -> None:
    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    """Names in ``folder`` other than ``keep`` and the filler (temp files left behind)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep | {".filler"})
