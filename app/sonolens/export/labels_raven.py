"""Raven Pro selection tables (``*.selections.txt``): TAB-separated text with a header row.

Layout, as Raven Pro writes it (one row per selection *and view*)::

    Selection<TAB>View<TAB>Channel<TAB>Begin Time (s)<TAB>End Time (s)<TAB>Low Freq (Hz)
    <TAB>High Freq (Hz)<TAB>[measurements…]<TAB>Annotation
    1<TAB>Waveform 1<TAB>1<TAB>6.709509878<TAB>15.096397225<TAB>1739.012<TAB>3798.813…
    1<TAB>Spectrogram 1<TAB>1<TAB>6.709509878<TAB>15.096397225<TAB>1739.012<TAB>3798.813…

Rows with the same Selection and Channel but different views are one annotation (empty
cells of one view are filled from another, the Spectrogram row winning). The label is
the ``Annotation`` column, the tier the ``Tier`` column (written when any tier is named);
other columns (and a Channel other than 1) are kept in ``Annotation.extra`` and written
back. Times are written with 9 decimals and frequencies with 3, as Raven does; a point is
``Begin == End``; an annotation without a band gets empty frequency cells (read back as
no band). There is no quoting: TAB, CR and LF inside a label are written as spaces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.core.errors import LabelFileError, ParameterError
from sonolens.export.labels import LabelFormat
from sonolens.export.labels_fast import build, tiers_in_order

SELECTION = "Selection"
VIEW = "View"
CHANNEL = "Channel"
BEGIN = "Begin Time (s)"
END = "End Time (s)"
LOW = "Low Freq (Hz)"
HIGH = "High Freq (Hz)"
ANNOTATION = "Annotation"
TIER = "Tier"
KNOWN = (SELECTION, VIEW, CHANNEL, BEGIN, END, LOW, HIGH, ANNOTATION, TIER)
_KNOWN_LOWER = {name.lower(): name for name in KNOWN}
#: Time agreement (s) for two view rows to be the same selection.
_SAME_TIME = 1e-6


def _lines(text: str) -> list[str]:
    """Lines split at LF with a trailing CR removed (CRLF files), and a lone-CR file split
    at CR; other Unicode line separators stay inside labels."""
    if "\n" not in text and "\r" in text:
        return text.split("\r")
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def _header(line: str) -> list[str]:
    return [name.strip() for name in line.split("\t")]


def sniff(text: str) -> bool:
    """A first line with TAB-separated ``Begin Time (s)`` and ``End Time (s)`` columns."""
    first = text[:4096].lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if "\t" not in first:
        return False
    names = {name.lower() for name in _header(first)}
    return BEGIN.lower() in names and END.lower() in names


@dataclass
class _Row:
    """One selection while reading: its first line, times, band and cells by column."""

    line: int
    key: tuple[str, str]
    start: float
    end: float
    low: float | None
    high: float | None
    views: set[str]
    cells: dict[str, str] = field(default_factory=dict)
    spectrogram: bool = False


def _number(cell: str, column: str, path: Path, line: int) -> float:
    try:
        value = float(cell.strip())
    except ValueError:
        raise LabelFileError(path, line, f"{column} {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise LabelFileError(path, line, f"{column} {cell!r} is not a finite number")
    return value


def _frequency(cell: str, column: str, path: Path, line: int) -> float | None:
    """A band edge; an empty cell (or R's ``NA``, as Rraven's exp_raven writes) is none."""
    return None if cell.strip() in ("", "NA") else _number(cell, column, path, line)


def read(text: str, path: Path) -> AnnotationSet:
    """Parse a selection table; one annotation per selection (see module doc)."""
    lines = _lines(text)
    if not lines or not lines[0].strip():
        raise LabelFileError(path, 1, "no header line (a Raven selection table starts with "
                                      "'Selection<TAB>View<TAB>Channel<TAB>Begin Time (s)…')")
    names = _header(lines[0])
    while names and not names[-1]:
        names.pop()  # a trailing TAB on the header line
    canonical = [_KNOWN_LOWER.get(name.lower(), name) for name in names]
    for required in (BEGIN, END):
        if required not in canonical:
            raise LabelFileError(path, 1, f"the header has no {required!r} column")
    seen: set[str] = set()
    for name in canonical:
        if name in seen:
            raise LabelFileError(path, 1, f"the header has two {name!r} columns")
        seen.add(name)
    fast = _fast(lines[1:], canonical)
    if fast is not None:
        return AnnotationSet(tiers_in_order(fast), fast)
    rows: list[_Row] = []
    open_rows: dict[tuple[str, str], _Row] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) > len(canonical) and not any(c.strip() for c in cells[len(canonical):]):
            cells = cells[: len(canonical)]
        if len(cells) != len(canonical):
            raise LabelFileError(path, number, f"{len(cells)} TAB-separated fields, the header "
                                               f"has {len(canonical)}")
        row = dict(zip(canonical, cells, strict=True))
        start = _number(row[BEGIN], BEGIN, path, number)
        end = _number(row[END], END, path, number)
        low = _frequency(row.get(LOW, ""), LOW, path, number)
        high = _frequency(row.get(HIGH, ""), HIGH, path, number)
        selection = row.get(SELECTION, "").strip()
        channel = row.get(CHANNEL, "").strip()
        view = row.get(VIEW, "").strip()
        key = (selection, channel)
        current = open_rows.get(key) if selection else None
        if (current is not None and view not in current.views
                and abs(current.start - start) <= _SAME_TIME
                and abs(current.end - end) <= _SAME_TIME):
            _merge(current, row, view, low, high)
            continue
        try:
            Annotation(start, end, low_hz=low, high_hz=high).validate()
        except ParameterError as exc:
            raise LabelFileError(path, number, str(exc)) from None
        fresh = _Row(number, key, start, end, low, high, {view}, dict(row),
                     view.lower().startswith("spectrogram"))
        rows.append(fresh)
        open_rows[key] = fresh
    result = AnnotationSet()
    for fresh in rows:
        try:
            result.add(_annotation(fresh, canonical))
        except ParameterError as exc:
            raise LabelFileError(path, fresh.line, str(exc)) from None
    return result


def _fast(lines: list[str], columns: list[str]) -> list[Annotation] | None:
    """The annotations of a table with one row per selection (no views to merge, no
    blank or short lines, every number good), all at once; None for anything else."""
    if lines and not lines[-1]:
        lines = lines[:-1]  # the file's last line end
    rows = [line.split("\t") for line in lines]
    if set(map(len, rows)) - {len(columns)}:
        return None
    n = len(rows)
    cols = dict(zip(columns, zip(*rows, strict=True), strict=True)) if n else {}
    blank = ("",) * n
    if SELECTION in cols:
        keys = [(s.strip(), c.strip()) for s, c in zip(cols[SELECTION], cols.get(CHANNEL, blank),
                                                       strict=True) if s.strip()]
        if len(set(keys)) != len(keys):  # a selection shown in several views: merge them
            return None
    try:
        start = list(map(float, cols.get(BEGIN, ())))
        end = list(map(float, cols.get(END, ())))
        low, high = ([None if c.strip() in ("", "NA") else float(c)
                      for c in cols.get(name, blank)] for name in (LOW, HIGH))
    except ValueError:
        return None
    kept = [(name, cols[name]) for name in columns if name not in KNOWN or name == CHANNEL]
    extras = None
    if any(name != CHANNEL or any(c.strip() != "1" for c in col) for name, col in kept):
        extras = [tuple((name, col[k]) for name, col in kept
                        if name != CHANNEL or col[k].strip() != "1") for k in range(n)]
    return build(start, end, cols.get(ANNOTATION, blank), cols.get(TIER, blank), low, high,
                 extras)


def _merge(current: _Row, row: dict[str, str], view: str, low: float | None,
           high: float | None) -> None:
    """Fold another view's row of the same selection into ``current``."""
    current.views.add(view)
    wins = view.lower().startswith("spectrogram") and not current.spectrogram
    current.spectrogram = current.spectrogram or wins
    for name, value in row.items():
        if value.strip() and (wins or not current.cells.get(name, "").strip()):
            current.cells[name] = value
    if wins or current.low is None:
        current.low = low if low is not None else current.low
    if wins or current.high is None:
        current.high = high if high is not None else current.high


