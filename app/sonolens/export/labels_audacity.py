"""Audacity label track text files (File > Export/Import > Labels), read and written.

Layout, from Audacity's ``LabelStruct::Export``/``Import`` (au3-label-track/LabelTrack.cpp):
one label a line, UTF-8, ``start<TAB>end<TAB>label`` with times in seconds written
``%.6f`` (``Internat::ToString(t, FLT_DIG)``); a point has start == end. A spectral label
(a box) is followed by ``\\<TAB>low<TAB>high`` in Hz, ``%.6f``, a negative value meaning
undefined (Audacity writes -1.000000). Further lines starting with ``\\`` are reserved for
future fields and skipped. Audacity also reads one-value lines (``start<TAB>label``: a
point) and ``,`` as the decimal separator; so does this reader.

No tiers: reading names the one tier after the file's stem (as Audacity names the track);
writing puts every tier's labels in one file (tier order, then start). A label is one line
and TAB separates fields: line breaks and TABs in labels are written as spaces.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError, ParameterError
from sonolens.export.labels import LabelFormat
from sonolens.export.labels_fast import build

CONTINUATION = "\\"
_LINES = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_UNSAFE = re.compile(r"[\t\r\n]")  # what splits Audacity's lines and fields
_UNDEFINED_HZ = -1.0
_N = r"([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)"
#: a label line as Audacity writes it, maybe followed by its band line (``\n`` ends)
_RECORD = re.compile(rf"({_N}\t{_N}\t([^\n]*)\n(?:\\\t{_N}\t{_N}\n)?)")


def _number(field: str) -> float | None:
    """``field`` as Audacity reads a number (``.`` or ``,`` decimal), None if it is none."""
    text = field.strip().replace(",", ".")
    return float(text) if _NUMBER.fullmatch(text) else None


def _non_finite(field: str) -> bool:
    return field.strip().lower().lstrip("+-") in ("nan", "inf", "infinity")


def _time(field: str, what: str, path: Path, line: int) -> float:
    value = _number(field)
    if value is None:
        kind = "a finite number" if _non_finite(field) else "a number"
        raise LabelFileError(path, line, f"{what} {field!r} is not {kind}")
    return value


def _hz(field: str, what: str, path: Path, line: int) -> float | None:
    """A band edge: None when negative (Audacity's undefined frequency)."""
    value = _time(field, what, path, line)
    return value if value >= 0 else None


def sniff(text: str) -> bool:
    """The first line that is not blank or a ``\\`` line starts with a number and a TAB."""
    for line in _LINES.split(text[:4096], maxsplit=64):
        if not line.strip() or line.startswith(CONTINUATION):
            continue
        first, tab, _ = line.partition("\t")
        return bool(tab) and _number(first) is not None
    return False


def _label_line(line: str, tier: str, path: Path, number: int) -> Annotation:
    fields = line.split("\t", 2)
    start = _time(fields[0], "start time", path, number)
    if len(fields) > 1 and _non_finite(fields[1]):
        _time(fields[1], "end time", path, number)  # raises: Audacity reads it as a time
    end = _number(fields[1]) if len(fields) > 1 else None
    if end is None:  # one-value line: a point, the rest is the label (as Audacity reads it)
        return Annotation(start, start, "\t".join(fields[1:]), tier)
    return Annotation(start, end, fields[2] if len(fields) > 2 else "", tier)


def _with_band(annotation: Annotation, line: str, path: Path, number: int) -> Annotation:
    fields = line.split("\t")
    if len(fields) < 3:
        raise LabelFileError(path, number, "a band line needs \\, low and high Hz "
                                           "separated by TABs")
    return replace(annotation, low_hz=_hz(fields[1], "low frequency", path, number),
                   high_hz=_hz(fields[2], "high frequency", path, number))


def _checked(annotation: Annotation, path: Path, number: int) -> Annotation:
    try:
        return annotation.validate()
    except ParameterError as exc:
        raise LabelFileError(path, number, str(exc)) from None


def _fast(text: str, tier: str) -> list[Annotation] | None:
    """The labels of a file laid out exactly as Audacity writes it (``start<TAB>end<TAB>
    label`` lines, each maybe followed by one band line, no blank lines), all at once;
    None for anything else (read line by line)."""
    text = text.replace("\r\n", "\n")
    if "\r" in text or not text.endswith("\n"):
        return None
    records = _RECORD.findall(text)
    if sum(len(r[0]) for r in records) != len(text):  # not every line is such a record
        return None
    try:
        start = [float(r[1].replace(",", ".")) for r in records]
        end = [float(r[2].replace(",", ".")) for r in records]
        low = [float(r[4].replace(",", ".")) if r[4] else -1.0 for r in records]
        high = [float(r[5].replace(",", ".")) if r[5] else -1.0 for r in records]
    except ValueError:
        return None
    return build(start, end, [r[3] for r in records], tier,
                 [v if v >= 0 else None for v in low], [v if v >= 0 else None for v in high])


def read(text: str, path: Path) -> AnnotationSet:
    """The labels of an Audacity label file, in one tier named after ``path``'s stem."""
    tier = path.stem
    fast = _fast(text, tier)
    if fast is not None:
        tiers = [Tier(tier, points=all(a.is_point for a in fast))] if fast else []
        return AnnotationSet(tiers, fast)
    annotations: list[Annotation] = []
    band_may_follow = False  # only the first "\" line right after a label gives its band
    for number, line in enumerate(_LINES.split(text), start=1):
        if line.startswith(CONTINUATION):
            if band_may_follow and line.split("\t", 1)[0] == CONTINUATION:
                annotations[-1] = _checked(_with_band(annotations[-1], line, path, number),
                                           path, number)
            band_may_follow = False
        elif line.strip():
            annotations.append(_checked(_label_line(line, tier, path, number), path, number))
            band_may_follow = True
        else:
            band_may_follow = False
    tiers = [Tier(tier, points=all(a.is_point for a in annotations))] if annotations else []
    return AnnotationSet(tiers, annotations)


def _one_line(label: str) -> str:
    return _UNSAFE.sub(" ", label)


def _hz_text(value: float | None) -> str:
    return f"{_UNDEFINED_HZ if value is None else value:.6f}"


def write(annotations: AnnotationSet) -> str:
    """Every annotation, tier order then start, as Audacity writes labels (``\\n`` ends)."""
    lines = []
    for a in annotations.sorted():
        lines.append(f"{a.start:.6f}\t{a.end:.6f}\t{_one_line(a.label)}\n")
        if a.has_band:
            lines.append(f"{CONTINUATION}\t{_hz_text(a.low_hz)}\t{_hz_text(a.high_hz)}\n")
    return "".join(lines)


FORMAT = LabelFormat(name="audacity", suffixes=(".txt", ".labels"), sniff=sniff, read=read,
                     write=write)
