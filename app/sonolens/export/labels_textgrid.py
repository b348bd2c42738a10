"""Praat TextGrid text files (``name = "textgrid"``): read the long ("full") and short text
forms, write the long form exactly as Praat's *Save as text file...* does.

Layout (Praat sources: sys/Data.cpp ``_Data_writeToTextFile``, melder/abcio.cpp ``texput*``
and ``getReal``/``peekString``, sys/Collection.cpp; manual page "TextGrid file formats"):
line 1 holds ``ooTextFile``, then the class string ``"TextGrid"``, xmin, xmax, the flag
``<exists>``, the number of tiers, and per tier its class (``"IntervalTier"`` or
``"TextTier"``), name, xmin, xmax, count and items (interval: xmin, xmax, text; point:
number, mark). Only free-standing numbers, ``"strings"`` (``"`` inside doubled) and
``<flags>`` are data; every other word (``item [1]:``, ``xmin =``, ``intervals: size =``)
and everything after ``!`` on a line is a comment. A token's first character decides what
it is, as in Praat's reader.

Mapping: an IntervalTier is a span tier; its intervals with empty text are gaps, not
annotations. A TextTier (``Tier.points``) holds points. The grid's xmax is
``AnnotationSet.duration``. Lost on writing: bands (TextGrid has none) and ``extra``; an
empty label in an interval tier becomes a gap. Written interval tiers are contiguous from
xmin (0, or the earliest start if negative) to xmax (the duration if set, extended to the
latest end if an annotation ends after it), gaps filled by empty intervals. Annotations that
cannot share one Praat tier go to extra tiers ``"<tier> (2)"``, ``"<tier> (3)"``...
(the first free name), written right after their tier: overlapping spans in an interval
tier, points at the same time in a point tier, and annotations of the other kind (spans in
a point tier, points in an interval tier). On reading, a repeated tier name gets the same
kind of suffix. Text is written as UTF-8 without BOM (Praat reads it; Praat itself writes
ASCII or UTF-16); UTF-16 with BOM is read via ``export.labels.decode``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError, ParameterError
from sonolens.export.labels import LabelFormat
from sonolens.export.labels_textgrid_fast import read_fast, read_lines, unique_name

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
#: Whitespace, "!" comments to the end of the line, and words whose first character does not
#: start a number, a string or a flag: everything Praat's reader passes over.
#: Possessive (no backtracking): a word is never split to find a number inside it.
_SKIP = re.compile(r'(?:\s++|![^\r\n]*+|[^\s"<+\-0-9!]\S*+)*+')
_DATA = re.compile(_SKIP.pattern + r'(?:"((?:[^"]*+"")*+[^"]*+)"(?=\s|\Z)'
                   r"|<([^>\r\n\t]*)>|([+\-0-9]\S*))")
_FLAG = re.compile(r"<([^>\r\n\t]*)>")
_WORD = re.compile(r"\S+")


def _line_at(text: str, pos: int) -> int:
    """1-based line of character ``pos``; lines end with LF, CRLF or CR."""
    return (1 + text.count("\n", 0, pos) + text.count("\r", 0, pos)
            - text.count("\r\n", 0, pos + 1))


class _Tokens:
    """Praat's text reader: the free-standing data of ``text`` one at a time."""

    def __init__(self, text: str, path: Path, pos: int) -> None:
        self.text = text
        self.path = path
        self.pos = pos
        self.last = pos  # where the last token started

    def error(self, pos: int, cause: str) -> LabelFileError:
        return LabelFileError(self.path, _line_at(self.text, pos), cause)

    def _end_error(self, what: str) -> LabelFileError:
        content = self.text.rstrip()
        return self.error(max(len(content) - 1, 0),
                          f"the file ends before {what} (truncated TextGrid?)")

    def _next(self, what: str, args: tuple[object, ...]) -> tuple[str, str]:
        """The next data token as (kind, value): kind "number", "string" or "flag"."""
        text = self.text
        found = _DATA.match(text, self.pos)
        if found is not None:  # the usual case, in one regular expression
            group = found.lastindex or 3
            self.last = found.start(group) - (group < 3)  # a string's or flag's opening mark
            self.pos = found.end()
            if group == 1:
                return "string", found.group(1).replace('""', '"')
            if group == 2:
                return "flag", found.group(2)
            return "number", found.group(3)
        pos = _SKIP.match(text, self.pos).end()  # to say what is wrong
        if pos >= len(text):
            raise self._end_error(what.format(*args))
        self.last = pos
        c = text[pos]
        if c == '"':
            return "string", self._string(pos)
        if c == "<":
            flag = _FLAG.match(text, pos)
            if flag is None:
                raise self.error(pos, "no closing '>' in a flag while reading "
                                      + what.format(*args))
            self.pos = flag.end()
            return "flag", flag.group(1)
        word = _WORD.match(text, pos)
        assert word is not None  # _SKIP stops only before a number, a string or a flag
        self.pos = word.end()
        return "number", word.group()

    def _string(self, start: int) -> str:
        text, n = self.text, len(self.text)
        parts: list[str] = []
        pos = start + 1
        while True:
            quote = text.find('"', pos)
            if quote < 0:
                raise self.error(start, "a text opened by '\"' is never closed (truncated?)")
            parts.append(text[pos:quote])
            after = quote + 1
            if after < n and text[after] == '"':  # doubled quote: one quote in the text
                parts.append('"')
                pos = after + 1
                continue
            if after < n and not text[after].isspace():
                raise self.error(after, f"character {text[after]!r} follows a closing quote "
                                        "(a '\"' inside a text must be doubled)")
            self.pos = after
            return "".join(parts)

    def _expect(self, kind: str, what: str, args: tuple[object, ...]) -> str:
        found, value = self._next(what, args)
        if found != kind:
            raise self.error(self.last, f"expected {what.format(*args)} (a {kind}), found "
                                        f"the {found} "
                                        f"{_show(found, value)}")
        return value

    def real(self, what: str, *args: object) -> float:
        """The next number (``what.format(*args)`` names it in errors)."""
        value = self._expect("number", what, args)
        if not _NUMBER.fullmatch(value):
            raise self.error(self.last, f"{what.format(*args)}: {value!r} is not a number")
        return float(value)

    def count(self, what: str, *args: object) -> int:
        value = self._expect("number", what, args)
        if not _INTEGER.fullmatch(value) or int(value) < 0:
            raise self.error(self.last, f"{what.format(*args)}: {value!r} is not a count "
                                        "(integer >= 0)")
        return int(value)

    def string(self, what: str, *args: object) -> str:
        return self._expect("string", what, args)

    def flag(self, what: str, *args: object) -> str:
        return self._expect("flag", what, args)


