"""Hit-testing annotations under the mouse (edges, insides, points, bands)."""

from __future__ import annotations

import numpy as np

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.dsp.annotation_hits import AnnotationIndex, Hit


def make_set() -> AnnotationSet:
    s = AnnotationSet()
    s.add(Annotation(1.0, 2.0, "span", "a"))
    s.add(Annotation(1.2, 1.6, "box", "a", 1000.0, 3000.0))
    s.add(Annotation(3.0, 3.0, "pt", "p"))
    return s


def ident(hz):
    return np.asarray(hz, dtype=np.float64)


def test_edges_insides_and_points():
    index = AnnotationIndex(make_set())
    assert index.hit(1.005, 0.01) == Hit(0, "start")
    assert index.hit(1.995, 0.01) == Hit(0, "end")
    assert index.hit(1.5, 0.01) == Hit(1, "inside")  # no y: the shorter one wins
    assert index.hit(3.004, 0.01) == Hit(2, "point")
    assert index.hit(2.5, 0.01) is None
    assert index.hit(0.5, 0.01) is None


def test_bands_count_with_a_frequency_axis():
    index = AnnotationIndex(make_set())
    kw = {"dy": 50.0, "to_axis": ident, "y_range": (0.0, 11025.0)}
    assert index.hit(1.4, 0.01, y=2000.0, **kw) == Hit(1, "inside")
    assert index.hit(1.4, 0.01, y=5000.0, **kw) == Hit(0, "inside")  # above the band
    assert index.hit(1.4, 0.01, y=3020.0, **kw) == Hit(1, "high")
    assert index.hit(1.4, 0.01, y=990.0, **kw) == Hit(1, "low")
    assert index.hit(1.201, 0.01, y=2000.0, **kw) == Hit(1, "start")
    assert index.hit(1.201, 0.01, y=8000.0, **kw) == Hit(0, "inside")  # the box is below


def test_hidden_tiers_are_not_hit():
    s = make_set().with_tier("a", visible=False)
    index = AnnotationIndex(s)
    assert index.hit(1.5, 0.01) is None
    assert index.hit(3.0, 0.01) == Hit(2, "point")
    assert isinstance(s.tiers[0], Tier)


def test_many_annotations_find_the_one_under_the_mouse():
    rng = np.random.default_rng(1)
    s = AnnotationSet()
    starts = np.sort(rng.uniform(0, 1000, 100_000))
    for k, t in enumerate(starts):
        s.annotations.append(Annotation(float(t), float(t) + 0.001, str(k), "x"))
    s.tiers.append(Tier("x"))
    index = AnnotationIndex(s)
    target = 54321
    mid = float(starts[target]) + 0.0005
    hit = index.hit(mid, 0.0001)
    assert hit == Hit(target, "inside")
    expected = np.flatnonzero((starts <= 500.0) & (starts + 0.001 >= 499.0))
    assert np.array_equal(np.sort(index.order[index.near(499.0, 500.0)]), expected)
