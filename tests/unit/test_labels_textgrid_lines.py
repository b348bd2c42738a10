"""TextGrid long form read line by line (labels_textgrid_fast.read_lines): the same
AnnotationSet as the careful token reader for every file it takes, None (the other readers
take over) for anything it is not sure of."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.export import labels_textgrid as tg
from sonolens.export.labels_textgrid_fast import read_lines
from tests.unit.test_labels_textgrid import LONG, SHORT


def _careful(text: str, monkeypatch: pytest.MonkeyPatch) -> AnnotationSet:
    with monkeypatch.context() as patch:
        patch.setattr(tg, "read_lines", lambda *args: None)
        patch.setattr(tg, "read_fast", lambda *args: None)
        return tg.read(text, Path("x.TextGrid"))


def _lines(text: str) -> AnnotationSet | None:
    return read_lines(text, tg._header(text, Path("x.TextGrid")).pos, tg._DATA, tg._NUMBER)


def _same(a: AnnotationSet, b: AnnotationSet) -> None:
    assert a.duration == b.duration and a.tiers == b.tiers
    assert [x.__dict__ for x in a.annotations] == [x.__dict__ for x in b.annotations]


def _random_set(seed: int) -> AnnotationSet:
    rng = np.random.default_rng(seed)
    result = AnnotationSet()
    texts = ["", "a", 'say ""hi""', '"', 'x "y" z', "ř ʔ", "  padded  ", "!not a comment",
             "<flag>", "1.5", "tab\there"]
    for k in range(200):
        start = round(float(rng.uniform(0, 30)), 6)
        end = start if k % 4 == 0 else round(start + float(rng.uniform(0, 2)), 6)
        tier = ["words", "bell", "words"][k % 3] if k % 4 else "bell"
        result.add(Annotation(start, end, texts[k % len(texts)] or "w", tier))
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_written_files_read_as_careful(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = tg.write(_random_set(seed))
    fast = _lines(text)
    assert fast is not None
    _same(fast, _careful(text, monkeypatch))
    crlf = text.replace("\n", "\r\n")
    fast = _lines(crlf)
    assert fast is not None
    _same(fast, _careful(crlf, monkeypatch))


def test_praat_long_form(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _lines(LONG)
    assert fast is not None
    _same(fast, _careful(LONG, monkeypatch))


@pytest.mark.parametrize("change", [
    ("text = \"ʔaɦɔj\" ", "text = \"ʔa\nɦɔj\" "),      # a text across lines
    ("xmax = 0.7 ", "xmax = 0.7 ! end"),            # a comment after a value
    ("xmax = 0.7 ", "xmax = .7 "),                  # a word, not a number, for Praat
    ("xmax = 0.7 ", "xmax = 0.7x "),                # not a number
    ("text = \"r̝iːkɛj\" ", "text = \"r̝iː\"kɛj\" "),   # a lone quote
    ("intervals [2]:", "intervals [2]: 5"),         # a number among the items
    ("    item [2]:", "    item [2]: \"x\""),        # a string before the tier's class
    ("points: size = 2 ", "points: size = 3 "),      # truncated
])
def test_unusual_files_go_to_the_other_readers(change: tuple[str, str]) -> None:
    old, new = change
    text = LONG.replace(old, new, 1)
    assert text != LONG
    assert _lines(text) is None


def test_short_form_is_not_taken() -> None:
    assert _lines(SHORT) is None


def test_trailing_text_is_not_taken() -> None:
    assert _lines(LONG + "\nextra words\n") is None
    assert _lines(LONG + "\n  \n") is not None
