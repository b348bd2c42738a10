"""The annotation values and the label-file seam (decoding, detection, errors)."""

from __future__ import annotations

import math

import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.errors import LabelFileError, ParameterError
from sonolens.export.labels import decode, detect


def test_points_spans_and_boxes():
    point, span = Annotation(1.0, 1.0, "click"), Annotation(0.5, 2.0, "call")
    box = Annotation(0.5, 2.0, "call", low_hz=1000.0, high_hz=3000.0)
    assert point.is_point and not span.is_point and span.duration == 1.5
    assert box.has_band and not span.has_band
    with pytest.raises(ParameterError, match="before start"):
        Annotation(2.0, 1.0).validate()
    with pytest.raises(ParameterError, match="finite"):
        Annotation(math.nan, 1.0).validate()
    with pytest.raises(ParameterError, match="below low_hz"):
        Annotation(0.0, 1.0, low_hz=500.0, high_hz=100.0).validate()
    Annotation(3600.0 * 5, 3600.0 * 5 + 1).validate()  # past any audio: kept


def test_set_keeps_tier_order_and_kinds():
    annotations = AnnotationSet()
    annotations.add(Annotation(2.0, 3.0, "b", "words"))
    annotations.add(Annotation(1.0, 1.0, "tick", "events"))
    annotations.add(Annotation(0.5, 1.0, "a", "words"))
    assert annotations.tiers == [Tier("words"), Tier("events", points=True)]
    assert [a.label for a in annotations.sorted()] == ["a", "b", "tick"]
    assert [a.label for a in annotations.in_tier("words")] == ["a", "b"]
    assert annotations.end == 3.0


def test_decoding_and_the_line_of_a_bad_byte(tmp_path):
    path = tmp_path / "labels.txt"
    text = "0.5\t1.0\tGrüße\n"
    assert decode(text.encode("utf-8"), path) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), path) == text
    assert decode(text.encode("utf-16"), path) == text  # with its BOM
    with pytest.raises(LabelFileError, match=r"^labels.txt:2: not UTF-8"):
        decode(b"0\t1\ta\n0\t1\t\xff\n", path)


def test_unknown_content_names_the_file(tmp_path):
    with pytest.raises(LabelFileError, match=r"^notes.md: not a label file"):
        detect("# some notes\nnothing here\n", tmp_path / "notes.md")


def test_an_empty_file_is_an_empty_label_track(tmp_path):
    from sonolens.export.labels import read_labels, write_labels

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    annotations, fmt = read_labels(path)
    assert annotations.annotations == [] and fmt.name == "audacity"
    written = write_labels(AnnotationSet(), tmp_path / "none.txt", "audacity")
    assert read_labels(written)[0].annotations == []


def _three() -> AnnotationSet:
    s = AnnotationSet()
    s.add(Annotation(0.0, 1.0, "a", "words"))
    s.add(Annotation(2.0, 2.0, "p", "clicks"))
    s.add(Annotation(1.0, 3.0, "b", "words", 100.0, 900.0))
    return s


def test_edits_return_new_sets_and_leave_the_old_one() -> None:
    old = _three()
    snapshot = (list(old.tiers), list(old.annotations))
    moved = old.with_replaced(2, old.annotations[2].replace(start=1.5, high_hz=1200.0))
    assert moved.annotations[2] == Annotation(1.5, 3.0, "b", "words", 100.0, 1200.0)
    gone = old.without([0, 1])
    assert [a.label for a in gone.annotations] == ["b"] and gone.tiers == old.tiers
    renamed = old.with_tier("words", name="speech")
    assert [t.name for t in renamed.tiers] == ["speech", "clicks"]
    assert [a.tier for a in renamed.annotations] == ["speech", "clicks", "speech"]
    styled = old.with_tier("clicks", color="#102030", visible=False)
    assert styled.tiers[1] == Tier("clicks", points=True, color="#102030", visible=False)
    assert styled.color_of(1) == "#102030" and styled.color_of(0) != styled.color_of(1)
    reordered = old.with_tier_moved("clicks", 0)
    assert [t.name for t in reordered.tiers] == ["clicks", "words"]
    assert (list(old.tiers), list(old.annotations)) == snapshot


def test_bad_edits_are_refused() -> None:
    old = _three()
    with pytest.raises(ParameterError, match="exists"):
        old.with_tier("words", name="clicks")
    with pytest.raises(ParameterError, match="no tier"):
        old.with_tier_moved("nope", 0)
    with pytest.raises(ParameterError, match="before"):
        old.with_replaced(0, Annotation(2.0, 1.0, "x", "words"))
