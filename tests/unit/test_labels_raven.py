"""Raven Pro selection tables: real layouts read, written tables read back, bad rows named
by line, detection from the content."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.core.errors import LabelFileError
from sonolens.export import labels, labels_raven
from sonolens.export.labels_raven import FORMAT

HEADER = ("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\t"
          "High Freq (Hz)")

# As Raven Pro saves a table with a Waveform and a Spectrogram view and the default
# measurements (layout of a table saved by Raven, quoted in QutEcoacoustics/baw-server's
# import tests): each selection once per view, an empty power cell in the Waveform row.
RAVEN_TWO_VIEWS = (
    f"{HEADER}\tDelta Time (s)\tDelta Freq (Hz)\tAvg Power Density (dB FS/Hz)\tAnnotation\r\n"
    "1\tWaveform 1\t1\t6.709509878\t15.096397225\t1739.012\t3798.813\t8.3869\t2059.801\t\tBirb\r\n"
    "1\tSpectrogram 1\t1\t6.709509878\t15.096397225\t1739.012\t3798.813\t8.3869\t2059.801\t"
    "-75.87\tBirb\r\n"
    "2\tWaveform 1\t1\t29.383026016\t40.257059266\t1587.060\t4136.485\t10.8740\t2549.426\t\t"
    "donkey\r\n"
    "2\tSpectrogram 1\t1\t29.383026016\t40.257059266\t1587.060\t4136.485\t10.8740\t2549.426\t"
    "-75.64\tdonkey\r\n"
)

# As BirdNET-Analyzer writes its Raven tables: Spectrogram rows only, no Annotation column.
BIRDNET = (
    f"{HEADER}\tSpecies Code\tCommon Name\tConfidence\n"
    "1\tSpectrogram 1\t1\t1013.0\t1016.0\t150\t12000\trocpta1\tRock Ptarmigan\t0.8846\n"
    "2\tSpectrogram 1\t1\t1014.0\t1017.0\t150\t12000\trocpta1\tRock Ptarmigan\t0.4061\n"
)

PATH = Path("calls.Table.1.selections.txt")


def test_reads_one_annotation_per_selection_across_views_with_crlf() -> None:
    got = FORMAT.read(RAVEN_TWO_VIEWS, PATH).sorted()
    assert [(a.start, a.end, a.label) for a in got] == [
        (6.709509878, 15.096397225, "Birb"), (29.383026016, 40.257059266, "donkey")]
    assert [(a.low_hz, a.high_hz) for a in got] == [(1739.012, 3798.813), (1587.060, 4136.485)]
    # the Spectrogram row's measurement fills the Waveform row's empty cell
    assert dict(got[0].extra) == {"Delta Time (s)": "8.3869", "Delta Freq (Hz)": "2059.801",
                                  "Avg Power Density (dB FS/Hz)": "-75.87"}
    assert dict(got[1].extra)["Avg Power Density (dB FS/Hz)"] == "-75.64"
    assert all(a.tier == "" for a in got)


def test_birdnet_table_without_annotation_column_keeps_its_columns() -> None:
    got = FORMAT.read(BIRDNET, PATH).sorted()
    assert [(a.start, a.end, a.label) for a in got] == [(1013.0, 1016.0, ""),
                                                        (1014.0, 1017.0, "")]
    assert got[1].extra == (("Species Code", "rocpta1"), ("Common Name", "Rock Ptarmigan"),
                            ("Confidence", "0.4061"))
    back = FORMAT.read(FORMAT.write(FORMAT.read(BIRDNET, PATH)), PATH).sorted()
    assert [a.extra for a in back] == [a.extra for a in got]


def test_table_without_band_columns_or_with_na_cells_has_no_band() -> None:
    # Rraven's exp_raven writes no Low/High Freq columns when there is no band, and R's NA
    # in an empty cell
    text = ("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tBegin File\n"
            "1\tSpectrogram 1\t1\t0.5\t1.5\ta.wav\n")
    got = FORMAT.read(text, PATH).annotations
    assert [(a.start, a.end, a.low_hz, a.high_hz) for a in got] == [(0.5, 1.5, None, None)]
    na = f"{HEADER}\n1\tSpectrogram 1\t1\t0.5\t1.5\tNA\t800\n"
    assert [(a.low_hz, a.high_hz) for a in FORMAT.read(na, PATH).annotations] == [(None, 800.0)]


def test_same_selection_number_in_the_same_view_is_two_annotations() -> None:
    text = (f"{HEADER}\tAnnotation\n"
            "1\tSpectrogram 1\t1\t1.0\t2.0\t100\t200\ta\n"
            "1\tSpectrogram 1\t1\t5.0\t6.0\t100\t200\tb\n"
            "1\tWaveform 1\t1\t7.0\t8.0\t100\t200\tc\n")
    got = FORMAT.read(text, PATH).sorted()
    assert [(a.start, a.label) for a in got] == [(1.0, "a"), (5.0, "b"), (7.0, "c")]


def test_writes_raven_layout() -> None:
    aset = AnnotationSet()
    aset.add(Annotation(0.5, 1.25, "chirp", low_hz=2000.0, high_hz=4000.5))
    aset.add(Annotation(0.1, 0.1, "click"))
    assert FORMAT.write(aset) == (
        f"{HEADER}\tAnnotation\n"
        "1\tSpectrogram 1\t1\t0.100000000\t0.100000000\t\t\tclick\n"
        "2\tSpectrogram 1\t1\t0.500000000\t1.250000000\t2000.000\t4000.500\tchirp\n")


def _sample() -> AnnotationSet:
    aset = AnnotationSet()
    aset.add(Annotation(1.0000004, 2.123456789, 'héllo "wörld", 鳥', tier="calls",
                        low_hz=1500.25, high_hz=6000.0))
    aset.add(Annotation(0.3333333, 0.3333333, "pt, \"q\" ; 'x'", tier="events"))
    aset.add(Annotation(0.25, 0.75, "", tier="calls"))
    aset.add(Annotation(3.0, 4.0, "low only", tier="calls", low_hz=100.0))
    aset.add(Annotation(5.0, 9.5, "🐦 ok", tier="events", low_hz=0.0, high_hz=22050.0,
                        extra=(("Channel", "2"), ("Species Code", "amerob"))))
    return aset


def test_round_trip_times_labels_bands_tiers_and_extra(tmp_path: Path) -> None:
    aset = _sample()
    path = labels.write_labels(aset, tmp_path / "out.selections.txt", "raven")
    back, fmt = labels.read_labels(path)
    assert fmt.name == "raven"
    assert [t.name for t in back.tiers] == ["calls", "events"]
    want, got = aset.sorted(), back.sorted()
    assert len(got) == len(want)
    for w, g in zip(want, got, strict=True):
        assert g.start == pytest.approx(w.start, abs=1e-6)
        assert g.end == pytest.approx(w.end, abs=1e-6)
        assert g.is_point == w.is_point
        assert g.label == w.label
        assert g.tier == w.tier
        assert (g.low_hz, g.high_hz) == (w.low_hz, w.high_hz)
    assert dict(got[-1].extra) == {"Channel": "2", "Species Code": "amerob"}
    assert dict(got[0].extra) == {"Species Code": ""}


def test_tabs_and_newlines_in_labels_become_spaces() -> None:
    aset = AnnotationSet()
    aset.add(Annotation(1.0, 2.0, "a\tb\nc\r\nd"))
    text = FORMAT.write(aset)
    assert text.count("\n") == 2
    assert [a.label for a in FORMAT.read(text, PATH).annotations] == ["a b c d"]


def test_no_tier_column_when_no_tier_is_named() -> None:
    aset = AnnotationSet()
    aset.add(Annotation(1.0, 2.0, "x"))
    assert "Tier" not in FORMAT.write(aset).split("\n")[0]


@pytest.mark.parametrize(("text", "line", "cause"), [
    ("", 1, "no header"),
    ("\n1\tSpectrogram 1\t1\t1\t2\t0\t10\n", 1, "no header"),
    ("Selection\tView\tChannel\tBegin Time (s)\tLow Freq (Hz)\n1\tS\t1\t1\t0\n", 1,
     "'End Time (s)'"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\t0.5\t1.0\t0\t10\n2\tSpectrogram 1\t1\tabc\t2\t0\t10\n",
     3, "Begin Time (s) 'abc' is not a number"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\tnan\t1.0\t0\t10\n", 2, "not a finite number"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\t1.0\tinf\t0\t10\n", 2, "not a finite number"),
    (f"{HEADER}\r\n1\tSpectrogram 1\t1\t1.0\t2.0\t0\t10\r\n\r\n2\tSpectrogram 1\t1\t3.0\t2.5"
     "\t0\t10\r\n", 4, "lies before start"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\t1.0\t2.0\t300\t10\n", 2, "lies below low_hz"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\t1.0\t2.0\tx\t10\n", 2, "Low Freq (Hz) 'x'"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\t1.0\t2.0\t0\t10\n2\tSpectrogram 1\t1\t3.0", 3,
     "4 TAB-separated fields, the header has 7"),
    (f"{HEADER}\n1\tSpectrogram 1\t1\t1.0\t2.0\t0\t10\tstray\n", 2, "8 TAB-separated"),
])
def test_malformed_rows_name_the_line(text: str, line: int, cause: str) -> None:
    with pytest.raises(LabelFileError) as info:
        FORMAT.read(text, PATH)
    assert info.value.line == line
    assert cause in info.value.cause
    assert str(info.value).startswith(f"{PATH.name}:{line}: ")


def test_sniff_claims_raven_only() -> None:
    assert FORMAT.sniff(RAVEN_TWO_VIEWS)
    assert FORMAT.sniff(BIRDNET)
    assert FORMAT.sniff("Begin Time (S)\tEnd Time (S)\n1\t2\n")
    assert not FORMAT.sniff("1.000000\t2.000000\tBegin Time (s)\n")  # Audacity label
    assert not FORMAT.sniff("tier,start,end,low_hz,high_hz,label\n")
    assert not FORMAT.sniff('File type = "ooTextFile"\nObject class = "TextGrid"\n')
    assert not FORMAT.sniff("0.500000000,1.000000000,0.500000000,Begin Time (s)\n")
    assert not FORMAT.sniff("")


def test_detected_from_content_despite_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_bytes(b"\xef\xbb\xbf" + RAVEN_TWO_VIEWS.encode("utf-8"))
    aset, fmt = labels.read_labels(path)
    assert fmt.name == "raven"
    assert [a.label for a in aset.sorted()] == ["Birb", "donkey"]
    utf16 = tmp_path / "table.TextGrid"
    utf16.write_bytes(BIRDNET.encode("utf-16"))
    assert labels.read_labels(utf16)[1] is labels_raven.FORMAT
