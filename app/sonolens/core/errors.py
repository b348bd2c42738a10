"""The exceptions Sonolens raises on purpose; anything else is a bug."""

from __future__ import annotations

from pathlib import Path


class SonolensError(Exception):
    """Base class: its message is meant for the user, one line."""


class ParameterError(SonolensError, ValueError):
    """An analysis parameter is invalid; the message names the parameter (as librosa does)."""


class AudioError(SonolensError):
    """A file could not be opened or decoded.

    The message reads ``<file>: <cause>`` so the CLI can print it after ``error:`` unchanged.
    """

    def __init__(self, path: str | Path, cause: str) -> None:
        self.path = Path(path)
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")


class OutputError(SonolensError):
    """A result could not be written; nothing that existed before was touched."""


class LabelFileError(SonolensError):
    """A label/annotation file is malformed: ``<file>:<line>: <cause>`` (line 0: the file
    as a whole), one line, for ``error:`` on the command line and the window's dialog."""

    def __init__(self, path: str | Path, line: int, cause: str) -> None:
        self.path = Path(path)
        self.line = line
        self.cause = cause
        where = f"{self.path.name}:{line}" if line > 0 else f"{self.path.name}"
        super().__init__(f"{where}: {cause}")
