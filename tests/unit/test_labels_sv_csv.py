"""Sonic Visualiser CSV layers: files exactly as SV writes them (copied from
sonic-visualiser/export-tests/layers-expected/*.csv, which SV's own regression test compares
its exports against) are read; Sonolens writes them byte for byte; round trips; bad input
names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError
from sonolens.export.labels import read_labels, write_labels
from sonolens.export.labels_sv_csv import FORMAT

PATH = Path("layer.csv")

# export-tests/layers-expected/regions.csv (no newline after the last row, as SV writes).
SV_REGIONS = ("0.000000000,1,9.200000000,A\n"
              "9.200000000,2,4.400000000,B\n"
              "13.600000000,3,5.800000000,C")
# export-tests/layers-expected/boxes.csv
SV_BOXES = ("0.000000000,1.856000000,374.032,475.985,Area of no interest\n"
            "8.000000000,9.813333333,318.507,533.879,Area of interest\n"
            "12.266666667,13.589333333,405.325,634.188,Area of more interest")
# The first rows of export-tests/layers-expected/instants.csv (instants without labels).
SV_INSTANTS = "0.011604167\n1.705812500\n6.335875000\n7.960458333"
# export-tests/layers-expected/notes.csv (first rows) and text.csv.
SV_NOTES = ("0.020000000,415.305,1.720000000,0.354331,G#4\n"
            "1.700000000,440,17.880000000,0.338583,A4")
SV_TEXT = ("1.280000000,0.664063,Here's where it all began\n"
           "16.426666667,0.34375,Here's where it all ended")


def _spans(s: AnnotationSet) -> list[tuple[float, float, str, float | None, float | None]]:
    return [(a.start, a.end, a.label, a.low_hz, a.high_hz) for a in s.sorted()]


def test_reads_sv_regions_instants_and_boxes():
    regions = FORMAT.read(SV_REGIONS, PATH)
    assert _spans(regions) == [(0.0, 9.2, "A", None, None),  # end = TIME + DURATION in decimal
                             (9.2, 13.6, "B", None, None),
                             (13.6, 19.4, "C", None, None)]
    assert regions.tiers == [Tier("", points=False)]
    instants = FORMAT.read(SV_INSTANTS, PATH)
    assert [(a.start, a.end, a.label) for a in instants.sorted()] == [
        (0.011604167, 0.011604167, ""), (1.7058125, 1.7058125, ""),
        (6.335875, 6.335875, ""), (7.960458333, 7.960458333, "")]
    assert instants.tiers == [Tier("", points=True)]
    boxes = FORMAT.read(SV_BOXES, PATH)
    assert _spans(boxes)[1] == (8.0, 9.813333333, "Area of interest", 318.507, 533.879)
    assert len(boxes.annotations) == 3


def test_reads_note_and_text_layers_as_spans_and_points():
    notes = FORMAT.read(SV_NOTES, PATH)
    assert _spans(notes) == [(0.02, 1.74, "G#4", None, None),
                           (1.7, 19.58, "A4", None, None)]
    text = FORMAT.read(SV_TEXT, PATH)
    assert [(a.start, a.end, a.label) for a in text.sorted()] == [
        (1.28, 1.28, "Here's where it all began"),
        (16.426666667, 16.426666667, "Here's where it all ended")]


def test_reads_header_rows_crlf_comments_and_quoted_labels():
    # "Include a header row" ticked, exported on Windows (QIODevice::Text: CRLF);
    # joinDelimited quotes a cell holding the separator and doubles its quotes.
    text = ("START,END,EXTENT START,EXTENT END,LABEL\r\n"
            "# a comment line SV skips\r\n"
            '1.500000000,2.250000000,1000,4000,"say ""hi"", then go"\r\n'
            "3.000000000,3.500000000,0,22050\r\n")
    got = FORMAT.read(text, PATH)
    assert _spans(got) == [(1.5, 2.25, 'say "hi", then go', 1000.0, 4000.0),
                           (3.0, 3.5, "", 0.0, 22050.0)]
    instants = FORMAT.read("TIME,LABEL\n0.500000000,onset\n0.750000000", PATH)
    assert [(a.start, a.label) for a in instants.sorted()] == [(0.5, "onset"), (0.75, "")]
    regions = FORMAT.read("TIME,VALUE,DURATION,LABEL\n0.100000000,0,0.200000000,x", PATH)
    assert _spans(regions) == [(0.1, 0.3, "x", None, None)]


def test_writes_boxes_and_instants_byte_for_byte_as_sv():
    assert FORMAT.write(FORMAT.read(SV_BOXES, PATH)) == SV_BOXES
    assert FORMAT.write(FORMAT.read(SV_INSTANTS, PATH)) == SV_INSTANTS
    # Regions: VALUE is always 0 (SV's VALUE is not kept), everything else as SV.
    assert FORMAT.write(FORMAT.read(SV_REGIONS, PATH)) == (
        "0.000000000,0,9.200000000,A\n"
        "9.200000000,0,4.400000000,B\n"
        "13.600000000,0,5.800000000,C")


def _set(*annotations: Annotation) -> AnnotationSet:
    s = AnnotationSet()
    for a in annotations:
        s.add(a)
    return s


def test_mixed_set_is_one_layer_sorted_by_start():
    points_and_spans = _set(Annotation(2.0, 3.0, "span", "words"),
                            Annotation(0.5, 0.5, "click", "events"),
                            Annotation(1.0, 1.0, "", "events"))
    assert FORMAT.write(points_and_spans) == ("0.500000000,0,0.000000000,click\n"
                                              "1.000000000,0,0.000000000\n"
                                              "2.000000000,0,1.000000000,span")
    with_a_box = _set(Annotation(0.25, 0.75, "call", "calls", 2500.0, 8000.125),
                      Annotation(0.1, 0.1, "tick", "events"),
                      Annotation(1.0, 2.0, "", "words", low_hz=300.0))
    assert FORMAT.write(with_a_box) == ("0.100000000,0.100000000,,,tick\n"
                                        "0.250000000,0.750000000,2500,8000.125,call\n"
                                        "1.000000000,2.000000000,300,")
    back = FORMAT.read(FORMAT.write(with_a_box), PATH)
    assert _spans(back) == [(0.1, 0.1, "tick", None, None),
                            (0.25, 0.75, "call", 2500.0, 8000.125),
                            (1.0, 2.0, "", 300.0, None)]
    assert FORMAT.write(AnnotationSet()) == ""
    assert FORMAT.read("", PATH).annotations == []


LABELS = ["plain", "", "Ünïcødé 鳥の声 🐦", 'say "hi"', '"quoted"', "'apos", "a,b,,c",
          "tab\there", "two\nlines", "cr\rline", "back\\slash", " spaced ", "# not a comment",
          "1.500000000", "trailing,"]


@pytest.mark.parametrize("kind", ["instants", "regions", "boxes"])
def test_round_trip_keeps_times_labels_and_bands(kind, tmp_path):
    annotations = []
    for k, label in enumerate(LABELS):
        start = 0.1234567 + 1.000000321 * k
        end = start if kind == "instants" else start + 0.0625 + k / 7
        band = (100.0 + k, 12345.678 + k / 3) if kind == "boxes" else (None, None)
        annotations.append(Annotation(start, end, label, "t", *band))
    target = write_labels(_set(*annotations), tmp_path / "out.csv", "sv-csv")
    back, fmt = read_labels(target)
    assert fmt.name == "sv-csv"
    assert len(back.annotations) == len(annotations)
    for a, b in zip(annotations, back.sorted(), strict=True):
        assert b.label == a.label
        assert b.start == pytest.approx(a.start, abs=1e-6)
        assert b.end == pytest.approx(a.end, abs=1e-6)
        assert (b.low_hz, b.high_hz) == (a.low_hz, a.high_hz)
        assert b.is_point == a.is_point


def test_detected_from_content_despite_a_misleading_extension(tmp_path):
    path = tmp_path / "boxes.txt"
    path.write_bytes(SV_BOXES.encode("utf-8"))
    got, fmt = read_labels(path)
    assert fmt.name == "sv-csv"
    assert len(got.annotations) == 3


@pytest.mark.parametrize("text", [
    "1.000000\t2.000000\tAudacity label, with comma\n",          # Audacity labels
    "1.000000\t1.000000\t\n\\\t100.000000\t200.000000\n",
    "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\n1\tSpectrogram 1\t1\t0.5\t1\n",
    'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\n',
    "tier,start,end,low_hz,high_hz,label\nwords,0.5,1,,,hi\n",  # Sonolens CSV
    "a,b,c,d,e,f,g\n1,2,3,4,5,6,7\n",                          # some other table
    "", "\n\n",
])
def test_sniff_does_not_claim_other_formats(text):
    assert not FORMAT.sniff(text)


@pytest.mark.parametrize("text", [SV_REGIONS, SV_BOXES, SV_INSTANTS, SV_NOTES, SV_TEXT,
                                  "TIME,VALUE,DURATION,LABEL\n", "FRAME,LABEL\n44100,x"])
def test_sniff_claims_sv_layers(text):
    assert FORMAT.sniff(text)


@pytest.mark.parametrize(("text", "line", "cause"), [
    ("0.500000000,a\nabc,b\n", 2, "TIME 'abc' is not a number"),
    ("0.500000000,a\n\n1.0,b\nnan,c\n", 4, "TIME 'nan' is not a number"),
    ("0.000000000,0,1.000000000,A\n1.000000000,0,x1,B\n", 2, "DURATION 'x1' is not a number"),
    ("0.000000000,0,1.000000000,A\n1.000000000,0,-0.5,B\n", 2, "lies before start"),
    ("0.000000000,0,1.000000000,A\n2.000000000\n", 2, "1 columns where the layer has 4"),
    ("0.0,1.0,100,200,x\n2.000000000,1.000000000,10,20,y\n", 2, "lies before start"),
    ("0.0,1.0,100,200,x\n2.0,3.0,500,20,y\n", 2, "high_hz=20 lies below low_hz=500"),
    ("0.0,1.0,100,200,x\n2.0,3.0,-5,20,y\n", 2, "must be a frequency >= 0 Hz"),
    ("1,2,3,4,5,6\n", 1, "6 columns"),
    ('0.500000000,a\n1.000000000,"never closed\n2.0,b\n', 2, "quoted label is never closed"),
    ("Begin,End\n0.5,1.0\n", 1, "'Begin' is not a Sonic Visualiser column"),
    ("\x00\x01garbage\x02,\x03\n", 1, "is not a Sonic Visualiser column"),
    ("TIME,LABEL\n0.5,a,b\n", 2, "3 columns where the layer has 2"),
    ("FRAME,VALUE,DURATION,LABEL\n44100,0,22050,A\n", 1, "sample frames"),
    ("VALUE,LABEL\n0.5,x\n", 1, "needs one TIME"),
])
def test_malformed_input_names_the_line(text, line, cause):
    with pytest.raises(LabelFileError) as caught:
        FORMAT.read(text, Path("labels.csv"))
    assert caught.value.line == line
    assert cause in caught.value.cause
    assert str(caught.value).startswith(f"labels.csv:{line}: ")


def test_annotations_past_any_audio_end_are_kept():
    got = FORMAT.read("86400.000000000,0,3600.000000000,late", PATH)
    assert _spans(got) == [(86400.0, 90000.0, "late", None, None)]
