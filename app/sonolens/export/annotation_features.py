"""File > Export > Annotation features: one CSV row per annotation with the statistics of
the Selection dock for its span: the per-annotation feature table of
``sonolens extract --annotations`` (export.annotation_table: the same columns, the same
frames, the same numbers), then the levels of the analysed signal over the annotation's
samples: ``peak_dbfs``, ``rms_dbfs`` (dBFS, silence -200) and ``zero_crossings`` (as
dsp.measure.SelectionMeter). A point (no samples) leaves the level cells empty. No Qt.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Generator

from sonolens.audio import AudioSource
from sonolens.core.annotations import AnnotationSet
from sonolens.core.progress import Progress
from sonolens.dsp.measure import SelectionMeter
from sonolens.dsp.table import FeatureTable
from sonolens.export.annotation_table import annotation_header, annotation_rows
from sonolens.export.atomic import atomic_write

LEVELS = ("peak_dbfs", "rms_dbfs", "zero_crossings")
_BLOCK = 262144  # frames read at once


def sample_range(source: AudioSource, start: float, end: float) -> tuple[int, int]:
    """[first, stop) frames of ``source`` for [start, end) s, as the Selection dock rounds
    them (model.Document.selected_frames), clipped to the file."""
    sr, n = source.samplerate, source.frames
    first = min(max(round(start * sr), 0), n)
    return first, min(max(round(end * sr), first), n)


def level_cells(source: AudioSource, channel: int | None, start: float, end: float
                ) -> list[str]:
    """The level cells (LEVELS) of [start, end) s of ``channel`` (None: the mix)."""
    first, stop = sample_range(source, start, end)
    if stop <= first:
        return ["", "", ""]
    meter = SelectionMeter(source.samplerate, source.channels, channel=channel)
    for a in range(first, stop, _BLOCK):
        block = source.read(a, min(stop, a + _BLOCK))
        if len(block) == 0:
            break
        meter.add(block)
    level = meter.result().selected
    return [repr(level.peak_dbfs), repr(level.rms_dbfs), str(level.zero_crossings)]


def annotation_features_steps(path: str | os.PathLike[str], source: AudioSource,
                              channel: int | None, table: FeatureTable,
                              annotations: AnnotationSet) -> Generator[Progress, None, int]:
    """Write the table (module doc) atomically, yielding Progress; returns the row count.
    Rows are in tier then time order, as ``sonolens extract --annotations``."""
    rows = annotation_rows(table, annotations)
    ordered = annotations.sorted()
    total = max(1, len(ordered))
    for k, (annotation, cells) in enumerate(zip(ordered, rows, strict=True)):
        cells += level_cells(source, channel, annotation.start, annotation.end)
        if k % 256 == 0:
            yield Progress(k, total, "measuring annotations")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([*annotation_header(table), *LEVELS])
    writer.writerows(rows)
    with atomic_write(path, "w", encoding="utf-8", newline="") as out:
        out.write(text.getvalue())
    yield Progress(total, total, "measuring annotations")
    return len(rows)
