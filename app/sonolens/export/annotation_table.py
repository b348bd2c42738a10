"""Features per annotation: one CSV row per annotation with the mean and the population
standard deviation of every per-frame feature column over the annotation's frames.

The frames of an annotation are those whose centre time lies in [start, end); a point,
or a span that holds no frame centre, takes the frame nearest its start. No Qt.
"""

from __future__ import annotations

import csv
import io
import os

import numpy as np

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.dsp.table import FeatureTable
from sonolens.export.atomic import atomic_write
from sonolens.export.csv_text import safe_text

LEADING = ("tier", "label", "start", "end", "low_hz", "high_hz", "frames")


def annotation_frames(times: np.ndarray, annotation: Annotation) -> slice:
    """The frames (a slice of ``times``, ascending frame centres in s) of ``annotation``."""
    first = int(np.searchsorted(times, annotation.start, side="left"))
    stop = int(np.searchsorted(times, annotation.end, side="left"))
    if stop > first:
        return slice(first, stop)
    if len(times) == 0:
        return slice(0, 0)
    candidates = [k for k in (first - 1, first) if 0 <= k < len(times)]
    nearest = min(candidates, key=lambda k: (abs(times[k] - annotation.start), k))
    return slice(nearest, nearest + 1)


def annotation_header(table: FeatureTable) -> list[str]:
    return [*LEADING, *(f"{name}_{stat}" for name in table.names for stat in ("mean", "std"))]


def annotation_rows(table: FeatureTable, annotations: AnnotationSet) -> list[list[str]]:
    """The cells of each annotation's row (see module doc), in tier then time order."""
    rows = []
    columns = [np.asarray(table.columns[name], dtype=np.float64) for name in table.names]
    for annotation in annotations.sorted():
        frames = annotation_frames(table.times, annotation)
        cells = [safe_text(annotation.tier), safe_text(annotation.label),
                 repr(float(annotation.start)), repr(float(annotation.end)),
                 _number(annotation.low_hz), _number(annotation.high_hz),
                 str(frames.stop - frames.start)]
        for values in columns:
            part = values[frames]
            if part.size == 0 or np.isnan(part).all():
                cells += ["", ""]
            else:
                cells += [repr(float(np.mean(part))), repr(float(np.std(part)))]
        rows.append(cells)
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
