"""Overviews of a stored spectrogram: its columns max-pooled once more, kept up to date.

Whole-file views pool ~4096 overview columns instead of every stored column. The overview
holds the stored columns max-pooled by ``overview_factor``; a long file also gets a second
overview, :data:`OVERVIEW_STEP` times coarser (pooled from the first). Each level is
filled as whole groups of finer columns arrive, and is read like the store (its filled
count before its array; see :mod:`sonolens.dsp.spectrogram_reader`).
"""

from __future__ import annotations

import math

import numpy as np

from sonolens.dsp.pooling import max_pool_rows

OVERVIEW_STEP = 4  # overview2 columns per overview column


class Overviews:
    """Mixin of :class:`~sonolens.dsp.spectrogram_store.Spectrogram`: building and
    reading its overview levels."""

    n_rows: int
    values: np.ndarray
    filled: int
    overview: np.ndarray | None
    overview_factor: int
    overview_columns: int
    overview_filled: int
    overview2: np.ndarray | None
    overview2_filled: int

    def init_overview(self, capacity: int, columns: int = 4096) -> None:
        """Keep an overview of at most ~``columns`` columns for ``capacity`` stored columns."""
        self.overview_columns = columns
        factor = math.ceil(capacity / columns)
        if factor > 1:
            self.overview_factor = factor
            n_overview = math.ceil(capacity / factor)
            self.overview = np.zeros((n_overview, self.n_rows), np.float32)
            if n_overview >= 256 * OVERVIEW_STEP:
                self.overview2 = np.zeros((math.ceil(n_overview / OVERVIEW_STEP), self.n_rows),
                                          np.float32)

    def _overview_levels(self) -> list[tuple[int, int, np.ndarray]]:
        """[(stored columns per column, filled columns, array)] finest first; each read
        count before its array, like ``filled``."""
        levels = []
        f = self.overview_factor
        if f > 1:
            filled = self.overview_filled
            if self.overview is not None:
                levels.append((f, filled, self.overview))
            filled2 = self.overview2_filled
            overview2 = self.overview2
            if overview2 is not None:
                levels.append((f * OVERVIEW_STEP, filled2, overview2))
        return levels

    def _pooled_from(self, levels: list[tuple[int, int, np.ndarray]], values: np.ndarray,
                     c0: int, c1: int, factor: int) -> np.ndarray:
        """max_pool_rows(values[c0:c1], factor) (c0 a multiple of factor), reading whole
        groups from the coarsest of ``levels`` that has them, the rest from finer ones."""
        if not levels:
            return max_pool_rows(values[c0:c1], factor)
        step, filled, array = levels[-1]
        groups = max(0, min(c1, filled * step) - c0) // factor
        parts = []
        if groups:
            o0 = c0 // step
            parts.append(max_pool_rows(array[o0 : o0 + groups * (factor // step)],
                                       factor // step))
        rest = c0 + groups * factor
        if rest < c1:
            parts.append(self._pooled_from(levels[:-1], values, rest, c1, factor))
        if not parts:
            return np.zeros((0, self.n_rows), dtype=np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _update_overview(self) -> None:
        """Pool the newly whole groups into the overview, and those into overview2."""
        if self.overview_factor <= 1 or self.overview is None:
            return
        whole = self._extend("overview", self.values, self.filled, self.overview_factor)
        if self.overview2 is not None:
            self._extend("overview2", self.overview, whole, OVERVIEW_STEP)

    def _extend(self, name: str, finer: np.ndarray, finer_filled: int, factor: int) -> int:
        """Fill level ``name`` (an overview array, with ``name + '_filled'``) up to the
        whole groups of ``factor`` columns of ``finer``; returns its filled count."""
        first = getattr(self, f"{name}_filled")
        whole = finer_filled // factor
        if whole > first:
            level = with_room(getattr(self, name), whole, first)
            level[first:whole] = max_pool_rows(finer[first * factor : whole * factor], factor)
            setattr(self, name, level)
            setattr(self, f"{name}_filled", whole)  # after the values, like ``filled``
        return max(whole, first)



def with_room(array: np.ndarray, stop: int, keep: int, *, cap: int | None = None
              ) -> np.ndarray:
    """``array`` if it has ``stop`` rows, else a copy grown by 25 % (at most ``cap`` rows,
    at least ``stop``) holding its first ``keep`` rows; readers keep the old one intact."""
    if stop <= len(array):
        return array
    size = len(array) * 5 // 4 + 1
    if cap is not None:
        size = min(size, cap)
    grown = np.empty((max(stop, size), *array.shape[1:]), dtype=array.dtype)
    grown[:keep] = array[:keep]
    return grown

