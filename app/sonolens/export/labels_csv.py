"""Sonolens' own annotation CSV: the file to load in pandas or a spreadsheet.

Header ``tier,start,end,low_hz,high_hz,label``, one annotation a row (tier order, then
start): times in seconds and band edges in Hz as shortest round-trip decimals (Python's
``repr``, exact), empty band cells when there is no band; a point has start == end. RFC
4180 quoting by the ``csv`` module (``\\n`` line ends). Columns a format carried that
Sonolens does not use (Raven's, in ``Annotation.extra``) follow ``label``.

Text cells (tier, label, extra) pass through the spreadsheet formula guard of
:mod:`sonolens.export.csv_text` (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, TAB, CR),
extended so that a text already starting with ``'`` and such a character keeps its quotes:
reading removes exactly one quote, so every label comes back byte-exact.

Reading takes the columns by name, in any order: start, end and label are required (tier,
low_hz and high_hz may be left out); an unnamed index column from pandas' ``to_csv`` is
ignored and other columns go to ``extra``; blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError, ParameterError
from sonolens.export.csv_text import safe_text, unsafe_text
from sonolens.export.labels import LabelFormat
from sonolens.export.labels_fast import build

COLUMNS = ("tier", "start", "end", "low_hz", "high_hz", "label")
#: What a file read must have (a hand-made ``start,end,label`` CSV reads: one unnamed tier).
REQUIRED = ("start", "end", "label")


def _number_text(value: float) -> str:
    return repr(float(value))


def _names(first_line: str) -> set[str]:
    try:
        return {name.strip() for name in next(csv.reader([first_line]))}
    except (csv.Error, StopIteration):
        return set()


def sniff(text: str) -> bool:
    """The first line is a CSV header naming (at least) the start, end and label columns."""
    return set(REQUIRED) <= _names(text[:4096].split("\n", 1)[0].rstrip("\r"))


def _float(cell: str, name: str, path: Path, line: int, *, empty_ok: bool) -> float | None:
    text = cell.strip()
    if not text:
        if empty_ok:
            return None
        raise LabelFileError(path, line, f"{name} is empty")
    try:
        value = float(text)
    except ValueError:
        raise LabelFileError(path, line, f"{name} {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise LabelFileError(path, line, f"{name} {cell!r} is not a finite number")
    return value


def _columns(header: list[str], path: Path) -> dict[str, int]:
    """Column index by (stripped) name; raises unless start, end and label are there and
    no named column appears twice."""
    where: dict[str, int] = {}
    for k, name in enumerate(header):
        if name.strip() in where and name.strip():
            raise LabelFileError(path, 1, f"column {name.strip()!r} appears twice in the "
                                          "header")
        where[name.strip()] = k
    missing = [name for name in REQUIRED if name not in where]
    if missing:
        raise LabelFileError(path, 1, "the header lacks column(s) " + ", ".join(missing)
                             + " (expected " + ",".join(COLUMNS) + ")")
    return where


def _cell(cells: list[str], where: dict[str, int], name: str) -> str:
    return cells[where[name]] if name in where else ""


def _row(cells: list[str], where: dict[str, int], extra: list[tuple[str, int]], path: Path,
         line: int) -> Annotation:
    start = _float(cells[where["start"]], "start", path, line, empty_ok=False)
    end = _float(cells[where["end"]], "end", path, line, empty_ok=False)
    low = _float(_cell(cells, where, "low_hz"), "low_hz", path, line, empty_ok=True)
    high = _float(_cell(cells, where, "high_hz"), "high_hz", path, line, empty_ok=True)
    assert start is not None and end is not None
    annotation = Annotation(start, end, unsafe_text(cells[where["label"]]),
                            unsafe_text(_cell(cells, where, "tier")), low, high,
                            tuple((name, unsafe_text(cells[k])) for name, k in extra))
    try:
        return annotation.validate()
    except ParameterError as exc:
        raise LabelFileError(path, line, str(exc)) from None


def read(text: str, path: Path) -> AnnotationSet:
    """The annotations of a Sonolens CSV; tiers in order of first appearance (a tier whose
    annotations are all points is a point tier)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise LabelFileError(path, 1, "empty file: no header " + ",".join(COLUMNS))
        where = _columns(header, path)
        extra = [(name, k) for k, name in enumerate(header)
                 if name.strip() and name.strip() not in COLUMNS]
        rows = list(reader)
    except csv.Error:
        rows = None  # read again below, row by row: that names the line
    fast = None if rows is None else _fast(rows, header, where, extra)
    if fast is not None:
        return _tiers(fast)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        next(reader)
        annotations: list[Annotation] = []
        line = reader.line_num + 1
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                if len(cells) != len(header):
                    raise LabelFileError(path, line, f"{len(cells)} cells where the header "
                                                     f"has {len(header)}")
                annotations.append(_row(cells, where, extra, path, line))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise LabelFileError(path, reader.line_num, f"malformed CSV ({exc})") from None
    return _tiers(annotations)


def _fast(rows: list[list[str]], header: list[str], where: dict[str, int],
          extra: list[tuple[str, int]]) -> list[Annotation] | None:
    """The annotations of well-formed ``rows`` (every row full, every number good), all
    columns at once; None when a row needs a closer look (blank, short, bad number)."""
    if set(map(len, rows)) - {len(header)}:
        return None
    columns = list(zip(*rows, strict=True)) or [()] * len(header)

    def text(name: str) -> list[str]:
        if name not in where:
            return [""] * len(rows)
        return list(map(unsafe_text, columns[where[name]]))

    def hz(name: str) -> list[float | None] | None:
        if name not in where:
            return None
        return [float(c) if c.strip() else None for c in columns[where[name]]]

    try:
        start = list(map(float, columns[where["start"]]))
        end = list(map(float, columns[where["end"]]))
        low, high = hz("low_hz"), hz("high_hz")
    except ValueError:
        return None
    extras = ([tuple((name, unsafe_text(cells[k])) for name, k in extra) for cells in rows]
              if extra else None)
    return build(start, end, text("label"), text("tier"), low, high, extras)


def _tiers(annotations: list[Annotation]) -> AnnotationSet:
    """The set: tiers in order of first appearance, a point tier when all are points."""
    points: dict[str, bool] = {}
    for a in annotations:
        points[a.tier] = points.get(a.tier, True) and a.is_point
    return AnnotationSet([Tier(name, is_points) for name, is_points in points.items()],
                         annotations)


def write(annotations: AnnotationSet) -> str:
    """The CSV text: header, then one row per annotation (tier order, then start)."""
    ordered = annotations.sorted()
    extra = list(dict.fromkeys(name for a in ordered for name, _ in a.extra
                               if name not in COLUMNS))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # with "\n" line ends the csv module leaves a lone "\r" unquoted: such rows quote all
    quoting_all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([*COLUMNS, *extra])
    for a in ordered:
        values = dict(a.extra)
        row = [safe_text(a.tier), _number_text(a.start), _number_text(a.end),
               "" if a.low_hz is None else _number_text(a.low_hz),
               "" if a.high_hz is None else _number_text(a.high_hz),
               safe_text(a.label), *(safe_text(values.get(name, "")) for name in extra)]
        (quoting_all if any("\r" in cell for cell in row) else writer).writerow(row)
    return out.getvalue()


FORMAT = LabelFormat(name="csv", suffixes=(".csv",), sniff=sniff, read=read, write=write)
