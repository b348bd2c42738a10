"""The result of feature extraction: per-frame columns on a common time axis."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sonolens.core.params import AnalysisParams


@dataclass
class FeatureTable:
    """``times`` float64 (n_frames,) in seconds (frame centres) and named float32 columns."""

    times: np.ndarray
    columns: dict[str, np.ndarray]
    sr: int
    params: AnalysisParams
    tuning: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def n_frames(self) -> int:
        return len(self.times)

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def between(self, t0: float, t1: float) -> FeatureTable:
        """The frames whose centre time lies in [t0, t1] seconds (a new table)."""
        keep = (self.times >= t0) & (self.times <= t1)
        return FeatureTable(self.times[keep], {k: v[keep] for k, v in self.columns.items()},
                            self.sr, self.params, self.tuning, list(self.warnings))

    def matrix(self) -> np.ndarray:
        """float64 (n_frames, n_columns) in column order."""
        if not self.columns:
            return np.zeros((self.n_frames, 0))
        return np.column_stack([self.columns[name] for name in self.columns])

    def feature(self, prefix: str) -> np.ndarray:
        """Columns starting with ``prefix`` stacked librosa-style: (n_columns, n_frames)."""
        return np.stack([v for k, v in self.columns.items() if k.startswith(prefix)])
