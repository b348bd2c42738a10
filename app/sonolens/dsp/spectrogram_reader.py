"""Reading a spectrogram while another thread appends to it, without a lock.

The writer fills ``values`` first and raises ``filled`` after, and replaces ``values``
only by a larger copy; so a reader reads ``filled`` *before* ``values`` and sees only
final rows. Re-pooling (a file longer than its header said) changes ``values``,
``filled``, ``frames_per_column`` and the overviews together: the writer makes ``layout``
odd while it works and even again after, and :meth:`ImageReader.image` retries a read
that overlapped it (a sequence lock with no lock on the writer's side).
"""

from __future__ import annotations

import math

import numpy as np

from sonolens.dsp.pooling import group_factor, max_pool_rows
from sonolens.dsp.spectrogram_overview import Overviews
from sonolens.dsp.spectrogram_tiles import DetailTiles


class ImageReader(Overviews, DetailTiles):
    """Mixin of :class:`~sonolens.dsp.spectrogram_store.Spectrogram`: the image a view
    shows, from stored columns, overviews or cached tiles."""

    layout: int

    def image(self, t0: float, t1: float, max_columns: int
              ) -> tuple[np.ndarray, tuple[float, float]]:
        """Columns overlapping [t0, t1] s, max-pooled to <= max_columns, and their x span.

        Returns (float32 (n_rows, n_cols) C-contiguous, (x0, x1) seconds). Image column i
        covers exactly [x0 + i*w, x0 + (i+1)*w), w = (x1 - x0) / n_cols; pooling groups are
        whole and aligned to multiples of the pooling factor (stable while panning), so the
        span may reach past [t0, t1] by up to a column on each side, and the last column
        at the end of the data may be drawn a little wider than the data it holds.
        When the view needs finer columns than stored and the tiles for them are cached
        (see :meth:`wanted_tiles`), they are used instead.
        No filled column in range: an (n_rows, 0) array and (t0, t0).
        """
        empty = np.zeros((self.n_rows, 0), dtype=np.float32), (t0, t0)
        for _ in range(3):
            layout = self.layout
            if layout % 2:
                continue  # re-pooling right now
            try:
                result = self._image(t0, t1, max_columns)
            except (ArithmeticError, IndexError, ValueError):
                if self.layout == layout:
                    raise
                continue
            if self.layout == layout:
                return result
        return empty

    def _image(self, t0: float, t1: float, max_columns: int
               ) -> tuple[np.ndarray, tuple[float, float]]:
        filled = self.filled  # before values: see the class doc
        values = self.values
        k = self.frames_per_column
        empty = np.zeros((self.n_rows, 0), dtype=np.float32), (t0, t0)
        if filled == 0 or max_columns < 1:
            return empty
        first_frame, last_frame = self._frame_span(t0, t1)
        detail = self._detail_range(first_frame, last_frame, max_columns)
        if detail is not None and self.tiles is not None:
            level, c0, c1, factor = detail
            columns = self.tiles.columns(level, c0, c1)
            if columns is not None:
                return self._as_image(max_pool_rows(columns, factor), c0 * level,
                                      factor * level)
        c0 = max(0, first_frame // k)
        c1 = min(last_frame // k + 1, filled)
        if c1 <= c0:
            return empty
        factor = group_factor(c0, c1, max_columns)
        levels = self._overview_levels()
        level = 0  # the coarsest overview whose columns fit whole into the groups
        while level < len(levels) and factor >= levels[level][0]:
            level += 1
        if level:
            step = levels[level - 1][0]
            factor = math.ceil(factor / step) * step  # whole overview columns per group
        c0 = (c0 // factor) * factor  # whole groups aligned to multiples of the factor
        c1 = min(math.ceil(c1 / factor) * factor, filled)
        pooled = self._pooled_from(levels[:level], values, c0, c1, factor)
        return self._as_image(pooled, c0 * k, factor * k)

    def _as_image(self, pooled: np.ndarray, first_frame: int, frames_per_column: int
                  ) -> tuple[np.ndarray, tuple[float, float]]:
        """(n_cols, n_rows) pooled columns -> (n_rows, n_cols) image and its x span (s);
        the first column starts at ``first_frame`` and each spans ``frames_per_column``."""
        dt = self.frame_seconds
        image = np.ascontiguousarray(pooled.T, dtype=np.float32)
        x0 = (first_frame - 0.5) * dt
        return image, (x0, x0 + image.shape[1] * frames_per_column * dt)

