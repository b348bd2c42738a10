"""Refuse to write a result over one of the files it is computed from (no Qt).

Every writer path (``extract``, ``dataset``, ``render``, the window's exports and its
screenshot) calls :func:`refuse_own_inputs` before it writes anything. Two paths name the
same file when they stat to the same (device, inode): the same path spelt differently, a
symbolic link or a hard link. An output that does not exist yet cannot be an input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sonolens.core.errors import ParameterError

Path_ = str | os.PathLike[str]


def file_identity(path: Path_) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the file ``path`` names (links followed); None if there is none."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


def refuse_own_inputs(outputs: Iterable[Path_], inputs: Iterable[Path_]) -> None:
    """Raise :class:`ParameterError` (one line) if any of ``outputs`` is one of ``inputs``.

    Costs one ``stat`` per output, and one per input only when some output exists already.
    """
    existing: dict[tuple[int, int], Path_] = {}
    for output in outputs:
        identity = file_identity(output)
        if identity is not None:
            existing.setdefault(identity, output)
    if not existing:
        return
    for item in inputs:
        identity = file_identity(item)
        output = existing.get(identity) if identity is not None else None
        if output is None:
            continue
        if os.path.abspath(output) == os.path.abspath(item):
            raise ParameterError(f"{output} is one of the inputs: refusing to write over it "
                                 "(choose another output file)")
        raise ParameterError(f"{output} is the same file as the input {item} (a link): "
                             "refusing to write over it (choose another output file)")
