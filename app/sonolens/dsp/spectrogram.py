"""The spectrogram kinds the window shows, computed in blocks, equal to librosa.

Per frame (same ``y`` as librosa.load, exact float64 FFT rounded to complex64):

- ``magnitude``: ``np.abs(librosa.stft(y, center=True))``
- ``power``: magnitude**2
- ``db``: ``librosa.amplitude_to_db(magnitude, ref=1.0, amin=1e-5, top_db=None)``
- ``mel_db``: ``librosa.power_to_db(melspectrogram(S=power, ...), ref=1.0, amin=1e-10,
  top_db=None)``

No global reference (``ref=1.0``, no ``top_db``): every block is final when computed, so
the view can show it at once. The colour range is chosen by the view.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.core.view_settings import SPECTROGRAM_KINDS, SPECTROGRAM_UNITS
from sonolens.dsp.filterbanks import fft_frequencies, mel_filterbank, mel_frequencies
from sonolens.dsp.framing import FrameBlock, frame_blocks, frame_count
from sonolens.dsp.parallel import ordered_map
from sonolens.dsp.pooling import max_pool_rows
from sonolens.dsp.signal import analysis_chunks, check_channel
from sonolens.dsp.stft import stft_block
from sonolens.dsp.tiles import (
    DEFAULT_TILE_BYTES,
    TILE_COLUMNS,
    TileCache,
    TileKey,
    detail_level,
)
from sonolens.dsp.windows import stft_window

OVERVIEW_STEP = 4  # overview2 columns per overview column
STORED_BYTES = 64 * 2**20  # ~3 min of 44.1 kHz audio at full resolution (n_fft 2048, hop 512)
_AMIN_AMPLITUDE = 1e-5  # librosa.amplitude_to_db default
_AMIN_POWER = 1e-10  # librosa.power_to_db default


@dataclass(frozen=True)
class SpectrogramPlan:
    """One kind at one rate: the constant arrays every block shares.

    freqs: (n_rows,) Hz, ascending: FFT bin frequencies, or mel band centres for mel_db.
    """

    kind: str
    sr: int
    params: AnalysisParams
    window: np.ndarray
    freqs: np.ndarray
    mel: np.ndarray | None

    @property
    def n_rows(self) -> int:
        return len(self.freqs)

    def compute(self, block: FrameBlock) -> np.ndarray:
        """float32 (n_frames, n_rows) values of the block's frames (time-major)."""
        magnitude = np.abs(stft_block(block.frames(), self.window))
        return self.from_magnitude(magnitude, np.square(magnitude, out=magnitude)
                                   if self.kind != "magnitude" else None)

    def from_magnitude(self, magnitude: np.ndarray, power: np.ndarray | None = None
                       ) -> np.ndarray:
        """Values from an exact STFT's |X| (n_frames, n_bins) float32 (and |X|^2 if known).

        Lets the feature engine share its STFT with the display spectrogram.
        """
        if self.kind == "magnitude":
            return magnitude
        if power is None:
            power = np.square(magnitude)
        if self.kind == "power":
            return power
        if self.kind == "db":  # amplitude_to_db squares, then power_to_db(amin=amin**2)
            return 10.0 * np.log10(np.maximum(_AMIN_AMPLITUDE**2, power))
        assert self.mel is not None
        mel = power @ self.mel.T
        return 10.0 * np.log10(np.maximum(_AMIN_POWER, mel))


