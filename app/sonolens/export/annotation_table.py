"""Features per annotation: one CSV row per annotation with the mean and the population
standard deviation of every per-frame feature column over the annotation's frames.

The frames and statistics are export.annotation_stats' (shared with ``sonolens dataset
--annotations``); an annotation without frames, or an all-NaN column, leaves the cells
empty. No Qt.
"""

from __future__ import annotations

import csv
import io
import os

import numpy as np

from sonolens.core.annotations import AnnotationSet
from sonolens.dsp.table import FeatureTable
from sonolens.export.annotation_stats import annotation_statistics
from sonolens.export.atomic import atomic_write
from sonolens.export.csv_text import safe_text

LEADING = ("tier", "label", "start", "end", "low_hz", "high_hz", "frames")


def annotation_header(table: FeatureTable) -> list[str]:
    return [*LEADING, *(f"{name}_{stat}" for name in table.names for stat in ("mean", "std"))]


def annotation_rows(table: FeatureTable, annotations: AnnotationSet) -> list[list[str]]:
    """The cells of each annotation's row (see module doc), in tier then time order."""
    ordered = annotations.sorted()
    counts, stats = annotation_statistics(table, ordered, table.names, ("mean", "std"))
    rows = []
    for annotation, count, values in zip(ordered, counts, stats, strict=True):
        rows.append([safe_text(annotation.tier), safe_text(annotation.label),
                     repr(float(annotation.start)), repr(float(annotation.end)),
                     _number(annotation.low_hz), _number(annotation.high_hz), str(count),
                     *(_number(None if np.isnan(v) else v) for v in values)])
    return rows


def write_annotation_csv(path: str | os.PathLike[str], table: FeatureTable,
                         annotations: AnnotationSet) -> int:
    """Write the per-annotation table atomically; returns the number of rows."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(annotation_header(table))
    rows = annotation_rows(table, annotations)
    writer.writerows(rows)
    with atomic_write(path, "w", encoding="utf-8", newline="") as out:
        out.write(text.getvalue())
    return len(rows)


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))
