"""The value under the cursor: the stored value nearest to a time and a frequency."""

from __future__ import annotations

import math

import numpy as np


class ValueLookup:
    """Mixin of :class:`~sonolens.dsp.spectrogram_store.Spectrogram`: :meth:`value_at`
    (reads ``filled`` before ``values``, as :mod:`sonolens.dsp.spectrogram_reader` says)."""

    freqs: np.ndarray
    values: np.ndarray
    filled: int
    n_rows: int
    frames_per_column: int
    frame_seconds: float

    def value_at(self, t: float, hz: float) -> float:
        """The stored value nearest to time ``t`` s and frequency ``hz`` (NaN if none)."""
        filled = self.filled
        values = self.values
        if filled == 0 or not (math.isfinite(t) and math.isfinite(hz)):
            return math.nan
        frame = max(0, round(t / self.frame_seconds))
        column = min(frame // self.frames_per_column, filled - 1)
        right = int(np.clip(np.searchsorted(self.freqs, hz), 1, max(1, self.n_rows - 1)))
        row = right
        if self.n_rows == 1:
            row = 0
        elif abs(self.freqs[right - 1] - hz) <= abs(self.freqs[right] - hz):
            row = right - 1
        return float(values[column, row])
