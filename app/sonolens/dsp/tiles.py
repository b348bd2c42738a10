"""Level-of-detail tiles: spectrogram columns computed on demand for a zoomed-in view.

A long file's spectrogram is stored max-pooled (``Spectrogram.frames_per_column`` = k
frames per column). When a view shows fewer than k frames per pixel, it asks for tiles at
``level`` L (a power of two below k) frames per column: tile ``index`` holds columns
[index * TILE_COLUMNS, (index + 1) * TILE_COLUMNS) of that level, i.e. the max over each
run of L frames, computed from the audio by the same plan (exact STFT) as the stored
columns. Tiles live in an LRU cache with a byte budget.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Generator
from typing import NamedTuple

import numpy as np

from sonolens.audio.protocol import Playable
from sonolens.core.progress import Progress
from sonolens.dsp.framing import FrameBlock
from sonolens.dsp.pooling import max_pool_rows
from sonolens.dsp.signal import analysis_segment

TILE_COLUMNS = 1024
CHUNK_FRAMES = 2048  # frames per STFT chunk while computing a tile (a cancel checkpoint)
DEFAULT_TILE_BYTES = 96 * 2**20


class TileKey(NamedTuple):
    level: int  # frames per column (a power of two)
    index: int  # tile number at that level

    def frames(self, n_frames: int) -> tuple[int, int]:
        """Frames [first, stop) the tile covers, clipped to the ``n_frames`` of the file."""
        span = TILE_COLUMNS * self.level
        return min(self.index * span, n_frames), min((self.index + 1) * span, n_frames)


def detail_level(frames_per_pixel: int) -> int:
    """The largest power of two <= ``frames_per_pixel`` (at least 1)."""
    return 1 << max(0, int(frames_per_pixel).bit_length() - 1)


class TileCache:
    """LRU of tiles: float32 (n_columns, n_rows) arrays, at most ``max_bytes`` in total.

    Not thread-safe: the window reads and fills it on the GUI thread only (the arrays
    themselves are computed on workers).
    """

    def __init__(self, max_bytes: int = DEFAULT_TILE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._tiles: OrderedDict[TileKey, np.ndarray] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._tiles

    def __len__(self) -> int:
        return len(self._tiles)

    def put(self, key: TileKey, columns: np.ndarray) -> None:
        if key in self._tiles:
            self.nbytes -= self._tiles.pop(key).nbytes
        self._tiles[key] = columns
        self.nbytes += columns.nbytes
        while self.nbytes > self.max_bytes and len(self._tiles) > 1:
            _, oldest = self._tiles.popitem(last=False)
            self.nbytes -= oldest.nbytes

    def columns(self, level: int, c0: int, c1: int) -> np.ndarray | None:
        """Columns [c0, c1) of ``level`` joined from the cached tiles (None if one is
        missing); marks those tiles recently used."""
        parts = []
        for index in range(c0 // TILE_COLUMNS, (c1 - 1) // TILE_COLUMNS + 1):
            tile = self._tiles.get(TileKey(level, index))
            if tile is None:
                return None
            self._tiles.move_to_end(TileKey(level, index))
            base = index * TILE_COLUMNS
            parts.append(tile[max(c0, base) - base : c1 - base])
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def missing(self, level: int, c0: int, c1: int, *, around: int = 0,
                n_columns: int | None = None) -> list[TileKey]:
        """Keys of the tiles covering columns [c0, c1) of ``level`` not yet cached, then
        those of the ``around`` tiles on each side (prefetch for panning) that exist in
        ``n_columns`` columns."""
        first, last = c0 // TILE_COLUMNS, (c1 - 1) // TILE_COLUMNS
        indices = list(range(first, last + 1))
        n_tiles = math.ceil(n_columns / TILE_COLUMNS) if n_columns is not None else last + 1
        for step in range(1, around + 1):
            indices += [i for i in (first - step, last + step) if 0 <= i < n_tiles]
        keys = (TileKey(level, i) for i in indices)
        return [key for key in keys if key not in self._tiles]


def compute_tile(source: Playable, plan, key: TileKey, n_frames: int
                 ) -> Generator[Progress, None, np.ndarray]:
    """Tile ``key`` of ``plan``'s spectrogram of ``source`` (``n_frames`` frames in all).

    Returns float32 (n_columns, n_rows): column c is the max over frames
    [first + c*L, first + (c+1)*L) (L = key.level), each frame computed as the full-file
    pass computes it (bit-identical at the file's rate; resampled, to float32 rounding of
    the signal). Yields Progress per chunk of frames.
    """
    p = plan.params
    first, stop = key.frames(n_frames)
    step = max(key.level, CHUNK_FRAMES // key.level * key.level)
    out = np.empty((math.ceil((stop - first) / key.level), plan.n_rows), dtype=np.float32)
    pad = p.n_fft // 2
    for chunk in range(first, stop, step):
        chunk_stop = min(stop, chunk + step)
        column = (chunk - first) // key.level
        if plan.own_frames:  # a kind computing its own frames from the signal (cqt)
            values = plan.own.frames_between(_signal_reader(source, plan.sr, p.channel),
                                             chunk, chunk_stop)
            pooled = max_pool_rows(values, key.level)
            out[column : column + len(pooled)] = pooled
            yield Progress(chunk_stop - first, stop - first, "detail")
            continue
        segment = analysis_segment(source, chunk * p.hop_length - pad,
                                   (chunk_stop - 1) * p.hop_length - pad + p.n_fft,
                                   sr=plan.sr, channel=p.channel)
        block = FrameBlock(start=chunk, n_frames=chunk_stop - chunk, segment=segment,
                           n_fft=p.n_fft, hop_length=p.hop_length, signal_begin=pad,
                           signal_end=None)  # only the STFT reads this block
        pooled = max_pool_rows(plan.compute(block), key.level)
        out[column : column + len(pooled)] = pooled
        yield Progress(chunk_stop - first, stop - first, "detail")
    return out


def _signal_reader(source: Playable, sr: int, channel: int | None):
    """``read(a, b)``: samples [a, b) of the analysis signal, ending where it ends (its
    length at ``sr``: the soxr stream's round(frames * sr / native)), zeros before 0."""
    native = source.samplerate
    total = source.frames if sr == native else math.floor(source.frames * sr / native + 0.5)

    def read(a: int, b: int) -> np.ndarray:
        b = min(b, total)
        if b <= a:
            return np.zeros(0, dtype=np.float32)
        return analysis_segment(source, a, b, sr=sr, channel=channel)

    return read
