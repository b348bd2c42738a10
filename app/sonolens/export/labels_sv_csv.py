"""Sonic Visualiser CSV layer files (File > Export Annotation Layer, comma separator), as
svcore writes them (base/Event.h ``toStringExportRow``, data/model/BoxModel.h
``toStringExportRows``, base/StringBits.cpp ``joinDelimited``, base/RealTimeSV.cpp):

- time instants: ``TIME[,LABEL]``; regions: ``TIME,VALUE,DURATION[,LABEL]``; boxes:
  ``START,END,EXTENT START,EXTENT END[,LABEL]`` (times and durations in seconds with 9
  decimals, ``RealTime::toString``; VALUE and extents as Qt's ``%g``, 6 digits);
- an empty label drops the last column; a cell holding a comma is quoted with ``"`` and
  its ``"`` doubled; rows end with ``\\n``, none after the last; an optional header row
  (``TIME,VALUE,DURATION,LABEL`` ...) when the user ticked it. SV's reader skips ``#`` lines.

Writing: one layer per file, so the set is written as the layer that holds it: boxes when
any annotation has a band (band-less ones get empty extent cells, which SV reads as 0),
else regions when any is a span (VALUE is always ``0``, an integer so that SV's import
guesser tells VALUE from DURATION; points are zero-duration regions), else instants. Rows
are sorted by start (SV finds the time column by its increasing values); tiers are lost.
Extents keep more than 6 digits when needed to read back exactly. Labels are also quoted
when they start with a quote or hold a line break (SV would split those otherwise).

Reading accepts the three layouts (and note layers, ``TIME,VALUE,DURATION,LEVEL,LABEL``),
with or without the header; times in frames (``FRAME`` header) are refused (no sample
rate). Without a header the layout comes from the widest row: 1-2 columns instants, 3
regions (or a text layer, ``TIME,VALUE,LABEL``, when no third cell is a duration), 4
regions or boxes, 5 boxes or notes (told apart by which column holds a time with 9
decimals). VALUE and LEVEL are dropped. Everything lands in one unnamed tier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError, ParameterError
from sonolens.export.labels import LabelFormat
from sonolens.export.labels_fast import build

#: A number cell (SV writes ``-?\d+\.\d{9}`` times and ``%g`` values); no NaN/inf.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SV_TIME = re.compile(r"-?\d+\.\d{9}")
_LINE_END = re.compile(r"(\r\n|\r|\n)")

# Column roles; a layout is a tuple of roles, one per column.
START, END, DURATION, LOW, HIGH, LABEL, IGNORED = (
    "TIME", "END", "DURATION", "EXTENT START", "EXTENT END", "LABEL", "")
INSTANTS = (START, LABEL)
REGIONS = (START, IGNORED, DURATION, LABEL)
BOXES = (START, END, LOW, HIGH, LABEL)
NOTES = (START, IGNORED, DURATION, IGNORED, LABEL)
TEXT = (START, IGNORED, LABEL)

#: Header names SV writes (upper case), by role.
_HEADER_ROLES = {"TIME": START, "START": START, "END": END, "DURATION": DURATION,
                 "EXTENT START": LOW, "EXTENT END": HIGH, "LABEL": LABEL,
                 "VALUE": IGNORED, "LEVEL": IGNORED, "URI": IGNORED}
_FRAME_HEADERS = {"FRAME", "STARTFRAME", "ENDFRAME"}


class _Unterminated(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of each row, ``line`` 1-based where the row starts; blank lines and
    lines starting with ``#`` are skipped. A cell starting with ``"`` is quoted (``""`` is
    one ``"``; it may span lines, keeping their line ends); other ``"`` are literal.
    Raises _Unterminated when a quote is never closed."""
    parts = _LINE_END.split(text)
    lines, ends = parts[0::2], [*parts[1::2], ""]
    i = 0
    while i < len(lines):
        line, start = lines[i], i + 1
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        cells: list[str] = []
        pos = 0
        while True:
            cell: list[str] = []
            if line.startswith('"', pos):
                pos += 1
                while True:
                    quote = line.find('"', pos)
                    if quote < 0:
                        if i + 1 >= len(lines):
                            raise _Unterminated(start)
                        cell += [line[pos:], ends[i]]
                        i, line, pos = i + 1, lines[i + 1], 0
                        continue
                    cell.append(line[pos:quote])
                    if line.startswith('"', quote + 1):
                        cell.append('"')
                        pos = quote + 2
                        continue
                    pos = quote + 1
                    break
            comma = line.find(",", pos)
            cell.append(line[pos:] if comma < 0 else line[pos:comma])
            cells.append("".join(cell))
            if comma < 0:
                break
            pos = comma + 1
        yield start, cells
        i += 1


