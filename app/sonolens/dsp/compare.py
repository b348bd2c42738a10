"""Two feature tables side by side over the time both files cover.

``b`` was computed on the second file moved by the alignment offset (an
:class:`sonolens.audio.shifted.ShiftedSource`) at the first file's analysis rate, so frame
i of both tables is the same moment; the rows kept are the frames whose centre lies where
both files have audio.
"""

from __future__ import annotations

import math

import numpy as np

from sonolens.dsp.table import FeatureTable

SUFFIXES = ("_a", "_b", "_diff")


def overlap_seconds(offset: float, duration_a: float, duration_b: float
                    ) -> tuple[float, float]:
    """[start, end) in A's time (s) where both files have audio; B's shared audio starts
    ``offset`` s later than A's. Empty (start >= end) when they do not overlap."""
    return max(0.0, -offset), min(duration_a, duration_b - offset)


def centred_frames(start: float, end: float, *, hop_length: int, sr: int) -> tuple[int, int]:
    """Frames [first, stop) whose centre (frame * hop_length / sr s) lies in [start, end]
    (the rows :func:`side_by_side` keeps)."""
    dt = hop_length / float(sr)
    return math.ceil(start / dt - 1e-9), math.floor(end / dt + 1e-9) + 1


def side_by_side(a: FeatureTable, b: FeatureTable, start: float, end: float) -> FeatureTable:
    """``time`` of A's frames whose centre lies in [start, end], then per column of A (in
    its order) ``<column>_a``, ``<column>_b`` and ``<column>_diff`` = b - a, float32."""
    n = min(a.n_frames, b.n_frames)
    times = np.asarray(a.times[:n], dtype=np.float64)
    keep = (times >= start - 1e-9) & (times <= end + 1e-9)
    columns: dict[str, np.ndarray] = {}
    for name in a.names:
        if name not in b.columns:
            continue
        values_a = np.asarray(a.columns[name][:n])[keep]
        values_b = np.asarray(b.columns[name][:n])[keep]
        columns[name + "_a"] = values_a
        columns[name + "_b"] = values_b
        columns[name + "_diff"] = (values_b.astype(np.float64) - values_a).astype(np.float32)
    return FeatureTable(times[keep], columns, a.sr, a.params, a.tuning,
                        list(a.warnings) + list(b.warnings))


def summary(table: FeatureTable) -> list[tuple[str, float, float, float, float]]:
    """Per feature column of a :func:`side_by_side` table: (column, mean A, mean B, mean
    difference B - A, Pearson correlation of A and B over the frames; NaN if either is
    constant or a value is missing), in the table's order. Means ignore NaN frames."""
    rows = []
    for name in table.names:
        if not name.endswith("_a"):
            continue
        column = name[:-2]
        a = np.asarray(table.columns[column + "_a"], dtype=np.float64)
        b = np.asarray(table.columns[column + "_b"], dtype=np.float64)
        both = np.isfinite(a) & np.isfinite(b)
        a, b = a[both], b[both]
        if len(a) == 0:
            rows.append((column, np.nan, np.nan, np.nan, np.nan))
            continue
        correlation = np.nan
        if len(a) > 1 and a.std() > 0 and b.std() > 0:
            correlation = float(np.corrcoef(a, b)[0, 1])
        rows.append((column, float(a.mean()), float(b.mean()), float((b - a).mean()),
                     correlation))
    return rows
