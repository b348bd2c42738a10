"""RMS and zero-crossing rate of one block of centred frames, from the samples themselves.

Frame length is ``n_fft``; results equal ``librosa.feature.rms(y=...)`` and
``librosa.feature.zero_crossing_rate(y=...)`` with ``frame_length=n_fft``.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from sonolens.dsp.framing import FrameBlock

_ZC_THRESHOLD = 1e-10
_MAX_CHUNKS_PER_FRAME = 64


def rms(block: FrameBlock) -> np.ndarray:
    """Root mean square of each zero-padded frame, float64 (n_frames,).

    Sums squares over chunks of gcd(hop, n_fft) samples, then adds n_fft/gcd chunk sums
    per frame: each sample is squared once instead of n_fft/hop times.
    """
    n_fft, hop = block.n_fft, block.hop_length
    chunk = gcd(hop, n_fft)
    per_frame = n_fft // chunk
    if per_frame > _MAX_CHUNKS_PER_FRAME:
        frames = block.frames()
        return np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    usable = len(block.segment) // chunk * chunk
    squares = np.square(block.segment[:usable], dtype=np.float64).reshape(-1, chunk)
    chunk_sums = squares.sum(axis=1)
    windows = np.lib.stride_tricks.sliding_window_view(chunk_sums, per_frame)
    sums = windows[:: hop // chunk][: block.n_frames].sum(axis=1)
    return np.sqrt(sums / n_fft)


def zero_crossing_rate(block: FrameBlock) -> np.ndarray:
    """Fraction of sign changes per frame, float64 (n_frames,).

    librosa pads with the edge samples (not zeros) for this feature, so pairs that touch
    the padding never cross; values within 1e-10 of zero count as positive.
    """
    seg = block.segment
    # librosa: signbit and |x| > 1e-10, i.e. x < -1e-10 (-0.0 and NaN are not negative)
    negative = seg < -_ZC_THRESHOLD
    crossing = negative[1:] != negative[:-1]  # crossing[i] is between seg[i] and seg[i+1]
    first = block.offset  # padded index of seg[0]
    lo = block.signal_begin - first  # pairs must start at or after the first real sample
    hi = (block.signal_end - first if block.signal_end is not None else len(seg)) - 1
    if lo > 0:
        crossing[: min(lo, len(crossing))] = False
    if hi < len(crossing):
        crossing[max(hi, 0) :] = False
    return _pairs_per_frame(crossing, block) / block.n_fft


def _pairs_per_frame(crossing: np.ndarray, block: FrameBlock) -> np.ndarray:
    """Crossings among the n_fft - 1 pairs (s, s+1), s in [start, start + n_fft - 1), of
    each frame, int64 (n_frames,).

    Counts chunks of gcd(hop, n_fft) pairs once, adds n_fft/gcd chunk counts per frame (the
    pairs [start, start + n_fft)), then takes back each frame's last pair: each pair is
    counted once, not n_fft/hop times, and no running sum over the block is needed.
    """
    n_fft, hop, n = block.n_fft, block.hop_length, block.n_frames
    starts = np.arange(n) * hop
    chunk = gcd(hop, n_fft)
    per_frame = n_fft // chunk
    if per_frame > _MAX_CHUNKS_PER_FRAME:
        counts = np.concatenate(([0], np.cumsum(crossing, dtype=np.int64)))
        return counts[starts + n_fft - 1] - counts[starts]
    needed = (n - 1) * hop + n_fft  # pairs [0, needed) (the last frame's closing pair too)
    pairs = np.zeros(-(-needed // chunk) * chunk, dtype=np.uint8)
    have = min(needed, len(crossing))
    pairs[:have] = crossing[:have]
    chunk_counts = pairs.reshape(-1, chunk).sum(axis=1, dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(chunk_counts, per_frame)
    totals = windows[:: hop // chunk][:n].sum(axis=1)
    return totals - pairs[starts + n_fft - 1]
