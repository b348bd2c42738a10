"""The result of feature extraction: per-frame columns on a common time axis."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sonolens.core.params import AnalysisParams
from sonolens.dsp.minmax import MinMaxPyramid

#: Derived curves :meth:`FeatureTable.pyramid` knows: name -> sign of the half bandwidth.
BAND_EDGES = {"bandwidth_low": -1, "bandwidth_high": 1}


@dataclass
class FeatureTable:
    """``times`` float64 (n_frames,) in seconds (frame centres) and named float32 columns.

    ``complete`` is False for a snapshot taken while the analysis runs (the frames so far,
    only the columns of its first pass).
    """

    times: np.ndarray
    columns: dict[str, np.ndarray]
    sr: int
    params: AnalysisParams
    tuning: float | None = None
    warnings: list[str] = field(default_factory=list)
    complete: bool = True
    # min/max pyramids of drawn columns (dsp.minmax), built once (see :meth:`pyramid`)
    _pyramids: dict[str, MinMaxPyramid] = field(default_factory=dict, repr=False,
                                                compare=False)

    @property
    def n_frames(self) -> int:
        return len(self.times)

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def pyramid(self, name: str) -> MinMaxPyramid:
        """The min/max pyramid of column ``name`` for drawing, built on first use (the
        window's jobs build those it draws on the worker, before handing the table over).
        ``name`` may also be one of :data:`BAND_EDGES`: spectral centroid -/+ half the
        bandwidth (Hz), the edges of the bandwidth band drawn over the spectrogram."""
        if name not in self._pyramids:
            if name in BAND_EDGES:
                half = self.columns["spectral_bandwidth"] / np.float32(2)
                values = self.columns["spectral_centroid"] + BAND_EDGES[name] * half
            else:
                values = self.columns[name]
            self._pyramids[name] = MinMaxPyramid(values)
        return self._pyramids[name]

    def between(self, t0: float, t1: float) -> FeatureTable:
        """The frames whose centre time lies in [t0, t1] seconds (a new table)."""
        keep = (self.times >= t0) & (self.times <= t1)
        return FeatureTable(self.times[keep], {k: v[keep] for k, v in self.columns.items()},
                            self.sr, self.params, self.tuning, list(self.warnings),
                            self.complete)

    def only(self, columns: set[str] | frozenset[str]) -> FeatureTable:
        """The same frames with only ``columns`` (in this table's order; views, no copy)."""
        return FeatureTable(self.times, {k: v for k, v in self.columns.items() if k in columns},
                            self.sr, self.params, self.tuning, list(self.warnings),
                            self.complete)

    def matrix(self) -> np.ndarray:
        """float64 (n_frames, n_columns) in column order."""
        if not self.columns:
            return np.zeros((self.n_frames, 0))
        return np.column_stack([self.columns[name] for name in self.columns])

    def feature(self, prefix: str) -> np.ndarray:
        """Columns starting with ``prefix`` stacked librosa-style: (n_columns, n_frames).

        Columns the engine wrote as consecutive rows of one array (chroma, MFCC) come
        back as a read-only view of that array, without copying; others are stacked.
        """
        parts = [v for k, v in self.columns.items() if k.startswith(prefix)]
        shared = _rows_of_one_array(parts)
        return shared if shared is not None else np.stack(parts)


def _rows_of_one_array(parts: list[np.ndarray]) -> np.ndarray | None:
    """The (len(parts), n) view whose rows are exactly ``parts``, if they are consecutive
    rows of one C-contiguous 2-D base array; else None."""
    if not parts:
        return None
    base = parts[0].base
    if not isinstance(base, np.ndarray) or base.ndim != 2 or not base.flags.c_contiguous:
        return None
    n = len(parts[0])
    row_bytes = base.strides[0]
    start = parts[0].__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if start % row_bytes or start // row_bytes + len(parts) > base.shape[0]:
        return None
    first = start // row_bytes
    view = base[first : first + len(parts), :n]
    for k, part in enumerate(parts):
        if (part.base is not base or len(part) != n or part.strides != view[k].strides
                or part.__array_interface__["data"][0] != view[k].__array_interface__["data"][0]):
            return None
    view = view.view()
    view.flags.writeable = False
    return view