def make_spectrogram_plan(params: AnalysisParams, kind: str, sr: int) -> SpectrogramPlan:
    """Validate ``params`` and ``kind`` for ``sr`` (Hz) and precompute window and rows."""
    params.validate()
    params.validate_for_rate(sr)
    if kind not in SPECTROGRAM_KINDS:
        raise ParameterError(f"kind={kind!r} is not one of {', '.join(SPECTROGRAM_KINDS)}")
    window = stft_window(params.window, params.frame_length, params.n_fft)
    mel = None
    if kind == "mel_db":
        fmax = float(sr) / 2 if params.fmax is None else float(params.fmax)
        mel = mel_filterbank(sr=sr, n_fft=params.n_fft, n_mels=params.n_mels,
                             fmin=params.fmin, fmax=params.fmax)
        freqs = mel_frequencies(params.n_mels + 2, fmin=params.fmin, fmax=fmax)[1:-1]
    else:
        freqs = fft_frequencies(sr=sr, n_fft=params.n_fft)
    freqs = np.asarray(freqs, dtype=np.float64)
    freqs.setflags(write=False)
    return SpectrogramPlan(kind, sr, params, window, freqs, mel)


def expected_frames(source: AudioSource, params: AnalysisParams, sr: int) -> int:
    """Frames the file should give at ``sr`` (from the header's frame count)."""
    n_samples = round(source.frames * sr / source.samplerate)
    return frame_count(n_samples, n_fft=params.n_fft, hop_length=params.hop_length)


def spectrogram_blocks(
    source: AudioSource, plan: SpectrogramPlan, *, workers: int = 2
) -> Iterator[tuple[int, np.ndarray]]:
    """``(first_frame, values (n, n_rows) float32)`` per block, in order; close() cancels."""
    p = plan.params
    chunks = analysis_chunks(source.blocks(), native_sr=source.samplerate, sr=plan.sr,
                             channel=p.channel)
    blocks = frame_blocks(chunks, n_fft=p.n_fft, hop_length=p.hop_length)
    with contextlib.closing(ordered_map(plan.compute, blocks, workers=workers)) as results:
        for block, values in results:
            yield block.start, values


