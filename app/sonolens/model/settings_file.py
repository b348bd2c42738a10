"""Make a settings INI file safe for QSettings to read, before it reads it.

QSettings turns values written as ``@Variant(...)`` or ``@DateTime(...)`` into objects via
QDataStream, and PySide registers a stream operator for Python objects that *unpickles*
them: a crafted settings file would run code when Sonolens starts. Sonolens itself only
writes strings and ``@ByteArray(...)``, so lines that would deserialise anything else are
foreign and are dropped (the original is kept as ``<file>.corrupt``). A file too large to
be ours is set aside the same way. No Qt here: this runs before any QSettings exists.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sonolens.core.errors import OutputError
from sonolens.export.atomic import atomic_write

MAX_BYTES = 1 << 20  # Sonolens writes a few kB; anything beyond 1 MB is not its file
_DESERIALISING = ("@Variant(", "@DateTime(")
# Qt INI escapes: \xHHHH (greedy hex), \ooo (octal), backslash-newline (continuation), \c
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]+|[0-7]{1,3}|\r?\n|.)", re.DOTALL)
_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def defuse_settings_file(path: str | os.PathLike[str]) -> bool:
    """Drop lines of the INI file at ``path`` that QSettings would deserialise; returns
    True if the file was changed (or set aside). A missing file is left missing."""
    file = Path(path)
    try:
        if not file.is_file():
            return False
        if file.stat().st_size > MAX_BYTES:
            os.replace(file, _aside(file))
            return True
        raw = file.read_bytes()
    except OSError:
        return False
    lines = logical_lines(raw.decode("utf-8", errors="surrogateescape"))
    kept = [line for line in lines if not deserialises(line)]
    if len(kept) == len(lines):
        return False
    try:
        with atomic_write(_aside(file), "wb") as handle:
            handle.write(raw)
        with atomic_write(file, "wb") as handle:
            handle.write("".join(kept).encode("utf-8", errors="surrogateescape"))
    except OutputError:
        return False  # cannot rewrite (read-only): Settings reads nothing from it instead
    return True


def deserialises(line: str) -> bool:
    """Whether QSettings would build an object from ``line`` through QDataStream.

    Conservative: the whole line (key, value, list elements) is unescaped the way Qt's
    INI reader does (quotes dropped, escapes decoded, continuations joined) and searched.
    """
    return any(tag in unescaped(line) for tag in _DESERIALISING)


def unescaped(text: str) -> str:
    """``text`` with Qt INI quoting and escapes undone (greedy: never misses an '@')."""
    out = []
    position = 0
    for match in _ESCAPE.finditer(text):
        out.append(text[position : match.start()].replace('"', ""))
        out.append(_decode(match.group(1)))
        position = match.end()
    out.append(text[position:].replace('"', ""))
    return "".join(out)


def logical_lines(text: str) -> list[str]:
    """Physical lines (with their ends), a line ending in an odd number of backslashes
    joined with the next one, as Qt continues a value."""
    lines: list[str] = []
    pending = ""
    for line in text.splitlines(keepends=True):
        pending += line
        body = line.rstrip("\r\n")
        if (len(body) - len(body.rstrip("\\"))) % 2 == 1 and body != line:
            continue
        lines.append(pending)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _decode(escape: str) -> str:
    if escape[0] == "x":
        code = int(escape[1:], 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    if escape[0] in "01234567":
        return chr(int(escape, 8))
    if escape[0] in "\r\n":
        return ""
    return _SIMPLE.get(escape, escape)


def _aside(file: Path) -> Path:
    return file.with_name(file.name + ".corrupt")
