"""The difference spectrogram of two aligned recordings: dB(|STFT(B)|) - dB(|STFT(A)|).

Both are framed as ``librosa.stft(center=True)`` frames them, at the same analysis rate,
in lockstep blocks (memory stays flat for hours); each side's dB is
``librosa.amplitude_to_db(|S|, ref=1.0, amin=1e-5, top_db=None)``, so the difference does
not depend on a reference. Frames are averaged (mean, not max: the values are signed) in
groups of ``factor`` to at most ``max_columns`` columns.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.dsp.filterbanks import fft_frequencies
from sonolens.dsp.framing import FRAMES_PER_BLOCK, FrameBlock, frame_blocks, frame_count
from sonolens.dsp.signal import analysis_chunks, analysis_segment, check_channel
from sonolens.dsp.spectrogram_kinds import db
from sonolens.dsp.stft import magnitude_block
from sonolens.dsp.windows import stft_window

MAX_COLUMNS = 8192


@dataclass(frozen=True)
class DifferenceSpectrogram:
    """``values`` float32 (n_bins, n_cols): column j is the mean of frames
    [first + j*factor, first + (j+1)*factor) (the last may hold fewer) of B - A in dB;
    frame k is centred at ``k * frame_seconds`` s; ``freqs`` Hz (n_bins,)."""

    values: np.ndarray
    first: int
    factor: int
    frame_seconds: float
    freqs: np.ndarray
    lsd: float = float("nan")
    """Log-spectral distance (dB): the mean over the frames of the RMS over the bins of
    B - A in dB."""

    @property
    def times(self) -> np.ndarray:
        """Centre (s) of each column's frames, float64 (n_cols,)."""
        n = self.values.shape[1]
        starts = self.first + np.arange(n) * self.factor
        return (starts + (self.factor - 1) / 2.0) * self.frame_seconds


def _blocks(source: AudioSource, params: AnalysisParams, sr: int) -> Iterator[FrameBlock]:
    chunks = analysis_chunks(source.blocks(), native_sr=source.samplerate, sr=sr,
                             channel=params.channel)
    return frame_blocks(chunks, n_fft=params.n_fft, hop_length=params.hop_length)


def _extent(a: AudioSource, b: AudioSource, params: AnalysisParams, first: int,
            stop: int | None, max_columns: int) -> tuple[AnalysisParams, int, int, int, int]:
    """(validated params, analysis rate Hz, first, stop, factor): frames [first, stop)
    clipped to the frames both have, ``factor`` frames per column for <= max_columns."""
    params = params.validate()
    check_channel(params.channel, a.channels)
    check_channel(params.channel, b.channels)
    sr = params.sr or a.samplerate
    n_a = frame_count(round(a.frames * sr / a.samplerate), n_fft=params.n_fft,
                      hop_length=params.hop_length)
    n_b = frame_count(round(b.frames * sr / b.samplerate), n_fft=params.n_fft,
                      hop_length=params.hop_length)
    stop = min(n_a, n_b) if stop is None else min(stop, n_a, n_b)
    first = max(0, min(first, stop))
    factor = max(1, math.ceil((stop - first) / max(1, max_columns)))
    return params, sr, first, stop, factor