def _annotation(row: _Row, columns: list[str]) -> Annotation:
    extra = tuple((name, row.cells[name]) for name in columns
                  if name not in KNOWN or (name == CHANNEL and row.cells[name].strip() != "1"))
    return Annotation(row.start, row.end, label=row.cells.get(ANNOTATION, ""),
                      tier=row.cells.get(TIER, ""), low_hz=row.low, high_hz=row.high,
                      extra=extra)


def _cell(text: str) -> str:
    """A cell without the characters that would break the table (no quoting exists)."""
    return text.replace("\r\n", " ").replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _hz(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def write(annotations: AnnotationSet) -> str:
    """The table: one ``Spectrogram 1`` row per annotation, numbered 1… in tier order then
    start; a Tier column when any tier is named; extra columns before Annotation."""
    ordered = annotations.sorted()
    extra_names: list[str] = []
    for annotation in ordered:
        for name, _ in annotation.extra:
            if name not in KNOWN and name not in extra_names:
                extra_names.append(name)
    with_tier = any(a.tier for a in ordered)
    header = [SELECTION, VIEW, CHANNEL, BEGIN, END, LOW, HIGH, *extra_names]
    header += [TIER, ANNOTATION] if with_tier else [ANNOTATION]
    out = ["\t".join(_cell(name) for name in header)]
    for number, annotation in enumerate(ordered, start=1):
        extra = dict(annotation.extra)
        cells = [str(number), "Spectrogram 1", extra.get(CHANNEL, "1").strip() or "1",
                 f"{annotation.start:.9f}", f"{annotation.end:.9f}",
                 _hz(annotation.low_hz), _hz(annotation.high_hz),
                 *(extra.get(name, "") for name in extra_names)]
        if with_tier:
            cells.append(annotation.tier)
        cells.append(annotation.label)
        out.append("\t".join(_cell(cell) for cell in cells))
    return "\n".join(out) + "\n"


FORMAT = LabelFormat(name="raven", suffixes=(".txt", ".selections.txt"), sniff=sniff,
                     read=read, write=write)
