"""Statistics of per-frame feature columns over each annotation's frames: the one
computation behind ``sonolens extract --annotations``, File > Export > Annotation
features and ``sonolens dataset --annotations``. No Qt.

The frames of an annotation are those whose centre time lies in [start, end); a point,
or a span that holds no frame centre, takes the frame nearest its start.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from sonolens.core.annotations import Annotation
from sonolens.dsp.table import FeatureTable

#: Statistic name -> numpy reduction over a float64 column (n_frames,) -> float.
STATISTICS = {
    "mean": np.mean,
    "std": np.std,  # population (ddof=0)
    "min": np.min,
    "max": np.max,
    "median": np.median,
}
#: The same over the finite values only, for columns that are NaN by design where a value
#: does not exist (f0 where unvoiced): ``f0_mean`` is the mean f0 of the voiced frames.
FINITE_STATISTICS = {"mean": np.nanmean, "std": np.nanstd, "min": np.nanmin,
                     "max": np.nanmax, "median": np.nanmedian}
FINITE_ONLY = frozenset({"f0"})


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


def annotation_statistics(table: FeatureTable, annotations: Sequence[Annotation],
                          columns: Sequence[str], stats: Sequence[str] = ("mean", "std")
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Per annotation (in the order given): its frame count, shape (n,) int, and the
    statistics ``stats`` (STATISTICS names) of each of ``columns`` over its frames, float64
    shape (n, len(columns) * len(stats)) ordered column by column (``c0_mean, c0_std,
    c1_mean, ...``). NaN where the annotation holds no frame or the column is all NaN;
    columns of FINITE_ONLY (f0) over their finite values (the voiced frames)."""
    # one row per column, contiguous: a reduction along axis 1 sums each row exactly as
    # numpy sums that column alone (pairwise), so the numbers equal per-column numpy's
    data = np.empty((len(columns), len(table.times)), dtype=np.float64)
    for j, name in enumerate(columns):
        data[j] = table.columns[name]
    reducers = [STATISTICS[s] for s in stats]
    finite_rows = [j for j, name in enumerate(columns) if name in FINITE_ONLY]
    counts = np.zeros(len(annotations), dtype=np.int64)
    out = np.full((len(annotations), len(columns), len(reducers)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for i, annotation in enumerate(annotations):
            frames = annotation_frames(table.times, annotation)
            counts[i] = frames.stop - frames.start
            if counts[i] == 0:
                continue
            part = data[:, frames]
            for k, reduce in enumerate(reducers):
                out[i, :, k] = reduce(part, axis=1)  # NaN where a column is (all) NaN
            for j in finite_rows:  # NaN: no voiced frame
                out[i, j] = [FINITE_STATISTICS[s](part[j]) for s in stats]
    return counts, out.reshape(len(annotations), len(columns) * len(reducers))