def _sums(first: int, stop: int, factor: int, n_fft: int) -> tuple[np.ndarray, np.ndarray]:
    n_cols = math.ceil((stop - first) / factor)
    return (np.zeros((n_cols, n_fft // 2 + 1), dtype=np.float64),
            np.zeros(n_cols, dtype=np.int64))


def _result(sums: np.ndarray, counts: np.ndarray, distance: float, first: int, factor: int,
            params: AnalysisParams, sr: int) -> DifferenceSpectrogram:
    filled = counts > 0
    values = np.zeros_like(sums)
    values[filled] = sums[filled] / counts[filled, np.newaxis]
    return DifferenceSpectrogram(
        np.ascontiguousarray(values.T, dtype=np.float32), first, factor,
        params.hop_length / float(sr), fft_frequencies(sr=sr, n_fft=params.n_fft),
        distance / max(1, int(counts.sum())) if counts.any() else float("nan"))


def difference_job(a: AudioSource, b: AudioSource, params: AnalysisParams, *,
                   first: int = 0, stop: int | None = None, max_columns: int = MAX_COLUMNS
                   ) -> Generator[Progress, None, DifferenceSpectrogram]:
    """B - A over frames [first, stop) (default: every frame both have) at A's analysis
    rate (``params.sr`` or A's own); ``b`` is already aligned (a ShiftedSource)."""
    params, sr, first, stop, factor = _extent(a, b, params, first, stop, max_columns)
    sums, counts = _sums(first, stop, factor, params.n_fft)
    distance = 0.0  # the sum over frames of each frame's RMS dB difference
    window = stft_window(params.window, params.frame_length, params.n_fft)
    for block_a, block_b in zip(_blocks(a, params, sr), _blocks(b, params, sr), strict=False):
        lo = max(first, block_a.start)
        hi = min(stop, block_a.start + block_a.n_frames, block_b.start + block_b.n_frames)
        if hi > lo:
            distance += _add(block_a, block_b, lo, hi, window, first, factor, sums, counts)
        yield Progress(min(max(hi, first), stop) - first, max(stop - first, 1),
                       "difference spectrogram")
        if block_a.start + block_a.n_frames >= stop:
            break
    return _result(sums, counts, distance, first, factor, params, sr)


def difference_range_job(a: AudioSource, b: AudioSource, params: AnalysisParams, *,
                         first: int, stop: int, factor: int = 1
                         ) -> Generator[Progress, None, DifferenceSpectrogram]:
    """:func:`difference_job` over frames [first, stop), ``factor`` frames a column,
    reading only their samples (random access, FRAMES_PER_BLOCK frames a step): a view's
    visible range of a long file. The same arithmetic frame by frame: at factor 1 its
    columns are the whole pass's unpooled frames (bit for bit at the native rate; to
    float32 rounding where a side is resampled, see
    :func:`~sonolens.dsp.signal.analysis_segment`)."""
    params, sr, first, stop, _ = _extent(a, b, params, first, stop, 1)
    factor = max(1, int(factor))
    sums, counts = _sums(first, stop, factor, params.n_fft)
    distance = 0.0
    window = stft_window(params.window, params.frame_length, params.n_fft)
    for lo in range(first, stop, FRAMES_PER_BLOCK):
        hi = min(stop, lo + FRAMES_PER_BLOCK)
        distance += _add(_segment_block(a, params, sr, lo, hi),
                         _segment_block(b, params, sr, lo, hi), lo, hi, window, first,
                         factor, sums, counts)
        yield Progress(hi - first, stop - first, "difference detail")
    return _result(sums, counts, distance, first, factor, params, sr)


def _segment_block(source: AudioSource, params: AnalysisParams, sr: int, lo: int, hi: int
                   ) -> FrameBlock:
    """Frames [lo, hi) of ``source``'s analysis signal, read at random."""
    pad, hop = params.n_fft // 2, params.hop_length
    segment = analysis_segment(source, lo * hop - pad, (hi - 1) * hop - pad + params.n_fft,
                               sr=sr, channel=params.channel)
    return FrameBlock(start=lo, n_frames=hi - lo, segment=segment, n_fft=params.n_fft,
                      hop_length=hop, signal_begin=pad, signal_end=None)


def _add(block_a: FrameBlock, block_b: FrameBlock, lo: int, hi: int, window: np.ndarray,
         first: int, factor: int, sums: np.ndarray, counts: np.ndarray) -> float:
    """Add the dB differences of frames [lo, hi) to their columns' sums and counts; return
    the sum over these frames of the RMS (over bins) of their differences."""
    rows_a = slice(lo - block_a.start, hi - block_a.start)
    rows_b = slice(lo - block_b.start, hi - block_b.start)
    mag_a, pow_a = magnitude_block(block_a.frames()[rows_a], window)
    mag_b, pow_b = magnitude_block(block_b.frames()[rows_b], window)
    diff = db(mag_b, pow_b, None).astype(np.float64) - db(mag_a, pow_a, None)
    columns = (np.arange(lo, hi) - first) // factor
    starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
    sums[columns[starts]] += np.add.reduceat(diff, starts, axis=0)
    counts[columns[starts]] += np.diff(np.r_[starts, len(columns)])
    return float(np.sqrt(np.mean(np.square(diff), axis=1)).sum())


class DifferenceImage:
    """A :class:`DifferenceSpectrogram` answering the views' ``image(t0, t1, max_columns)``
    with mean pooling (signed values: a max would lean to the positive side)."""

    def __init__(self, difference: DifferenceSpectrogram) -> None:
        self.difference = difference

    @property
    def n_rows(self) -> int:
        return int(self.difference.values.shape[0])

    def image(self, t0: float, t1: float, max_columns: int
              ) -> tuple[np.ndarray, tuple[float, float]]:
        """(float32 (n_rows, n_cols) C-contiguous, (x0, x1) s) of the columns overlapping
        [t0, t1], averaged in groups aligned to the pooling factor to <= max_columns."""
        d = self.difference
        width = d.factor * d.frame_seconds  # seconds per stored column
        origin = (d.first - 0.5) * d.frame_seconds  # left edge of column 0
        n = d.values.shape[1]
        j0 = max(0, math.floor((t0 - origin) / width))
        j1 = min(n, math.ceil((t1 - origin) / width))
        if j1 <= j0 or max_columns < 1:
            return np.zeros((self.n_rows, 0), dtype=np.float32), (t0, t0)
        group = max(1, math.ceil((j1 - j0) / max_columns))
        j0 = j0 // group * group
        part = d.values[:, j0:j1]
        if group > 1:
            starts = np.arange(0, part.shape[1], group)
            sizes = np.diff(np.r_[starts, part.shape[1]])
            part = np.add.reduceat(part, starts, axis=1) / sizes.astype(np.float32)
        x0 = origin + j0 * width
        return (np.ascontiguousarray(part, dtype=np.float32),
                (x0, x0 + part.shape[1] * group * width))
