"""Where an annotation's edge snaps to: the nearest zero crossing of the samples, or the
nearest analysis frame centre (pure numpy; the window reads the samples)."""

from __future__ import annotations

import numpy as np

SNAP_MODES = ("none", "zero_crossings", "frames")
ZERO_CROSSING_WINDOW_S = 0.01  # s each side of the edge searched for a sign change


def zero_crossings(samples: np.ndarray) -> np.ndarray:
    """Indices i >= 1 of ``samples`` (n,) or (n, channels) whose sign differs from sample
    i - 1 in the mono mix (librosa.zero_crossings' convention, signbit; 0 counts as +)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    sign = np.signbit(x)
    return np.flatnonzero(sign[1:] != sign[:-1]) + 1


def snap_to_zero_crossing(seconds: float, samples: np.ndarray, first: int, sr: float) -> float:
    """The time (s) of the zero crossing nearest ``seconds``: ``samples`` are frames
    [first, first + n) of audio at ``sr`` Hz; ``seconds`` unchanged when none is there."""
    found = zero_crossings(samples)
    if found.size == 0:
        return seconds
    times = (found + first) / float(sr)
    return float(times[np.argmin(np.abs(times - seconds))])


def snap_to_frame(seconds: float, sr: float, hop_length: int) -> float:
    """The centre (s) of the analysis frame nearest ``seconds`` (frame k centred at
    k * hop_length / sr, as librosa's centred STFT), never before 0."""
    step = hop_length / float(sr)
    return max(0.0, round(seconds / step)) * step