def _is_number(cell: str) -> bool:
    return _NUMBER.fullmatch(cell.strip()) is not None


def _header_layout(cells: list[str], line: int, path: Path) -> tuple[str, ...]:
    names = [c.strip().upper() for c in cells]
    if _FRAME_HEADERS & set(names):
        raise LabelFileError(path, line, "times are in sample frames (FRAME column); export "
                                         "the layer from Sonic Visualiser with times in "
                                         "seconds")
    unknown = [c for c, n in zip(cells, names, strict=True) if n not in _HEADER_ROLES]
    if unknown:
        raise LabelFileError(path, line, f"{unknown[0]!r} is not a Sonic Visualiser column "
                                         "(expected a header like TIME,VALUE,DURATION,LABEL "
                                         "or a time in seconds)")
    layout = tuple(_HEADER_ROLES[n] for n in names)
    if layout.count(START) != 1:
        raise LabelFileError(path, line, "the header needs one TIME (or START) column")
    return layout


def _guess_layout(rows: list[tuple[int, list[str]]], path: Path) -> tuple[str, ...]:
    """The layout of header-less rows (see module doc)."""
    width = max(len(cells) for _, cells in rows)
    if width > 5:
        line = next(n for n, cells in rows if len(cells) == width)
        raise LabelFileError(path, line, f"{width} columns: a Sonic Visualiser layer has at "
                                         "most 5 (START,END,EXTENT START,EXTENT END,LABEL)")
    if width <= 2:
        return INSTANTS
    if width == 3:
        third = [cells[2].strip() for _, cells in rows if len(cells) == 3]
        if any(_SV_TIME.fullmatch(c) for c in third) or all(_is_number(c) for c in third):
            return REGIONS
        return TEXT
    full = [cells for _, cells in rows if len(cells) == width]
    time_in_1 = all(_SV_TIME.fullmatch(c[1].strip()) for c in full)
    time_in_2 = all(_SV_TIME.fullmatch(c[2].strip()) for c in full)
    if width == 5:
        return NOTES if time_in_2 and not time_in_1 else BOXES
    if (any(len(cells) == 3 for _, cells in rows)
            or not all(_is_number(c[3]) for c in full)):
        return REGIONS  # a box row never has 3 cells nor a label in its 4th
    if time_in_1 != time_in_2:
        return BOXES if time_in_1 else REGIONS
    boxes = all(_is_number(c[0]) and _is_number(c[1]) and _is_number(c[2])
                and float(c[1]) >= float(c[0]) and float(c[3]) >= float(c[2]) for c in full)
    return BOXES if boxes else REGIONS


def _annotation(cells: list[str], layout: tuple[str, ...], line: int,
                path: Path) -> Annotation:
    if len(cells) not in (len(layout), len(layout) - (layout[-1] == LABEL)):
        expected = ",".join(role or "VALUE" for role in layout)
        raise LabelFileError(path, line, f"{len(cells)} columns where the layer has "
                                         f"{len(layout)} ({expected})")
    label = ""
    numbers: dict[str, Decimal | None] = {}
    for role, cell in zip(layout, cells, strict=False):
        if role == LABEL:
            label = cell
        elif role in (LOW, HIGH) and not cell.strip():
            numbers[role] = None  # written by Sonolens for a box without a band
        elif role:
            if not _is_number(cell):
                raise LabelFileError(path, line, f"{role} {cell!r} is not a number")
            numbers[role] = Decimal(cell.strip())
    start = numbers[START]
    assert start is not None  # only extents may be empty
    end, duration = numbers.get(END), numbers.get(DURATION)
    if duration is not None:
        end = start + duration
    elif end is None:
        end = start
    low, high = numbers.get(LOW), numbers.get(HIGH)
    try:
        return Annotation(float(start), float(end), label,
                          low_hz=None if low is None else float(low),
                          high_hz=None if high is None else float(high)).validate()
    except ParameterError as exc:
        raise LabelFileError(path, line, str(exc)) from None


def _plain_rows(text: str) -> list[tuple[int, list[str]]] | None:
    """_rows of a text without quotes (what SV writes for labels without ``,`` or ``"``),
    at once; None when there are quotes."""
    if '"' in text:
        return None
    lines = _LINE_END.split(text)[0::2]
    return [(k, line.split(",")) for k, line in enumerate(lines, start=1)
            if line.strip() and not line.startswith("#")]


