"""Sonolens' own annotation CSV: its layout, pandas reading it, exact round trips, files
edited in pandas, and malformed files rejected with the file and line."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError
from sonolens.export.labels import read_labels, write_labels
from sonolens.export.labels_csv import FORMAT, read, sniff, write

# The layout: header, RFC 4180 quoting (a cell with a comma, quote or line break is quoted,
# quotes doubled), shortest round-trip numbers, empty band cells, "'" before formula starts.
SONOLENS_CSV = (
    "tier,start,end,low_hz,high_hz,label\n"
    "calls,0.512,1.25,1200.0,4800.5,\"bird call, \"\"loud\"\"\"\n"
    "calls,2.0,2.0,,,click\n"
    "calls,3.1,3.9,,8000.0,chirp ñ 鳥\n"
    "words,0.1,0.4,,,\"two\nlines\"\n"
    "words,0.5,0.9,,,'-3 dB\n"
    "words,1.0,1.5,,,\n"
)


def _rows(annotations: AnnotationSet) -> list[tuple]:
    return [(a.tier, a.start, a.end, a.low_hz, a.high_hz, a.label)
            for a in annotations.sorted()]


def _sample() -> AnnotationSet:
    annotations = AnnotationSet()
    annotations.add(Annotation(3.1, 3.9, "chirp ñ 鳥", "calls", None, 8000.0))
    annotations.add(Annotation(0.512, 1.25, 'bird call, "loud"', "calls", 1200.0, 4800.5))
    annotations.add(Annotation(2.0, 2.0, "click", "calls"))
    annotations.add(Annotation(1.0, 1.5, "", "words"))
    annotations.add(Annotation(0.1, 0.4, "two\nlines", "words"))
    annotations.add(Annotation(0.5, 0.9, "-3 dB", "words"))
    return annotations


def test_writes_the_layout():
    assert write(_sample()) == SONOLENS_CSV


def test_reads_the_layout(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_bytes(SONOLENS_CSV.encode("utf-8"))
    annotations, fmt = read_labels(path)
    assert fmt is FORMAT
    assert _rows(annotations) == _rows(_sample())
    assert annotations.tiers == [Tier("calls"), Tier("words")]


def test_pandas_reads_it(tmp_path):
    path = write_labels(_sample(), tmp_path / "marks.csv", "csv")
    frame = pd.read_csv(path, keep_default_na=False, na_values={"low_hz": [""],
                                                                 "high_hz": [""]})
    assert list(frame.columns) == ["tier", "start", "end", "low_hz", "high_hz", "label"]
    assert all(frame[c].dtype.kind == "f" for c in ("start", "end", "low_hz", "high_hz"))
    expected = _sample().sorted()
    assert frame["start"].tolist() == [a.start for a in expected]
    assert frame["end"].tolist() == [a.end for a in expected]
    assert [None if math.isnan(v) else v for v in frame["low_hz"]] == [
        a.low_hz for a in expected]
    assert [None if math.isnan(v) else v for v in frame["high_hz"]] == [
        a.high_hz for a in expected]
    assert frame["tier"].tolist() == [a.tier for a in expected]
    # what a spreadsheet would run as a formula carries the guarding quote
    assert frame["label"].tolist() == ['bird call, "loud"', "click", "chirp ñ 鳥",
                                       "two\nlines", "'-3 dB", ""]


LABELS = ["plain", "Unicode: ñ é 鳥 🐦", 'quotes "double" and \'single\'', "commas, a, b",
          "tab\tinside", "line\nbreak", "crlf\r\nbreak", "lone\rcr", "  spaces  ",
          "=SUM(A1)", "+1", "-1", "@me", "'=already quoted", "''=twice", "'plain quote",
          "'", "\u2028", "NA", "nan", ""]


def test_round_trip_is_exact(tmp_path):
    annotations = AnnotationSet()
    for k, label in enumerate(LABELS):
        start = 0.1 + 0.2 * k + 1e-9 * k  # numbers with no short decimal form
        end = start if k % 4 == 1 else start + 1 / 3
        band = (100.25 * k, 2000.5 + math.pi) if k % 3 == 0 else (None, None)
        annotations.add(Annotation(start, end, label, ("b", "a", "=tier")[k % 3], *band))
    annotations.add(Annotation(7200.5, 7300.25, "beyond any audio", "a", None, 9000.0))
    path = write_labels(annotations, tmp_path / "out.csv", "csv")
    back, fmt = read_labels(path)
    assert fmt.name == "csv"
    assert _rows(back) == _rows(annotations)
    assert [b.label.encode() for b in back.sorted()] == [a.label.encode()
                                                        for a in annotations.sorted()]
    assert [t.name for t in back.tiers] == ["b", "a", "=tier"]
    # pandas sees the same rows (line breaks, lone CRs and quotes inside labels included)
    frame = pd.read_csv(path, keep_default_na=False, dtype={"label": str})
    assert frame["label"].tolist() == [("'" + a.label if a.label.lstrip("'").startswith(
        ("=", "+", "-", "@", "\t", "\r")) else a.label) for a in annotations.sorted()]
    assert frame["start"].tolist() == [a.start for a in annotations.sorted()]


def test_extra_columns_round_trip(tmp_path):
    annotations = AnnotationSet()
    annotations.add(Annotation(1.0, 2.0, "x", extra=(("Species", "wren"), ("Note", "=q"))))
    annotations.add(Annotation(3.0, 4.0, "y", extra=(("Species", "robin"),)))
    text = write(annotations)
    assert text.splitlines()[0] == "tier,start,end,low_hz,high_hz,label,Species,Note"
    back = read(text, Path("x.csv"))
    assert [a.extra for a in back.sorted()] == [(("Species", "wren"), ("Note", "=q")),
                                                (("Species", "robin"), ("Note", ""))]


def test_a_file_edited_in_pandas_reads_back(tmp_path):
    path = write_labels(_sample(), tmp_path / "marks.csv", "csv")
    frame = pd.read_csv(path, keep_default_na=False, na_values={"low_hz": [""],
                                                                 "high_hz": [""]})
    frame["end"] = frame["end"] + 1.0
    frame.to_csv(tmp_path / "edited.csv")  # with pandas' unnamed index column
    back, fmt = read_labels(tmp_path / "edited.csv")
    assert fmt is FORMAT
    assert [(a.start, a.end, a.label, a.low_hz) for a in back.sorted()] == [
        (a.start, a.end + 1.0, a.label, a.low_hz) for a in _sample().sorted()]
    assert all(a.extra == () for a in back.annotations)


def test_a_hand_made_start_end_label_csv_reads():
    back = read("label,start,end\r\nhello,1,2.5\r\n", Path("hand.csv"))
    assert _rows(back) == [("", 1.0, 2.5, None, None, "hello")]


@pytest.mark.parametrize(("text", "line", "cause"), [
    ("0.5,1.0,x\n", 1, "lacks column(s) start, end, label"),
    ("tier,start,end,low_hz,high_hz\nt,1,2,,\n", 1, "lacks column(s) label"),
    ("tier,start,end,label,end\n", 1, "column 'end' appears twice"),
    ("tier,start,end,low_hz,high_hz,label\nt,1,2,,,a\nt,x,2,,,b\n", 3,
     "start 'x' is not a number"),
    ("tier,start,end,low_hz,high_hz,label\nt,1,NaN,,,a\n", 2, "end 'NaN' is not a finite"),
    ("tier,start,end,low_hz,high_hz,label\nt,,2,,,a\n", 2, "start is empty"),
    ("tier,start,end,low_hz,high_hz,label\n\nt,3,2,,,a\n", 3, "lies before start"),
    ("tier,start,end,low_hz,high_hz,label\nt,1,2,,,\"a\nb\"\nt,1,2,-5,,c\n", 4,
     "low_hz=-5.0 must be a frequency >= 0 Hz"),
    ("tier,start,end,low_hz,high_hz,label\nt,1,2,,,a\nt,1,2\n", 3, "3 cells where the header"
                                                                   " has 6"),
    ("tier,start,end,low_hz,high_hz,label\nt,1,2,,,a\nt,1,2,,,\"trunc", 3, "malformed CSV"),
    ("tier,start,end,low_hz,high_hz,label\nt,1,2,,,\"a\"b\n", 2, "malformed CSV"),
])
def test_malformed_files_name_the_line(tmp_path, text, line, cause):
    path = tmp_path / "marks.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(LabelFileError) as caught:
        read(path.read_bytes().decode("utf-8"), path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"marks.csv:{line}: ")
    assert cause in str(caught.value)
    assert "\n" not in str(caught.value)


def test_detected_from_content_despite_a_misleading_extension(tmp_path):
    for name in ("marks.txt", "marks.TextGrid", "marks"):
        path = tmp_path / name
        path.write_text(SONOLENS_CSV, encoding="utf-8", newline="")
        assert read_labels(path)[1].name == "csv"


@pytest.mark.parametrize("text", [
    "0.512000\t1.250000\tstart,end,label\n",  # Audacity
    "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)"
    "\tAnnotation\n1\tSpectrogram 1\t1\t0.5\t1.0\t100\t2000\tstart,end,label\n",  # Raven
    'File type = "ooTextFile"\nObject class = "TextGrid"\n',  # Praat
    "0.500000000,440,0.250000000,start\n",  # Sonic Visualiser
    "",
])
def test_does_not_claim_other_formats(text):
    assert not sniff(text)
