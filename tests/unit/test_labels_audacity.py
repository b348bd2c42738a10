"""Audacity label track files: read as Audacity writes them, written as Audacity reads
them (LabelStruct::Export/Import in au3-label-track/LabelTrack.cpp), round-tripped, and
malformed files rejected with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError
from sonolens.export.labels import read_labels, write_labels
from sonolens.export.labels_audacity import FORMAT, read, sniff, write

# Exactly what Audacity's File > Export > Labels writes (Linux: LF line ends, UTF-8 without
# BOM): "%s\t%s\t%s" with Internat::ToString(t, FLT_DIG) == "%.6f"; a spectral label adds
# "\\\t%s\t%s" (f0, f1), -1.000000 for an undefined edge; the track's labels sorted by time.
AUDACITY_EXPORT = (
    "0.512000\t1.250000\tbird call, \"loud\"\n"
    "2.000000\t2.000000\tclick\n"
    "3.100000\t3.900000\tchirp ñ 鳥\n"
    "\\\t1200.000000\t4800.500000\n"
    "4.000000\t4.500000\t\n"
    "5.250000\t6.000000\tlow only\n"
    "\\\t300.000000\t-1.000000\n"
    "\\\tfuture field\t1\n"
)


def _rows(annotations: AnnotationSet) -> list[tuple]:
    return [(a.start, a.end, a.label, a.low_hz, a.high_hz) for a in annotations.sorted()]


def test_reads_a_file_as_audacity_exports_it(tmp_path):
    path = tmp_path / "birds.txt"
    path.write_bytes(AUDACITY_EXPORT.encode("utf-8"))
    annotations, fmt = read_labels(path)
    assert fmt is FORMAT
    assert _rows(annotations) == [
        (0.512, 1.25, 'bird call, "loud"', None, None),
        (2.0, 2.0, "click", None, None),
        (3.1, 3.9, "chirp ñ 鳥", 1200.0, 4800.5),
        (4.0, 4.5, "", None, None),
        (5.25, 6.0, "low only", 300.0, None),
    ]
    # one track, named after the file as Audacity names an imported label track
    assert annotations.tiers == [Tier("birds", points=False)]
    assert {a.tier for a in annotations.annotations} == {"birds"}
    assert annotations.sorted()[1].is_point


def test_windows_line_ends_and_old_one_value_lines_read_as_audacity_reads_them(tmp_path):
    crlf = AUDACITY_EXPORT.replace("\n", "\r\n")
    assert _rows(read(crlf, Path("a.txt"))) == _rows(read(AUDACITY_EXPORT, Path("a.txt")))
    # Audacity 1.x wrote "time<TAB>label": a point; "," as the decimal separator is read too
    old = read("1.5\tonset\n2,25\toffset here\n", Path("old.txt"))
    assert _rows(old) == [(1.5, 1.5, "onset", None, None), (2.25, 2.25, "offset here", None,
                                                             None)]
    assert old.tiers == [Tier("old", points=True)]


def test_writes_what_audacity_writes():
    annotations = AnnotationSet()
    annotations.add(Annotation(3.1, 3.9, "chirp ñ 鳥", "calls", 1200.0, 4800.5))
    annotations.add(Annotation(0.512, 1.25, 'bird call, "loud"', "calls"))
    annotations.add(Annotation(2.0, 2.0, "click", "calls"))
    annotations.add(Annotation(4.0, 4.5, "", "calls"))
    annotations.add(Annotation(5.25, 6.0, "low only", "calls", low_hz=300.0))
    expected = AUDACITY_EXPORT.replace("\\\tfuture field\t1\n", "")
    assert write(annotations) == expected


def test_tiers_merge_in_tier_order_then_start(tmp_path):
    annotations = AnnotationSet()
    annotations.add(Annotation(5.0, 6.0, "w2", "words"))
    annotations.add(Annotation(1.0, 2.0, "w1", "words"))
    annotations.add(Annotation(0.5, 0.5, "e1", "events"))
    text = write(annotations)
    assert text.splitlines() == ["1.000000\t2.000000\tw1", "5.000000\t6.000000\tw2",
                                 "0.500000\t0.500000\te1"]


LABELS = ["plain", "Unicode: ñ é 鳥 🐦", 'quotes "double" and \'single\'', "commas, a, b",
          "  leading and trailing spaces  ", "back\\slash", "\\starts with backslash",
          "=1+2", "line\u2028separator", ""]


def test_round_trip_keeps_times_labels_and_bands(tmp_path):
    annotations = AnnotationSet()
    for k, label in enumerate(LABELS):
        start = 0.1234567 + 1.987654321 * k
        band = (100.25 * k, 2000.5 + k) if k % 3 == 0 else (None, None)
        end = start if k % 4 == 1 else start + 0.333333333
        annotations.add(Annotation(start, end, label, "t", *band))
    annotations.add(Annotation(7200.5, 7300.25, "beyond any audio", "t", None, 9000.0))
    path = write_labels(annotations, tmp_path / "out.txt", "audacity")
    back, fmt = read_labels(path)
    assert fmt.name == "audacity"
    assert len(back.annotations) == len(annotations.annotations)
    for a, b in zip(annotations.sorted(), back.sorted(), strict=True):
        assert b.start == pytest.approx(a.start, abs=1e-6)
        assert b.end == pytest.approx(a.end, abs=1e-6)
        assert b.is_point == a.is_point
        assert b.label.encode() == a.label.encode()
        assert (b.low_hz is None) == (a.low_hz is None)
        assert (b.high_hz is None) == (a.high_hz is None)
        if a.low_hz is not None:
            assert b.low_hz == pytest.approx(a.low_hz, abs=1e-6)
        if a.high_hz is not None:
            assert b.high_hz == pytest.approx(a.high_hz, abs=1e-6)


def test_tabs_and_line_breaks_in_labels_become_spaces():
    """Audacity splits fields at TABs and lines at line breaks: a label is one line."""
    annotations = AnnotationSet()
    annotations.add(Annotation(1.0, 2.0, "a\tb\nc\r\nd"))
    text = write(annotations)
    assert text == "1.000000\t2.000000\ta b c  d\n"
    assert read(text, Path("x.txt")).annotations[0].label == "a b c  d"


@pytest.mark.parametrize(("text", "line", "cause"), [
    ("abc\t1.0\tlabel\n", 1, "start time 'abc' is not a number"),
    ("0.5\t1.0\tok\nnan\t2.0\tx\n", 2, "start time 'nan' is not a finite number"),
    ("0.5\t1.0\tok\n1.0\tinf\tx\n", 2, "end time 'inf' is not a finite number"),
    ("0.5\t1.0\tok\n\n3.0\t2.0\tbackwards\n", 3, "lies before start"),
    ("0.5\t1.0\tok\n\\\tlow\t200\n", 2, "low frequency 'low' is not a number"),
    ("0.5\t1.0\tok\n\\\t100\n", 2, "band line needs"),
    ("0.5\t1.0\tok\n\\\t900\t100\n", 2, "lies below low_hz"),
    ("0.5\t1.0\tok\n1.0\t2.0\tb\n\x00\x13garbage\x7f\n", 3, "is not a number"),
])
def test_malformed_files_name_the_line(tmp_path, text, line, cause):
    path = tmp_path / "labels.txt"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(LabelFileError) as caught:
        read(path.read_text(encoding="utf-8"), path) if line == 1 else read_labels(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"labels.txt:{line}: ")
    assert cause in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_file_starting_with_garbage_is_no_label_file(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("abc\t1.0\tlabel\n", encoding="utf-8")
    with pytest.raises(LabelFileError, match=r"^labels.txt: not a label file"):
        read_labels(path)


def test_detected_from_content_despite_a_misleading_extension(tmp_path):
    for name in ("labels.csv", "labels.TextGrid", "labels"):
        path = tmp_path / name
        path.write_text(AUDACITY_EXPORT, encoding="utf-8", newline="")
        assert read_labels(path)[1].name == "audacity"


@pytest.mark.parametrize("text", [
    # Raven selection table
    "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\n"
    "1\tSpectrogram 1\t1\t0.5\t1.0\t100\t2000\n",
    # Praat TextGrid
    'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2.5\n<exists>\n',
    # Sonic Visualiser CSV layers (instants without labels, regions)
    "0.500000000\n1.250000000\n",
    "0.500000000,440,0.250000000,a b\n",
    # Sonolens CSV
    "tier,start,end,low_hz,high_hz,label\ncalls,0.5,1.0,,,a\n",
    "", "\n\n",
])
def test_does_not_claim_other_formats(text):
    assert not sniff(text)


def test_sniffs_its_own_files():
    assert sniff(AUDACITY_EXPORT)
    assert sniff("\n\\\tskipped\n1.5\tpoint\n")
