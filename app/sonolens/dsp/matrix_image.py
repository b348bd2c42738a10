"""A per-frame feature matrix (MFCC, chroma, contrast) answering the views' one question,
``image(t0, t1, max_columns) -> (array, (x0, x1))``, as the spectrogram does."""

from __future__ import annotations

import math

import numpy as np

from sonolens.dsp.pooling import max_pool_rows, visible_frames


class PooledMatrix:
    """``matrix`` (n_rows, n_frames) (kept, not copied); frame k is centred at
    ``k * frame_seconds`` s and spans one frame step."""

    def __init__(self, matrix: np.ndarray, frame_seconds: float) -> None:
        self.matrix = matrix
        self.frame_seconds = frame_seconds

    @property
    def n_rows(self) -> int:
        return int(self.matrix.shape[0])

    def image(self, t0: float, t1: float, max_columns: int
              ) -> tuple[np.ndarray, tuple[float, float]]:
        """Frames overlapping [t0, t1] s, max-pooled over groups of frames aligned to the
        pooling factor (steady while panning) to at most ~``max_columns`` columns; NaN
        (a band above Nyquist) drawn as 0.

        Returns (float32 (n_rows, n_cols) C-contiguous, (x0, x1) s): column i covers
        [x0 + i*w, x0 + (i+1)*w), w = factor * frame_seconds. No frame in range: an
        (n_rows, 0) array and (t0, t0).
        """
        dt = self.frame_seconds
        first, stop = visible_frames(self.matrix.shape[1], dt, t0, t1)
        if stop <= first or max_columns < 1:
            return np.zeros((self.n_rows, 0), dtype=np.float32), (t0, t0)
        factor = max(1, math.ceil((stop - first) / max_columns))
        first = first // factor * factor
        pooled = max_pool_rows(self.matrix[:, first:stop].T, factor).T
        pooled = np.nan_to_num(np.ascontiguousarray(pooled, dtype=np.float32), nan=0.0)
        x0 = (first - 0.5) * dt
        return pooled, (x0, x0 + pooled.shape[1] * factor * dt)
