"""Every label format round-trips through every other (issue 16's "Done when"): times to
1e-6 s, labels byte-exact, bands and tiers where both formats hold them. Each conversion
goes through the command line (`sonolens annotations convert`), as users run it."""

from __future__ import annotations

import itertools

import pytest

from sonolens.cli.main import main
from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.export.labels import formats, read_labels, write_labels

#: What each format can hold, as its tool defines it (not read from our code):
#: (tiers, bands). Every format holds spans and points.
HOLDS = {
    "audacity": (False, True),  # one label track; spectral labels carry a band
    "raven": (True, True),  # a selection table; the tier kept in a column
    "textgrid": (True, False),  # tiers of intervals or points; no frequencies
    "sv-csv": (False, True),  # one layer; box layers carry frequency extents
    "csv": (True, True),  # Sonolens' own: tier,start,end,low_hz,high_hz,label
}

LABELS = ["chirp", "bird call, \"loud\"", "Grüße 鳥 🐦", "it's", "a b", "x"]


def rich_set() -> AnnotationSet:
    """Spans with bands, plain spans and points in three tiers, no overlap within a tier
    (TextGrid interval tiers cannot overlap), no empty label (a TextGrid gap)."""
    annotations = AnnotationSet()
    for k, label in enumerate(LABELS):
        start = 0.25 + 1.5 * k + 0.000123
        annotations.add(Annotation(start, start + 0.734567, label, "calls",
                                   1000.5 + 100 * k, 4000.25 + 100 * k))
        annotations.add(Annotation(start + 0.1, start + 0.9, f"w{k} {label}", "words"))
        annotations.add(Annotation(start + 0.5, start + 0.5, f"p{k}", "events"))
    return annotations


def available(name: str) -> None:
    if name not in formats():
        pytest.skip(f"format {name} is not in this build yet")


def comparable(annotation: Annotation, tiers: bool, bands: bool) -> tuple:
    return (round(annotation.start, 6), round(annotation.end, 6), annotation.label,
            annotation.tier if tiers else "",
            (annotation.low_hz, annotation.high_hz) if bands else (None, None))


def assert_same(got: AnnotationSet, want: AnnotationSet, tiers: bool, bands: bool) -> None:
    key = lambda item: (item[0], item[1], item[2])  # noqa: E731
    mine = sorted((comparable(a, tiers, bands) for a in want.annotations), key=key)
    theirs = sorted((comparable(a, tiers, bands) for a in got.annotations), key=key)
    assert len(theirs) == len(mine)
    for a, b in zip(theirs, mine, strict=True):
        assert abs(a[0] - b[0]) <= 1e-6 and abs(a[1] - b[1]) <= 1e-6, (a, b)
        assert a[2] == b[2]  # byte-exact labels
        assert a[3] == b[3], (a, b)
        if bands and b[4] != (None, None):
            assert a[4][0] == pytest.approx(b[4][0], abs=1e-3), (a, b)
            assert a[4][1] == pytest.approx(b[4][1], abs=1e-3), (a, b)


@pytest.mark.parametrize(("first", "second"), list(itertools.product(HOLDS, repeat=2)))
def test_round_trip_between_formats(tmp_path, first, second):
    available(first)
    available(second)
    original = rich_set()
    a = write_labels(original, tmp_path / f"a.{first}", first)
    b = tmp_path / f"b.{second}"
    assert main(["-q", "annotations", "convert", str(a), "-o", str(b), "--to", second]) == 0
    got, fmt = read_labels(b)
    assert fmt.name == second
    tiers = HOLDS[first][0] and HOLDS[second][0]
    bands = HOLDS[first][1] and HOLDS[second][1]
    assert_same(got, original, tiers, bands)
    back = tmp_path / f"c.{first}"
    assert main(["-q", "annotations", "convert", str(b), "-o", str(back), "--to", first]) == 0
    assert_same(read_labels(back)[0], original, tiers, bands)


def test_convert_refuses_a_malformed_file_and_its_own_input(tmp_path, capsys):
    bad = tmp_path / "labels.txt"
    bad.write_text("not a label file at all\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["annotations", "convert", str(bad), "-o", str(out), "--to", "csv"]) == 2
    assert "labels.txt" in capsys.readouterr().err and not out.exists()
    available("csv")
    good = write_labels(rich_set(), tmp_path / "good.csv", "csv")
    before = good.read_bytes()
    assert main(["annotations", "convert", str(good), "-o", str(good), "--to", "csv"]) == 2
    assert "refusing to write over it" in capsys.readouterr().err
    assert good.read_bytes() == before