def _show(kind: str, value: str) -> str:
    if kind == "string":
        return '"' + value.replace('"', '""')[:40] + '"'
    if kind == "flag":
        return f"<{value}>"
    return value[:40]


def _header(text: str, path: Path) -> _Tokens:
    """Tokens positioned after the class name; raises unless a text TextGrid."""
    text_start = 1 if text.startswith("\ufeff") else 0
    first_end = len(text)
    for sep in "\r\n":
        found = text.find(sep, text_start)
        if found >= 0:
            first_end = min(first_end, found)
    if "ooTextFile" not in text[text_start:first_end]:
        raise LabelFileError(path, 1, 'not a Praat text file (no "ooTextFile" on line 1)')
    tokens = _Tokens(text, path, first_end)
    klass = tokens.string("the object class")
    if klass != "TextGrid":
        raise tokens.error(tokens.last, f'a Praat "{klass}", not a TextGrid')
    return tokens


def sniff(text: str) -> bool:
    """Whether ``text`` starts like a Praat text TextGrid (long or short form)."""
    try:
        _header(text[:4096], Path("-"))
    except LabelFileError:
        return False
    return True


def read(text: str, path: Path) -> AnnotationSet:
    """Parse a TextGrid (long or short text form) into an AnnotationSet (see module doc)."""
    tokens = _header(text, path)
    fast = read_lines(text, tokens.pos, _DATA, _NUMBER)
    if fast is None:
        fast = read_fast(text, tokens.pos, _DATA, _NUMBER)
    if fast is not None:
        return fast
    xmin = tokens.real("the TextGrid's xmin")
    xmax = tokens.real("the TextGrid's xmax")
    if xmax < xmin:
        raise tokens.error(tokens.last, f"xmax={xmax:g} s lies before xmin={xmin:g} s")
    result = AnnotationSet(duration=xmax)
    exists = tokens.flag("<exists> (whether there are tiers)")
    if exists == "absent":
        return result
    if exists != "exists":
        raise tokens.error(tokens.last, f"<{exists}> where <exists> or <absent> belongs")
    used: set[str] = set()
    for number in range(1, tokens.count("the number of tiers") + 1):
        klass = tokens.string("the class of tier {}", number)
        if klass not in ("IntervalTier", "TextTier"):
            raise tokens.error(tokens.last, f'tier {number} is a "{klass}", not an '
                                            '"IntervalTier" or "TextTier"')
        name = tokens.string("the name of tier {}", number)
        name = unique_name(name, used)
        used.add(name)
        points = klass == "TextTier"
        result.tiers.append(Tier(name, points=points))
        tier_min = tokens.real("the xmin of tier {}", number)
        tier_max = tokens.real("the xmax of tier {}", number)
        if tier_max < tier_min:
            raise tokens.error(tokens.last, f"tier {number}: xmax={tier_max:g} s lies before "
                                            f"xmin={tier_min:g} s")
        kind = "points" if points else "intervals"
        for item in range(1, tokens.count("the number of {} of tier {}", kind, number) + 1):
            if points:
                start = end = tokens.real("the time of points [{}] of tier {}", item, number)
                end_at = tokens.last
                label = tokens.string("the mark of points [{}] of tier {}", item, number)
            else:
                start = tokens.real("the xmin of intervals [{}] of tier {}", item, number)
                end = tokens.real("the xmax of intervals [{}] of tier {}", item, number)
                end_at = tokens.last
                label = tokens.string("the text of intervals [{}] of tier {}", item, number)
                if label == "" and end >= start:
                    continue  # a gap
            try:
                result.annotations.append(Annotation(start, end, label, name).validate())
            except ParameterError as exc:
                raise tokens.error(end_at, f"{kind} [{item}] of tier {number}: {exc}") from None
    return result


