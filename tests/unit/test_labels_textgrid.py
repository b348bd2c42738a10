"""Praat TextGrid: files laid out byte for byte as Praat writes them (long and short text
forms, trailing spaces included, as in sys/Data.cpp and melder/abcio.cpp and the manual page
"TextGrid file formats"), round trips, overlaps, and malformed files with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError
from sonolens.export.labels import read_labels, write_labels
from sonolens.export.labels_textgrid import FORMAT, read, sniff, write

# Praat's "Save as text file..." of the manual's example (section 5), with its trailing spaces.
LONG = """File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0 
xmax = 2.3 
tiers? <exists> 
size = 3 
item []: 
    item [1]:
        class = "IntervalTier" 
        name = "sentence" 
        xmin = 0 
        xmax = 2.3 
        intervals: size = 1 
        intervals [1]:
            xmin = 0 
            xmax = 2.3 
            text = "říkej ""ahoj"" dvakrát" 
    item [2]:
        class = "IntervalTier" 
        name = "phonemes" 
        xmin = 0 
        xmax = 2.3 
        intervals: size = 3 
        intervals [1]:
            xmin = 0 
            xmax = 0.7 
            text = "r̝iːkɛj" 
        intervals [2]:
            xmin = 0.7 
            xmax = 1.6 
            text = "ʔaɦɔj" 
        intervals [3]:
            xmin = 1.6 
            xmax = 2.3 
            text = "dʋakraːt" 
    item [3]:
        class = "TextTier" 
        name = "bell" 
        xmin = 0 
        xmax = 2.3 
        points: size = 2 
        points [1]:
            number = 0.9 
            mark = "ding" 
        points [2]:
            number = 1.3 
            mark = "dong" 
"""  # noqa: W291 - Praat ends each data line with a space

# The same TextGrid as "Save as short text file..." writes it.
SHORT = """File type = "ooTextFile"
Object class = "TextGrid"

0
2.3
<exists>
3
"IntervalTier"
"sentence"
0
2.3
1
0
2.3
"říkej ""ahoj"" dvakrát"
"IntervalTier"
"phonemes"
0
2.3
3
0
0.7
"r̝iːkɛj"
0.7
1.6
"ʔaɦɔj"
1.6
2.3
"dʋakraːt"
"TextTier"
"bell"
0
2.3
2
0.9
"ding"
1.3
"dong"
"""

# Gaps (empty intervals) around words; a label over two lines; a tier named with quotes.
GAPS = """File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0 
xmax = 1.194625 
tiers? <exists> 
size = 1 
item []: 
    item [1]:
        class = "IntervalTier" 
        name = \"\"\"word\"\"\" 
        xmin = 0 
        xmax = 1.194625 
        intervals: size = 4 
        intervals [1]:
            xmin = 0 
            xmax = 0.06469123242311078 
            text = "" 
        intervals [2]:
            xmin = 0.06469123242311078 
            xmax = 0.41156462585 
            text = "BOBBY
Noun" 
        intervals [3]:
            xmin = 0.41156462585 
            xmax = 1.1171482864527198 
            text = "" 
        intervals [4]:
            xmin = 1.1171482864527198 
            xmax = 1.194625 
            text = "x" 