@dataclass
class Spectrogram:
    """A (possibly still growing) spectrogram, time-major, max-pooled in time if large.

    values: float32 (capacity, n_rows) C-contiguous; rows ``values[:filled]`` are final.
    Stored column c is the max over frames [c*k, min((c+1)*k, n_frames)), k =
    ``frames_per_column``; frame t is centred at t*hop_length/sr s and spans a hop.
    Readers on another thread read ``filled`` *before* ``values`` (while appending, the
    writer fills the array, then raises ``filled``, and replaces ``values`` only by a
    larger copy). Re-pooling (a file longer than its header said) changes ``values``,
    ``filled``, ``frames_per_column`` and the overview together: it makes ``layout`` odd
    while it works and even again after, and :meth:`image` retries a read it overlapped.
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
    tiles: TileCache | None = field(default=None, repr=False)

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

    # -- facts -------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return SPECTROGRAM_UNITS[self.kind]

    @property
    def n_rows(self) -> int:
        return len(self.freqs)

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

    # -- reading -----------------------------------------------------------------------
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
        factor = _group_factor(c0, c1, max_columns)
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
                                  n_columns=math.ceil(self.n_frames / level))

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
        if k <= 1 or self.plan is None or not self.complete or max_columns < 1:
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
            n_columns = math.ceil(self.n_frames / level)
            c0 = max(0, first_frame // level)
            c1 = min(last_frame // level + 1, n_columns)
            if c1 <= c0:
                return None
            if ((c1 - 1) // TILE_COLUMNS - c0 // TILE_COLUMNS + 1) * tile_bytes <= budget:
                break
            level *= 2
        factor = _group_factor(c0, c1, max_columns)
        c0 = (c0 // factor) * factor
        c1 = min(math.ceil(c1 / factor) * factor, n_columns)
        return level, c0, c1, factor

    def _as_image(self, pooled: np.ndarray, first_frame: int, frames_per_column: int
                  ) -> tuple[np.ndarray, tuple[float, float]]:
        """(n_cols, n_rows) pooled columns -> (n_rows, n_cols) image and its x span (s);
        the first column starts at ``first_frame`` and each spans ``frames_per_column``."""
        dt = self.frame_seconds
        image = np.ascontiguousarray(pooled.T, dtype=np.float32)
        x0 = (first_frame - 0.5) * dt
        return image, (x0, x0 + image.shape[1] * frames_per_column * dt)

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
        self.values = _with_room(self.values, stop, start, cap=cap)
        self.values[start:stop] = columns
        self.filled = stop
        self._update_overview()

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
            level = _with_room(getattr(self, name), whole, first)
            level[first:whole] = max_pool_rows(finer[first * factor : whole * factor], factor)
            setattr(self, name, level)
            setattr(self, f"{name}_filled", whole)  # after the values, like ``filled``
        return max(whole, first)


def _with_room(array: np.ndarray, stop: int, keep: int, *, cap: int | None = None
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


def _group_factor(c0: int, c1: int, max_columns: int) -> int:
    """Smallest pooling factor whose aligned groups over columns [c0, c1) number at most
    ``max_columns``."""
    factor = max(1, math.ceil((c1 - c0) / max_columns))
    while math.ceil((c1 - (c0 // factor) * factor) / factor) > max_columns:
        factor += 1
    return factor


def pooling_factor(n_frames: int, n_rows: int, max_bytes: int) -> int:
    """Smallest k with ceil(n_frames / k) * n_rows * 4 <= max_bytes (n_frames if none)."""
    per_column = n_rows * 4
    if n_frames * per_column <= max_bytes:
        return 1
    k = min(max(1, math.ceil(n_frames * per_column / max(1, max_bytes))), n_frames)
    while k < n_frames and math.ceil(n_frames / k) * per_column > max_bytes:
        k += 1
    return k


def new_spectrogram(
    source: AudioSource, params: AnalysisParams | None, kind: str, *,
    max_bytes: int | None = None, tile_bytes: int = DEFAULT_TILE_BYTES,
) -> tuple[SpectrogramPlan, Spectrogram, int]:
    """(plan, empty Spectrogram sized for the file, expected frame count) for ``kind``.

    Columns are stored full resolution up to ``max_bytes`` (default STORED_BYTES),
    max-pooled beyond; then
    finer columns for zoomed-in views come from tiles cached up to ``tile_bytes``.
    """
    params = (params or AnalysisParams()).validate()
    check_channel(params.channel, source.channels)
    sr = params.sr or source.samplerate
    plan = make_spectrogram_plan(params, kind, sr)
    expected = max(1, expected_frames(source, params, sr))
    budget = STORED_BYTES if max_bytes is None else max_bytes
    if budget < plan.n_rows * 4:
        raise ParameterError(f"max_bytes={budget} cannot hold one column of "
                             f"{plan.n_rows} rows ({plan.n_rows * 4} bytes)")
    k = pooling_factor(expected, plan.n_rows, budget)
    spec = Spectrogram(
        kind=kind, sr=sr, hop_length=params.hop_length, params=params, freqs=plan.freqs,
        values=np.zeros((math.ceil(expected / k), plan.n_rows), dtype=np.float32),
        frames_per_column=k, max_bytes=budget, tile_bytes=tile_bytes, plan=plan,
    )
    spec.init_overview(len(spec.values))
    if k > 1:
        spec.tiles = TileCache(tile_bytes)
    return plan, spec, expected


def compute_spectrogram(
    source: AudioSource, params: AnalysisParams | None = None, kind: str = "db", *,
    max_bytes: int | None = None, workers: int = 2,
) -> Generator[Progress, None, Spectrogram]:
    """The ``kind`` spectrogram of ``source``; yields Progress(partial=spectrogram) per block.

    Stores full resolution unless that exceeds ``max_bytes``; then the smallest whole
    ``frames_per_column`` that fits (max-pooled; for dB kinds the dB values are pooled).
    """
    plan, spec, expected = new_spectrogram(source, params, kind, max_bytes=max_bytes)
    with contextlib.closing(spectrogram_blocks(source, plan, workers=workers)) as blocks:
        for _start, values in blocks:
            spec.append(values)
            total = max(expected, spec.n_frames)
            yield Progress(spec.n_frames, total, "spectrogram", partial=spec)
    spec.finish()
    return spec
