"""The spectrogram store: stored columns (max-pooled in time if large) and their writer.

One computing thread appends blocks of frame values; views on other threads read it
without a lock (:mod:`sonolens.dsp.spectrogram_reader`). Beside the columns it keeps
overviews (:mod:`sonolens.dsp.spectrogram_overview`) and, for a pooled store, a cache of
finer tiles (:mod:`sonolens.dsp.spectrogram_tiles`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import SPECTROGRAM_UNITS
from sonolens.dsp.pooling import max_pool_rows
from sonolens.dsp.spectrogram_overview import with_room
from sonolens.dsp.spectrogram_plan import SpectrogramPlan
from sonolens.dsp.spectrogram_reader import ImageReader
from sonolens.dsp.spectrogram_values import ValueLookup
from sonolens.dsp.tiles import DEFAULT_TILE_BYTES, TileCache


@dataclass
class Spectrogram(ImageReader, ValueLookup):
    """A (possibly still growing) spectrogram, time-major, max-pooled in time if large.

    values: float32 (capacity, n_rows) C-contiguous; rows ``values[:filled]`` are final.
    Stored column c is the max over frames [c*k, min((c+1)*k, n_frames)), k =
    ``frames_per_column``; frame t is centred at t*hop_length/sr s and spans a hop.
    Readers on another thread read ``filled`` *before* ``values`` (while appending, the
    writer fills the array, then raises ``filled``, and replaces ``values`` only by a
    larger copy). Re-pooling (a file longer than its header said) changes ``values``,
    ``filled``, ``frames_per_column`` and the overview together: it makes ``layout`` odd
    while it works and even again after, and :meth:`image` retries a read it overlapped
    (:mod:`sonolens.dsp.spectrogram_reader`).
    """

    kind: str
    sr: int
    hop_length: int
    params: AnalysisParams
    freqs: np.ndarray
    values: np.ndarray
    frames_per_column: int = 1
    n_frames: int = 0
    filled: int = 0
    complete: bool = False
    # the next stored column's max so far (n_rows,) over _pending_count (< k) frames
    _pending: np.ndarray | None = field(default=None, repr=False)
    _pending_count: int = 0
    max_bytes: int | None = None  # the store's budget (None: grow as needed)
    layout: int = 0  # odd while re-pooling (see the class doc)
    tile_bytes: int = DEFAULT_TILE_BYTES
    # overview: stored columns max-pooled by overview_factor, kept up to date as columns
    # arrive, so whole-file views pool ~4096 columns instead of all of them
    overview: np.ndarray | None = field(default=None, repr=False)
    overview_factor: int = 0
    overview_columns: int = 4096
    overview_filled: int = 0
    # a second, OVERVIEW_STEP x coarser overview (of the overview) for whole-file views
    overview2: np.ndarray | None = field(default=None, repr=False)
    overview2_filled: int = 0
    # level-of-detail: when frames_per_column > 1, finer columns computed on demand
    # (dsp.tiles) for zoomed-in views; filled on the GUI thread only
    plan: SpectrogramPlan | None = field(default=None, repr=False)
    # frames the source's length gives when that length is trusted (a file read in
    # segments), else 0: then tiles of a range not yet reached are computed while the
    # store grows (the view zoomed in during the first pass sees its range first)
    frames_expected: int = 0
    tiles: TileCache | None = field(default=None, repr=False)

    # -- facts -------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return SPECTROGRAM_UNITS[self.kind]

    @property
    def n_rows(self) -> int:
        return len(self.freqs)

    @property
    def detail_frames(self) -> int:
        """The frames detail tiles may cover: all of them once complete, else the trusted
        expected count (0: no tiles until complete)."""
        return self.n_frames if self.complete else self.frames_expected

    @property
    def frame_seconds(self) -> float:
        """Seconds between frames (hop_length / sr)."""
        return self.hop_length / float(self.sr)

    @property
    def duration(self) -> float:
        """Seconds covered by the frames computed so far: n_frames * hop_length / sr."""
        return self.n_frames * self.frame_seconds

    @property
    def times(self) -> np.ndarray:
        """Centre time (s, float64) of each filled stored column (filled,)."""
        k, n = self.frames_per_column, self.filled
        first = np.arange(n) * k
        last = np.minimum(first + k, self.n_frames) - 1
        return (first + last) * self.hop_length / (2.0 * self.sr)  # k=1: frames_to_time

    # -- writing (the computing thread only) -------------------------------------------
    def append(self, block: np.ndarray) -> None:
        """Add float32 (n, n_rows) values of the next n frames (pooled when k > 1).

        When the file turns out longer than its header said and the store would pass
        ``max_bytes``, the stored columns are pooled again by 2 (k doubles).
        """
        n_new = len(block)
        if n_new == 0:
            return
        while self._over_budget(n_new) and self.filled > 1:
            self._repool()
        k = self.frames_per_column
        if k > 1:
            if self._pending_count:
                take = min(k - self._pending_count, n_new)
                np.maximum(self._pending, block[:take].max(axis=0), out=self._pending)
                self._pending_count += take
                block = block[take:]
                if self._pending_count == k:
                    self._write(self._pending[np.newaxis])
                    self._pending_count = 0
            groups = len(block) // k
            if groups:
                self._write(max_pool_rows(block[: groups * k], k))
            if len(block) > groups * k:
                self._pending = block[groups * k :].max(axis=0)
                self._pending_count = len(block) - groups * k
        else:
            self._write(block)
        self.n_frames += n_new

    def append_values(self, values) -> None:
        """Add the next frames' values: float32 (n, n_rows) per frame, or already pooled
        (a ``spectrogram_plan.PooledFrames`` computed for this store's groups)."""
        if isinstance(values, np.ndarray):
            self.append(values)
            return
        n_new = values.n_frames
        k = self.frames_per_column
        if (values.k != k or values.first != self.n_frames or self._over_budget(n_new)
                or (self._pending_count != values.first % k)):
            # pooled for other groups (the store was pooled again): as frames, each
            # column repeated for its frames (max-pooling by a multiple of k: the same)
            self.append(np.repeat(values.columns, values.counts(), axis=0))
            return
        columns, counts = values.columns, values.counts()
        if self._pending_count:
            np.maximum(self._pending, columns[0], out=self._pending)
            self._pending_count += int(counts[0])
            columns, counts = columns[1:], counts[1:]
            if self._pending_count == k:
                self._write(self._pending[np.newaxis])
                self._pending, self._pending_count = None, 0
        whole = len(columns) if len(counts) == 0 or counts[-1] == k else len(columns) - 1
        if whole:
            self._write(columns[:whole])
        if whole < len(columns):
            self._pending = columns[-1].copy()
            self._pending_count = int(counts[-1])
        self.n_frames += n_new

    def finish(self) -> None:
        """Store the last partial pooled column; mark the spectrogram complete."""
        if self._pending_count:
            self._write(self._pending[np.newaxis])
        self._pending, self._pending_count = None, 0
        self.complete = True

    def _over_budget(self, n_new: int) -> bool:
        if self.max_bytes is None:
            return False
        k = self.frames_per_column
        columns = self.filled + -(-(self._pending_count + n_new) // k)  # as after finish()
        # 1/16 slack: a file a few frames longer than promised keeps its resolution
        return columns * self.n_rows * 4 > self.max_bytes + self.max_bytes // 16

    def _repool(self) -> None:
        """Pool the stored columns by 2 (k doubles); an odd last column joins the pending
        group. The overview is rebuilt; finer columns come from tiles from now on."""
        self.layout += 1  # odd: readers wait or retry
        k, filled = self.frames_per_column, self.filled
        pairs = filled // 2
        values = np.empty_like(self.values)
        values[:pairs] = max_pool_rows(self.values[: 2 * pairs], 2)
        if filled % 2:
            last = self.values[filled - 1].copy()
            if self._pending_count:
                np.maximum(last, self._pending, out=last)
            self._pending, self._pending_count = last, k + self._pending_count
        self.values, self.filled, self.frames_per_column = values, pairs, 2 * k
        self.overview, self.overview_factor, self.overview_filled = None, 0, 0
        self.overview2, self.overview2_filled = None, 0
        self.init_overview(len(values), self.overview_columns)
        self._update_overview()
        if self.tiles is None and self.plan is not None:
            self.tiles = TileCache(self.tile_bytes)
        self.layout += 1

    def _write(self, columns: np.ndarray) -> None:
        start, stop = self.filled, self.filled + len(columns)
        cap = None
        if self.max_bytes is not None:
            cap = (self.max_bytes + self.max_bytes // 16) // (4 * self.n_rows)
        self.values = with_room(self.values, stop, start, cap=cap)
        self.values[start:stop] = columns
        self.filled = stop
        self._update_overview()


def pooling_factor(n_frames: int, n_rows: int, max_bytes: int) -> int:
    """Smallest k with ceil(n_frames / k) * n_rows * 4 <= max_bytes (n_frames if none)."""
    per_column = n_rows * 4
    if n_frames * per_column <= max_bytes:
        return 1
    k = min(max(1, math.ceil(n_frames * per_column / max(1, max_bytes))), n_frames)
    while k < n_frames and math.ceil(n_frames / k) * per_column > max_bytes:
        k += 1
    return k