"""  # noqa: W291

EXPECTED = [
    Annotation(0.0, 2.3, 'říkej "ahoj" dvakrát', "sentence"),
    Annotation(0.0, 0.7, "r̝iːkɛj", "phonemes"),
    Annotation(0.7, 1.6, "ʔaɦɔj", "phonemes"),
    Annotation(1.6, 2.3, "dʋakraːt", "phonemes"),
    Annotation(0.9, 0.9, "ding", "bell"),
    Annotation(1.3, 1.3, "dong", "bell"),
]
TIERS = [Tier("sentence"), Tier("phonemes"), Tier("bell", points=True)]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def errors(text: str) -> LabelFileError:
    with pytest.raises(LabelFileError) as caught:
        read(text, _path())
    return caught.value


def _path() -> Path:
    return Path("x.TextGrid")


@pytest.mark.parametrize("text", [LONG, SHORT], ids=["long", "short"])
def test_reads_praat_text_forms(text):
    got = read(text, _path())
    assert got.tiers == TIERS
    assert got.sorted() == EXPECTED
    assert got.duration == 2.3


def test_writes_long_form_byte_for_byte_as_praat():
    assert write(AnnotationSet(list(TIERS), list(EXPECTED), duration=2.3)) == LONG
    assert write(read(SHORT, _path())) == LONG


def test_empty_intervals_are_gaps_and_written_back_as_gaps():
    got = read(GAPS, _path())
    assert got.tiers == [Tier('"word"')]
    assert got.sorted() == [Annotation(0.06469123242311078, 0.41156462585, "BOBBY\nNoun",
                                       '"word"'),
                            Annotation(1.1171482864527198, 1.194625, "x", '"word"')]
    assert write(got) == GAPS


def test_intermediate_hand_written_form_with_comments():
    # The manual's example of a file Praat reads: several data on a line, "!" comments
    # holding numbers that are not data.
    text = '''"ooTextFile"
"TextGrid"
0  2.3  ! time domain of TextGrid
<exists>
2 tiers
"IntervalTier"  "Mary"  ! type and name of tier 1
0  2.3  ! time domain of tier 1
2 intervals coming
0  1 "a"  ! interval 1 on tier 1
1 2.3 ""
"TextTier"  "bell"  ! type and name of tier 2
0  2.3  ! time domain of tier 2
1 point coming
0.5 "x"
'''
    got = read(text, _path())
    assert got.sorted() == [Annotation(0, 1, "a", "Mary"), Annotation(0.5, 0.5, "x", "bell")]
    assert got.tiers == [Tier("Mary"), Tier("bell", points=True)]


def test_crlf_and_cr_line_ends():
    for sep in ("\r\n", "\r"):
        assert read(LONG.replace("\n", sep), _path()).sorted() == EXPECTED
    bad = LONG.replace("xmax = 0.7 ", "xmax = 0,7 ")
    assert errors(bad.replace("\n", "\r\n")).line == line_of(bad, "0,7")
    assert errors(bad.replace("\n", "\r")).line == line_of(bad, "0,7")


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_utf16_with_bom_detected_despite_misleading_extension(tmp_path, encoding):
    # Praat's default ("try ASCII, then UTF-16") writes non-ASCII TextGrids as UTF-16
    # big-endian with a BOM.
    path = tmp_path / "speech.txt"
    path.write_bytes("\ufeff".encode(encoding) + LONG.encode(encoding))
    got, fmt = read_labels(path)
    assert fmt.name == "textgrid"
    assert got.sorted() == EXPECTED


def test_utf8_bom_and_detection_as_csv_name(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SHORT.encode())
    got, fmt = read_labels(path)
    assert fmt is FORMAT
    assert got.sorted() == EXPECTED


def test_round_trip_unicode_quotes_commas_tabs_newlines(tmp_path):
    labels = ['say ""hi"" "', "a,b;c", "tab\there", "two\nlines", "ʔaɦɔj 鳥 🐦", " ", "!",
              "<exists>", "3", "x\r\ny"]
    aset = AnnotationSet()
    for k, label in enumerate(labels):
        aset.add(Annotation(0.1 + k / 3, 0.1 + k / 3 + 0.25, label, "words"))
        aset.add(Annotation(0.2 + k / 7, 0.2 + k / 7, label, "marks"))
    aset.add(Annotation(1.0, 2.0, "band", "calls", low_hz=500.0, high_hz=900.0))
    path = write_labels(aset, tmp_path / "out.TextGrid", "textgrid")
    back, fmt = read_labels(path)
    assert fmt.name == "textgrid"
    assert back.tiers == [Tier("words"), Tier("marks", points=True), Tier("calls")]
    want = [a.replace(low_hz=None, high_hz=None) for a in aset.sorted()]
    got = back.sorted()
    assert [(a.tier, a.label) for a in got] == [(a.tier, a.label) for a in want]
    for a, b in zip(got, want, strict=True):
        assert abs(a.start - b.start) < 1e-12 and abs(a.end - b.end) < 1e-12
    assert back.duration == pytest.approx(aset.end)


def test_written_interval_tiers_are_contiguous_from_xmin_to_xmax():
    aset = AnnotationSet(duration=5.0)
    aset.add(Annotation(1.0, 1.5, "a", "w"))
    aset.add(Annotation(2.0, 3.0, "b", "w"))
    aset.add(Annotation(3.0, 4.0, "c", "w"))
    text = write(aset)
    assert "intervals: size = 6 " in text
    short_lines = [line.strip() for line in text.splitlines() if " = " in line]
    bounds = [float(line.split(" = ")[1]) for line in short_lines
              if line.startswith(("xmin", "xmax"))][4:]
    assert bounds == [0, 1, 1, 1.5, 1.5, 2, 2, 3, 3, 4, 4, 5]
    assert read(text, _path()).sorted() == aset.sorted()


def test_duration_and_late_annotation():
    aset = AnnotationSet([Tier("w")], duration=2.0)
    text = write(aset)
    assert "intervals: size = 1 " in text and "xmax = 2 " in text
    aset.add(Annotation(1.0, 3.5, "late", "w"))  # beyond the declared end: kept
    back = read(write(aset), _path())
    assert back.sorted() == aset.sorted() and back.duration == 3.5


def test_overlaps_and_same_time_points_go_to_extra_tiers():
    aset = AnnotationSet([Tier("w"), Tier("w (2)"), Tier("p", points=True)])
    aset.add(Annotation(0.0, 2.0, "long", "w"))
    aset.add(Annotation(1.0, 1.5, "inside", "w"))
    aset.add(Annotation(1.2, 3.0, "third", "w"))
    aset.add(Annotation(2.5, 2.5, "a point", "w"))
    aset.add(Annotation(0.5, 0.5, "x", "p"))
    aset.add(Annotation(0.5, 0.5, "y", "p"))
    aset.add(Annotation(0.2, 0.9, "span", "p"))
    back = read(write(aset), _path())
    assert back.tiers == [Tier("w"), Tier("w (3)"), Tier("w (4)"), Tier("w (5)", points=True),
                          Tier("w (2)"), Tier("p", points=True), Tier("p (2)", points=True),
                          Tier("p (3)")]
    got = {(a.tier, a.label) for a in back.annotations}
    assert got == {("w", "long"), ("w (3)", "inside"), ("w (4)", "third"),
                   ("w (5)", "a point"), ("p", "x"), ("p (2)", "y"), ("p (3)", "span")}


def test_repeated_tier_names_are_kept_apart():
    text = SHORT.replace('"phonemes"', '"sentence"')
    got = read(text, _path())
    assert [t.name for t in got.tiers] == ["sentence", "sentence (2)", "bell"]
    assert len(got.in_tier("sentence (2)")) == 3


def test_negative_times_widen_the_grid():
    aset = AnnotationSet()
    aset.add(Annotation(-0.5, 0.25, "early", "w"))
    text = write(aset)
    assert "\nxmin = -0.5 \nxmax = 0.25 \n" in text
    assert read(text, _path()).sorted() == aset.sorted()


def test_no_tiers():
    assert write(AnnotationSet()).endswith("size = 0 \nitem []: (empty)\n")
    assert read(write(AnnotationSet()), _path()).annotations == []


def test_sniff_only_textgrids():
    assert sniff(LONG) and sniff(SHORT) and sniff("\ufeff" + LONG)
    assert not sniff(LONG.replace('"TextGrid"', '"Pitch 1"'))
    for other in ["0.500000\t1.000000\tooTextFile\n", "tier,start,end,low_hz,high_hz,label\n",
                  "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\n1\tSpectrogram 1\t1",
                  "0.5,TextGrid\n", "", '"ooTextFile"\n']:
        assert not sniff(other)


@pytest.mark.parametrize("change,needle,nth", [
    (("xmax = 0.7 ", "xmax = 0,7 "), "0,7", 1),                       # garbage number
    (("xmax = 1.6 ", "xmax = --undefined-- "), "--undefined--", 1),   # Praat's NaN
    (("xmax = 1.6 ", "xmax = 0.5 "), "xmax = 0.5", 1),                # end before start
    (('text = "ʔaɦɔj" ', 'text = "ʔa"ɦɔj" '), 'ʔa"', 1),              # undoubled quote
    (('text = "ʔaɦɔj" ', "text = ʔaɦɔj "), "xmin = 1.6", 1),          # number, not a string
    (('class = "TextTier" ', 'class = "PointTier" '), "PointTier", 1),
    (("intervals: size = 3 ", "intervals: size = -3 "), "-3", 1),
    (("tiers? <exists> ", "tiers? <maybe> "), "<maybe>", 1),
    (("xmax = 2.3 ", "xmax = <exists> "), "<exists>", 1),
    (("xmax = 0.7 ", 'xmax = "\n0.7" '), '"\n0.7"', 1),  # a string opened on its own line
    (('Object class = "TextGrid"', 'Object class = "Pitch"'), "Pitch", 1),
    (('File type = "ooTextFile"', 'File type = "text"'), "File type", 1),
    (("xmax = 2.3 ", "xmax = nan "), "tiers?", 1),  # "nan" is a word; the flag is no number
])
def test_malformed_gives_the_line(change, needle, nth):
    bad = LONG.replace(*change, 1)
    err = errors(bad)
    assert err.line == line_of(bad, needle, nth), str(err)
    assert str(err).startswith(f"x.TextGrid:{err.line}: ")


def test_truncated_files_name_the_last_line():
    lines = LONG.splitlines(keepends=True)
    for cut in (3, 10, 17, 30, len(lines) - 1):
        text = "".join(lines[:cut])
        err = errors(text)
        assert err.line == len(text.rstrip().splitlines()), (cut, str(err))
        assert "ends before" in err.cause
    err = errors(LONG[: LONG.index("dvakrát") + 3])  # inside an open text
    assert err.line == line_of(LONG, "dvakrát") and "never closed" in err.cause
    err = errors(LONG[: LONG.index('"IntervalTier"', 300) + 5])  # after "item [2]:"
    assert err.line == line_of(LONG, '"IntervalTier"', 2) and "never closed" in err.cause


def test_garbage_and_empty():
    assert errors("").line == 1
    assert errors("\x00\x01 garbage\nmore").line == 1
    err = errors('File type = "ooTextFile"\nObject class = "TextGrid"\n\nhello world\n')
    assert err.line == 4 and "ends before" in err.cause