def _fast(rows: list[tuple[int, list[str]]], layout: tuple[str, ...]) -> list[Annotation] | None:
    """The annotations of ``rows`` in ``layout``, all at once; None when a row needs a
    closer look (a cell count or number that _annotation would report)."""
    width = len(layout)
    cells = [c for _, c in rows]
    lengths = set(map(len, cells))
    short = width - 1 if layout[-1] == LABEL else width
    if lengths - {width, short}:
        return None
    if short in lengths and short != width:
        cells = [c if len(c) == width else [*c, ""] for c in cells]
    columns = dict(zip(layout, zip(*cells, strict=True), strict=False))  # IGNORED: any

    def numbers(role: str) -> list[str] | None:
        column = columns.get(role)
        if column is not None and not all(map(_NUMBER.fullmatch, column)):
            raise ValueError(role)
        return None if column is None else list(column)

    def band(role: str) -> list[float | None] | None:
        column = columns.get(role)
        if column is None:
            return None
        if not all(_NUMBER.fullmatch(c) for c in column if c.strip()):
            raise ValueError(role)
        return [float(c) if c.strip() else None for c in column]

    try:
        start, end, duration = numbers(START), numbers(END), numbers(DURATION)
        low, high = band(LOW), band(HIGH)
    except ValueError:
        return None
    assert start is not None
    if duration is not None:  # in decimal, as _annotation adds them
        ends = [float(Decimal(a) + Decimal(d)) for a, d in zip(start, duration, strict=True)]
    else:
        ends = list(map(float, end if end is not None else start))
    labels = columns.get(LABEL, ("",) * len(cells))
    return build(list(map(float, start)), ends, labels, "", low, high)


def read(text: str, path: Path) -> AnnotationSet:
    """Annotations of a Sonic Visualiser CSV layer (see module doc), one unnamed tier."""
    try:
        rows = _plain_rows(text) or list(_rows(text))
    except _Unterminated as exc:
        raise LabelFileError(path, exc.line, "a quoted label is never closed") from None
    if not rows:
        return AnnotationSet()
    layout: tuple[str, ...] | None = None
    if not _is_number(rows[0][1][0]):
        layout = _header_layout(rows[0][1], rows[0][0], path)
        rows = rows[1:]
        if not rows:
            return AnnotationSet()
    if layout is None:
        layout = _guess_layout(rows, path)
    annotations = _fast(rows, layout)
    if annotations is None:
        annotations = [_annotation(cells, layout, line, path) for line, cells in rows]
    points = END not in layout and DURATION not in layout
    return AnnotationSet([Tier("", points=points)], annotations)


def _time(seconds: float) -> str:
    """Seconds as SV's RealTime::toString: 9 decimals."""
    text = f"{seconds:.9f}"
    return "0.000000000" if text == "-0.000000000" else text


def _hz(value: float | None) -> str:
    """Qt's ``%g`` (6 significant digits) when that reads back exactly, else more."""
    if value is None:
        return ""
    for digits in range(6, 18):
        text = f"{value:.{digits}g}"
        if float(text) == value:
            return text
    return repr(value)


def _label(label: str) -> str:
    """SV quotes a cell holding the separator (``"`` doubled); Sonolens also quotes one
    that starts with a quote or holds a line break, so that it reads back as written."""
    if "," in label or "\n" in label or "\r" in label or label.startswith(('"', "'")):
        return '"' + label.replace('"', '""') + '"'
    return label


def write(annotations: AnnotationSet) -> str:
    """The set as one SV layer (see module doc): rows by start, ``\\n`` between rows."""
    ordered = sorted(annotations.sorted(), key=lambda a: (a.start, a.end))
    boxes = any(a.has_band for a in ordered)
    regions = any(not a.is_point for a in ordered)
    rows = []
    for a in ordered:
        start, end = _time(a.start), _time(a.end)
        if boxes:
            cells = [start, end, _hz(a.low_hz), _hz(a.high_hz)]
        elif regions:
            cells = [start, "0", f"{Decimal(end) - Decimal(start):.9f}"]
        else:
            cells = [start]
        if a.label:
            cells.append(_label(a.label))
        rows.append(",".join(cells))
    return "\n".join(rows)


def sniff(text: str) -> bool:
    """Whether the first rows look like an SV layer: a header SV writes, or rows of at most
    5 comma-separated cells starting with a number (no TAB, no other header)."""
    head = text[:4096]
    if len(text) > len(head):
        head = head[: max(head.rfind("\n"), 0)]
    found: list[list[str]] = []
    try:
        for _, cells in _rows(head):
            found.append(cells)
            if len(found) == 5:
                break
    except _Unterminated:
        pass
    if not found:
        return False
    first = found[0]
    if not _is_number(first[0]):
        names = {c.strip().upper() for c in first}
        known = set(_HEADER_ROLES) | _FRAME_HEADERS
        if not names <= known or not names & {"TIME", "START", "FRAME", "STARTFRAME"}:
            return False
        found = found[1:]
    return all(1 <= len(cells) <= 5 and _is_number(cells[0]) for cells in found)


FORMAT = LabelFormat(name="sv-csv", suffixes=(".csv",), sniff=sniff, read=read, write=write)
