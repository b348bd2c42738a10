"""Reading and writing annotation (label) files: the format is detected from the content,
the extension is only a hint. Qt-free.

Each format is a :class:`LabelFormat` in a module ``export/labels_<name>.py`` (its
``FORMAT``), listed in :data:`FORMAT_MODULES`. ``read(text, path)`` parses decoded text
into an AnnotationSet and raises ``LabelFileError(path, line, cause)`` on malformed input;
``write(annotations)`` returns the file's text (``\\n`` line ends unless the format says
otherwise; :func:`write_labels` encodes and writes it atomically).
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sonolens.core.annotations import AnnotationSet
from sonolens.core.errors import LabelFileError
from sonolens.export.atomic import atomic_write

#: Modules holding one ``FORMAT`` each, in the order their ``sniff`` is tried.
FORMAT_MODULES = ("labels_textgrid", "labels_raven", "labels_csv", "labels_sv_csv",
                  "labels_audacity")


@dataclass(frozen=True)
class LabelFormat:
    """One annotation file format.

    ``name``: as in ``--to`` (audacity, raven, textgrid, sv-csv, csv); ``suffixes``: file
    name endings that hint at it (lower case, with the dot); ``sniff(text)``: whether the
    decoded text looks like this format (cheap: the first lines); ``encoding``: what
    :func:`write_labels` encodes the text with.
    """

    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[str], bool]
    read: Callable[[str, Path], AnnotationSet]
    write: Callable[[AnnotationSet], str]
    encoding: str = "utf-8"


def formats() -> dict[str, LabelFormat]:
    """Every format that is available, by name, in sniffing order."""
    found: dict[str, LabelFormat] = {}
    for module in FORMAT_MODULES:
        try:
            fmt = importlib.import_module(f"sonolens.export.{module}").FORMAT
        except ModuleNotFoundError:
            continue
        found[fmt.name] = fmt
    return found


def decode(data: bytes, path: Path) -> str:
    """Text of a label file: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LabelFileError(path, 0, f"not valid UTF-16 ({exc.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LabelFileError(path, line, "not UTF-8 text (save it as UTF-8 or UTF-16)") from None


def detect(text: str, path: Path) -> LabelFormat:
    """The format ``text`` is in: the one whose suffix ``path`` has, if its sniff agrees,
    else the first whose sniff does."""
    available = formats()
    suffix = path.suffix.lower()
    hinted = [f for f in available.values() if suffix in f.suffixes]
    for fmt in [*hinted, *available.values()]:
        if fmt.sniff(text):
            return fmt
    raise LabelFileError(path, 0, "not a label file Sonolens reads (Audacity labels, Raven "
                                  "selection table, Praat TextGrid, Sonic Visualiser CSV, "
                                  "Sonolens CSV)")


def read_labels(path: str | Path) -> tuple[AnnotationSet, LabelFormat]:
    """Read ``path`` in whatever supported format it is in."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LabelFileError(path, 0, exc.strerror or str(exc)) from None
    text = decode(data, path)
    if not text.strip() and "audacity" in formats():
        # an empty label track: Audacity exports it as an empty file
        return AnnotationSet(), formats()["audacity"]
    fmt = detect(text, path)
    gc_was_on = gc.isenabled()
    gc.disable()  # 100 000 annotations make no cycles: collecting while making them
    try:  # costs more than the reading itself
        return fmt.read(text, path), fmt
    finally:
        # the annotations just made live long: every tracked object goes to the oldest
        # generation at once (freeze + unfreeze: no traversal), so the next young
        # collections (on whichever thread) do not walk through 100 000 of them
        gc.freeze()
        gc.unfreeze()
        if gc_was_on:
            gc.enable()


def write_labels(annotations: AnnotationSet, path: str | Path, fmt: str | LabelFormat) -> Path:
    """Write ``annotations`` to ``path`` in format ``fmt`` (a name or a LabelFormat),
    atomically (temp file + rename)."""
    chosen = formats()[fmt] if isinstance(fmt, str) else fmt
    text = chosen.write(annotations)
    path = Path(path)
    with atomic_write(path, "wb") as out:  # raises OutputError, leaves path untouched
        out.write(text.encode(chosen.encoding))
    return path
