"""Which level-of-detail tiles a view of a pooled spectrogram needs (see :mod:`dsp.tiles`).

When the store holds k > 1 frames per column and a view shows fewer than k frames per
pixel, finer columns come from tiles computed on demand and cached. The visible tiles
must fit in half the cache, else they would evict each other and be asked for forever.
"""

from __future__ import annotations

import math

from sonolens.dsp.pooling import group_factor
from sonolens.dsp.spectrogram_plan import SpectrogramPlan
from sonolens.dsp.tiles import TILE_COLUMNS, TileCache, TileKey, detail_level


class DetailTiles:
    """Mixin of :class:`~sonolens.dsp.spectrogram_store.Spectrogram`: the tiles a view
    needs (tiles computed on demand when the stored columns are too coarse)."""

    n_rows: int
    n_frames: int
    detail_frames: int
    frames_per_column: int
    frame_seconds: float
    complete: bool
    plan: SpectrogramPlan | None
    tiles: TileCache | None

    def wanted_tiles(self, t0: float, t1: float, max_columns: int, *, around: int = 0
                     ) -> list[TileKey]:
        """Tiles to compute (dsp.tiles.compute_tile) so that ``image(t0, t1, max_columns)``
        shows finer columns than stored, then ``around`` neighbours on each side; empty
        when the stored columns are fine enough, the tiles are cached, or the
        spectrogram is still being computed."""
        detail = self._detail_range(*self._frame_span(t0, t1), max_columns)
        if detail is None or self.tiles is None:
            return []
        level, c0, c1, _ = detail
        visible = (c1 - 1) // TILE_COLUMNS - c0 // TILE_COLUMNS + 1
        tile_bytes = TILE_COLUMNS * self.n_rows * 4
        while around and (visible + 2 * around) * tile_bytes > self.tiles.max_bytes // 2:
            around -= 1  # prefetch only what fits beside the visible tiles
        return self.tiles.missing(level, c0, c1, around=around,
                                  n_columns=math.ceil(self.detail_frames / level))

    def _frame_span(self, t0: float, t1: float) -> tuple[int, int]:
        """First and last frame whose span [t - 0.5, t + 0.5) hops overlaps [t0, t1] s."""
        dt = self.frame_seconds
        first = math.floor(t0 / dt + 0.5)
        return first, max(first, math.ceil(t1 / dt + 0.5) - 1)

    def _detail_range(self, first_frame: int, last_frame: int, max_columns: int
                      ) -> tuple[int, int, int, int] | None:
        """(level, c0, c1, factor) of the tile columns a view of these frames needs, or
        None when the stored columns suffice (or no detail can be computed yet)."""
        k = self.frames_per_column
        total = self.detail_frames
        if k <= 1 or self.plan is None or total <= 0 or max_columns < 1:
            return None
        need = math.ceil((last_frame - first_frame + 1) / max_columns)
        if 2 * need > k:  # stored columns under 2 px wide: not worth computing tiles
            return None
        level = detail_level(need)
        # the visible tiles must fit in half the cache (else they would evict each other
        # and be asked for again forever): coarser levels have fewer, longer tiles
        tile_bytes = TILE_COLUMNS * self.n_rows * 4
        budget = self.tiles.max_bytes // 2 if self.tiles is not None else 0
        while True:
            if 2 * level > k:
                return None
            n_columns = math.ceil(total / level)
            c0 = max(0, first_frame // level)
            c1 = min(last_frame // level + 1, n_columns)
            if c1 <= c0:
                return None
            if ((c1 - 1) // TILE_COLUMNS - c0 // TILE_COLUMNS + 1) * tile_bytes <= budget:
                break
            level *= 2
        factor = group_factor(c0, c1, max_columns)
        c0 = (c0 // factor) * factor
        c1 = min(math.ceil(c1 / factor) * factor, n_columns)
        return level, c0, c1, factor

