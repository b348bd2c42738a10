"""A well-formed Praat TextGrid read all at once (100 000 intervals in a fraction of a
second): every data token found by one ``findall`` of labels_textgrid's token pattern,
then each tier's numbers and texts taken as columns. Anything unusual (a token that is
not where it belongs, a bad number, an interval ending before it starts) gives None, and
labels_textgrid reads the file token by token, naming the line and the cause."""

from __future__ import annotations

import re

import numpy as np

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.export.labels_fast import build

_COUNT = re.compile(r"\d+")


def unique_name(name: str, used: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… when it is ``used`` already (TextGrid
    tiers may share a name; Sonolens tiers may not)."""
    if name not in used:
        return name
    k = 2
    while f"{name} ({k})" in used:
        k += 1
    return f"{name} ({k})"


def _numbers(tokens: list[tuple[str, ...]], pattern: re.Pattern) -> list[float]:
    """The number tokens' values; ValueError unless each is a number ``pattern`` takes."""
    values = [t[3] for t in tokens]
    if not all(map(pattern.fullmatch, values)):
        raise ValueError("not a number")
    return list(map(float, values))


def _strings(tokens: list[tuple[str, ...]]) -> list[str]:
    """The string tokens' texts (``""`` inside: one ``"``); ValueError for another kind."""
    if any(t[3] or not t[0].endswith('"') for t in tokens):
        raise ValueError("not a string")
    return [t[1].replace('""', '"') if '""' in t[1] else t[1] for t in tokens]


def read_fast(text: str, pos: int, data: re.Pattern, number: re.Pattern
              ) -> AnnotationSet | None:
    """The TextGrid whose tokens start at ``pos`` (after the class name), read with the
    token pattern ``data`` (groups: string, flag, number; what lies between tokens
    included) and ``number`` (a real); None when it needs the careful reader."""
    # a character where no token starts (that the careful reader would report) is a stray
    found = re.compile(f"({data.pattern})|(\\S)").findall(text, pos)
    if any(t[4] for t in found):
        return None
    tokens = [t[:4] for t in found]
    try:
        return _walk(tokens, number)
    except (ValueError, IndexError):
        return None


def _walk(tokens: list[tuple[str, ...]], number: re.Pattern) -> AnnotationSet:
    xmin, xmax = _numbers(tokens[0:2], number)
    if xmax < xmin or tokens[2][2] not in ("exists", "absent") or tokens[2][3]:
        raise ValueError("header")
    result = AnnotationSet(duration=xmax)
    if tokens[2][2] == "absent":
        if len(tokens) != 3:
            raise ValueError("tokens after <absent>")
        return result
    at = 4
    used: set[str] = set()
    made: list[Annotation] = []
    for _ in range(_count(tokens[3])):
        klass, name = _strings(tokens[at:at + 2])
        if klass not in ("IntervalTier", "TextTier"):
            raise ValueError("class")
        name = unique_name(name, used)
        used.add(name)
        points = klass == "TextTier"
        result.tiers.append(Tier(name, points=points))
        t0, t1 = _numbers(tokens[at + 2:at + 4], number)
        if t1 < t0:
            raise ValueError("tier range")
        count, at = _count(tokens[at + 4]), at + 5
        width = 2 if points else 3
        items = tokens[at:at + width * count]
        if len(items) != width * count:
            raise ValueError("truncated")
        at += width * count
        start = _numbers(items[0::width], number)
        end = start if points else _numbers(items[1::width], number)
        labels = _strings(items[width - 1::width])
        if not points:  # empty intervals are gaps (unless they end before they start)
            keep = np.flatnonzero(~((np.array(labels, dtype=object) == "")
                                    & (np.array(end) >= np.array(start))))
            if len(keep) < count:
                start, end = [start[k] for k in keep], [end[k] for k in keep]
                labels = [labels[k] for k in keep]
        tier = build(start, end, labels, name)
        if tier is None:
            raise ValueError("an annotation does not validate")
        made += tier
    if at != len(tokens):
        raise ValueError("tokens after the last tier")
    result.annotations = made
    return result


def _count(token: tuple[str, ...]) -> int:
    if not _COUNT.fullmatch(token[3]):
        raise ValueError("not a count")
    return int(token[3])


_NUM = r"([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"
_END = r"[ \t\r]*$"
_ITEM = {  # key: a column of the long form, one line per item (whitespace: outside values)
    key: re.compile(rf"^[ \t]*{key} = {_NUM}{_END}", re.M)
    for key in ("xmin", "xmax", "number")}
_TEXT = {key: re.compile(rf'^[ \t]*{key} = "(.*)"{_END}', re.M) for key in ("text", "mark")}
_HEAD = {kind: re.compile(rf"^[ \t]*{kind} \[\d+\]:{_END}", re.M)
         for kind in ("intervals", "points")}


def _column(lines: list[str], pattern: re.Pattern) -> list[str] | None:
    """The values ``pattern`` takes from each line, or None unless it takes one from each."""
    values = pattern.findall("\n".join(lines))
    return values if len(values) == len(lines) else None


def read_lines(text: str, pos: int, data: re.Pattern, number: re.Pattern
               ) -> AnnotationSet | None:
    """The long ("full") form as Praat writes it, read line by line: the few header lines
    tokenised with ``data`` (labels_textgrid's token pattern), each tier's items taken as
    columns of lines (``xmin = 0.5``, ``text = "a"``) checked with one regular expression
    per column (``number``: a real as the careful reader takes it). None for anything
    else (the short form, a comment or a text across lines among the items...): read_fast
    or the careful reader take those."""
    lines = text[pos:].split("\n")
    token = re.compile(f"({data.pattern})|(\\S)")
    at = 0

    def head(count: int) -> list[tuple[str, ...]]:
        """The next ``count`` tokens, up to the end of a line (whitespace only after)."""
        nonlocal at
        start, found = at, []
        while sum(not t[4] for t in found) < count and at < len(lines):
            at += 1
            found = token.findall("\n".join(lines[start:at]))
        if len(found) != count or any(t[4] for t in found):
            raise ValueError("header")
        return [t[:4] for t in found]

    try:
        top = head(4)
        xmin, xmax = _numbers(top[0:2], number)
        if xmax < xmin or top[2][2] != "exists" or top[2][3]:
            return None
        result = AnnotationSet(duration=xmax)
        used: set[str] = set()
        made: list[Annotation] = []
        for _ in range(_count(top[3])):
            tier = head(5)
            klass, name = _strings(tier[0:2])
            t0, t1 = _numbers(tier[2:4], number)
            if klass not in ("IntervalTier", "TextTier") or t1 < t0:
                return None
            name = unique_name(name, used)
            used.add(name)
            points = klass == "TextTier"
            result.tiers.append(Tier(name, points=points))
            count, width = _count(tier[4]), 3 if points else 4
            items = lines[at:at + width * count]
            at += width * count
            tier_made = _items(items, count, points, name)
            if tier_made is None:
                return None
            made += tier_made
        if "".join(lines[at:]).strip():
            return None
    except (ValueError, IndexError):
        return None
    result.annotations = made
    return result


def _items(items: list[str], count: int, points: bool, name: str) -> list[Annotation] | None:
    """A tier's annotations from its ``count`` items' lines (3 or 4 lines each)."""
    width = 3 if points else 4
    if len(items) != width * count:
        return None
    kind, keys, text = (("points", ("number",), "mark") if points
                        else ("intervals", ("xmin", "xmax"), "text"))
    if _column(items[0::width], _HEAD[kind]) is None:
        return None
    columns = [_column(items[1 + k::width], _ITEM[key]) for k, key in enumerate(keys)]
    labels = _column(items[width - 1::width], _TEXT[text])
    if labels is None or any(c is None for c in columns):
        return None
    joined = "\n".join(labels)
    if '"' in joined.replace('""', ""):  # a lone quote: not one string
        return None
    if '""' in joined:
        labels = [s.replace('""', '"') for s in labels]
    start = list(map(float, columns[0]))
    end = start if points else list(map(float, columns[1]))
    if not points:  # empty intervals are gaps (unless they end before they start)
        keep = np.flatnonzero(~((np.array(labels, dtype=object) == "")
                                & (np.array(end) >= np.array(start))))
        if len(keep) < count:
            start, end = [start[k] for k in keep], [end[k] for k in keep]
            labels = [labels[k] for k in keep]
    return build(start, end, labels, name)