# --- writing --------------------------------------------------------------------------


def _num(x: float) -> str:
    """As Praat's Melder_double: %.15g, else %.16g, else %.17g (the first that reads back)."""
    for digits in (15, 16):
        text = f"{x:.{digits}g}"
        if float(text) == x:
            return text
    return f"{x:.17g}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _layers(annotations: list[Annotation], fits: Callable[[Annotation, Annotation], bool]
            ) -> list[list[Annotation]]:
    """First-fit: each annotation (by start) joins the first layer whose last one it fits."""
    layers: list[list[Annotation]] = []
    for a in sorted(annotations, key=lambda a: (a.start, a.end)):
        for layer in layers:
            if fits(layer[-1], a):
                layer.append(a)
                break
        else:
            layers.append([a])
    return layers


def _praat_tiers(annotations: AnnotationSet) -> list[tuple[str, bool, list[Annotation]]]:
    """(name, is point tier, annotations) per TextGrid tier, extra tiers after their own."""
    tiers = list(annotations.tiers)
    known = {t.name for t in tiers}
    for a in annotations.annotations:
        if a.tier not in known:
            known.add(a.tier)
            tiers.append(Tier(a.tier, points=all(
                b.is_point for b in annotations.annotations if b.tier == a.tier)))
    used = set(known)
    out: list[tuple[str, bool, list[Annotation]]] = []
    for tier in tiers:
        mine = annotations.in_tier(tier.name)
        spans = _layers([a for a in mine if not a.is_point], lambda last, a: last.end <= a.start)
        points = _layers([a for a in mine if a.is_point], lambda last, a: last.start < a.start)
        own, other = (points, spans) if tier.points else (spans, points)
        out.append((tier.name, tier.points, own[0] if own else []))
        for layer, is_points in [(x, tier.points) for x in own[1:]] + [
                (x, not tier.points) for x in other]:
            name = unique_name(tier.name, used)
            used.add(name)
            out.append((name, is_points, layer))
    return out


def _intervals(layer: list[Annotation], xmin: float, xmax: float
               ) -> list[tuple[float, float, str]]:
    """The layer's spans with empty intervals filling the gaps from xmin to xmax."""
    result: list[tuple[float, float, str]] = []
    cursor = xmin
    for a in layer:
        if a.start > cursor:
            result.append((cursor, a.start, ""))
        result.append((a.start, a.end, a.label))
        cursor = a.end
    if cursor < xmax:
        result.append((cursor, xmax, ""))
    return result


def write(annotations: AnnotationSet) -> str:
    """The long ("full") text form, byte for byte as Praat writes it (LF line ends)."""
    starts = [a.start for a in annotations.annotations]
    xmin = min(0.0, *starts) if starts else 0.0
    xmax = max(annotations.duration if annotations.duration is not None else xmin,
               annotations.end if starts else xmin)
    tiers = _praat_tiers(annotations)
    lines = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "",
             f"xmin = {_num(xmin)} ", f"xmax = {_num(xmax)} ", "tiers? <exists> ",
             f"size = {len(tiers)} ", "item []: " if tiers else "item []: (empty)"]
    pad = " " * 4

    def put(indent: int, items: Iterable[str]) -> None:
        lines.extend(pad * indent + item for item in items)

    for number, (name, points, layer) in enumerate(tiers, start=1):
        put(1, [f"item [{number}]:"])
        klass = "TextTier" if points else "IntervalTier"
        put(2, [f'class = "{klass}" ', f"name = {_quote(name)} ",
                f"xmin = {_num(xmin)} ", f"xmax = {_num(xmax)} "])
        if points:
            put(2, [f"points: size = {len(layer)} "])
            for k, a in enumerate(layer, start=1):
                put(2, [f"points [{k}]:"])
                put(3, [f"number = {_num(a.start)} ", f"mark = {_quote(a.label)} "])
        else:
            intervals = _intervals(layer, xmin, xmax)
            put(2, [f"intervals: size = {len(intervals)} "])
            for k, (start, end, label) in enumerate(intervals, start=1):
                put(2, [f"intervals [{k}]:"])
                put(3, [f"xmin = {_num(start)} ", f"xmax = {_num(end)} ",
                        f"text = {_quote(label)} "])
    return "\n".join(lines) + "\n"


FORMAT = LabelFormat(name="textgrid", suffixes=(".textgrid",), sniff=sniff, read=read,
                     write=write, encoding="utf-8")
