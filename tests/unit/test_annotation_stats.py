"""One computation of per-annotation statistics (export.annotation_stats) behind both
``extract --annotations`` (export.annotation_table) and ``dataset --annotations``
(DatasetSpec.annotation_values): checked against numpy over frames chosen in the test,
and the two tables agree cell for cell."""

from __future__ import annotations

import math

import numpy as np

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.params import AnalysisParams
from sonolens.dsp.table import FeatureTable
from sonolens.export.annotation_stats import annotation_statistics
from sonolens.export.annotation_table import annotation_rows
from sonolens.export.dataset_table import DatasetSpec

HOP_S = 0.01  # frame centres every 10 ms from 0


def table() -> FeatureTable:
    rng = np.random.default_rng(5)
    n = 300
    columns = {"rms": rng.random(n).astype(np.float32),
               "spectral_centroid": (1000 + 500 * rng.random(n)).astype(np.float32),
               "empty": np.full(n, np.nan, dtype=np.float32)}
    return FeatureTable(np.arange(n) * HOP_S, columns, 22050, AnalysisParams())


def marks() -> AnnotationSet:
    notes = AnnotationSet(tiers=[Tier("b"), Tier("a")])
    notes.add(Annotation(0.5, 1.0, "span", "b"))  # centres 0.50 .. 0.99: frames 50..99
    notes.add(Annotation(1.234, 1.234, "point", "a"))  # nearest centre 1.23: frame 123
    notes.add(Annotation(2.001, 2.004, "between", "a"))  # no centre: nearest 2.00 (200)
    return notes


def expected(column: np.ndarray, frames: slice, stat: str) -> float:
    part = column[frames].astype(np.float64)
    return float({"mean": np.mean, "std": np.std, "min": np.min, "max": np.max,
                  "median": np.median}[stat](part))


def test_statistics_over_each_annotations_frames():
    t, stats = table(), ("mean", "std", "min", "max", "median")
    ordered = marks().sorted()  # in the tiers' order ("b" first), then by time
    counts, values = annotation_statistics(t, ordered, ["rms", "empty", "spectral_centroid"],
                                           stats)
    frames = {"point": slice(123, 124), "between": slice(200, 201), "span": slice(50, 100)}
    assert [a.label for a in ordered] == ["span", "point", "between"]
    assert counts.tolist() == [50, 1, 1]
    assert values.shape == (3, 15)
    for row, a in zip(values, ordered, strict=True):
        for k, stat in enumerate(stats):
            got_rms, got_empty, got_centroid = row[k], row[5 + k], row[10 + k]
            assert got_rms == expected(t.columns["rms"], frames[a.label], stat)
            assert got_centroid == expected(t.columns["spectral_centroid"],
                                            frames[a.label], stat)
            assert math.isnan(got_empty)


def test_extract_and_dataset_tables_agree():
    spec = DatasetSpec(features=("rms", "spectral_centroid"), annotations=True).validate()
    t = table().only({"rms", "spectral_centroid"})
    t.columns["spectral_centroid"][120:130] = np.nan  # the point's frame: an empty cell
    assert spec.frame_columns() == t.names
    extract_rows = annotation_rows(t, marks())
    dataset_rows = list(spec.rows("x.wav", spec.annotation_values(t, marks())).values())
    assert len(extract_rows) == len(dataset_rows) == 3
    for ours, theirs in zip(extract_rows, dataset_rows, strict=True):
        tier, label, start, end, low, high, _frames, *numbers = ours
        assert theirs[1:7] == [label, tier, start, end, low, high]
        assert theirs[7:] == numbers  # same text, so the same float64 values
    assert extract_rows[1][1] == "point"
    assert extract_rows[1][9:11] == ["", ""]  # its centroid mean and std: empty cells
    assert dataset_rows[1][9:11] == ["", ""]
