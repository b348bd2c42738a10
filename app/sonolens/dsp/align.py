"""How much later the shared audio starts in one recording than in another.

Two steps, both normalised cross-correlations (Pearson's r at every lag, over the part
the two overlap, so a long and a short file compare fairly):

1. coarse: the log-energy envelopes of the mono mixes (one value per ~5 ms; B's envelope
   is interpolated onto A's times, so the rates may differ) over every lag at which at
   least :data:`MIN_OVERLAP_FRACTION` of the shorter file overlaps. The envelope ignores
   phase, noise floor and filtering, and is small even for hours.
2. fine: a loud stretch of A (up to :data:`REFINE_SECONDS`) against B within
   ±:data:`REFINE_MARGIN_S` of the coarse lag, both mixed to mono and resampled with
   soxr to a common rate (at most :data:`REFINE_RATE` Hz), then to a fraction of a sample
   by a parabola through the peak. Its r is the confidence: ~1 for the same audio,
   lower with noise or filtering, near 0 for unrelated recordings.

Hand-written (no library does this alignment); scipy.signal.correlate does the FFTs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.errors import ParameterError
from sonolens.dsp.signal import to_mono

ENVELOPE_HOP_S = 0.005
REFINE_SECONDS = 8.0
REFINE_MARGIN_S = 0.025
REFINE_RATE = 16000
MIN_OVERLAP_FRACTION = 0.1
_FLOOR = 1e-10  # power floor of the envelope (-100 dB)


@dataclass(frozen=True)
class Alignment:
    """``offset``: seconds by which B's shared audio starts later than A's (negative:
    earlier); ``confidence``: the fine correlation at that offset, 0..1."""

    offset: float
    confidence: float


def log_energy_envelope(source: AudioSource, *, hop_s: float = ENVELOPE_HOP_S
                        ) -> tuple[np.ndarray, float]:
    """(log10 mean power of the mono mix per hop, float64 (n,); the hop in seconds)."""
    sr = source.samplerate
    hop = max(1, round(sr * hop_s))
    sums: list[np.ndarray] = []
    carry = np.zeros(0)
    for block in source.blocks():
        mono = to_mono(block, None).astype(np.float64)
        x = np.concatenate((carry, mono)) if len(carry) else mono
        whole = len(x) // hop * hop
        sums.append(np.square(x[:whole]).reshape(-1, hop).sum(axis=1))
        carry = x[whole:]
    energy = np.concatenate(sums) / hop if sums else np.zeros(0)
    return np.log10(energy + _FLOOR), hop / float(sr)


def pearson_by_lag(a: np.ndarray, b: np.ndarray, min_overlap: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(lags k, Pearson r of a[n] with b[n + k] over their overlap) for every lag whose
    overlap has >= ``min_overlap`` samples; r is 0 where either part is constant."""
    from scipy.signal import correlate

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    a = a - a.mean()
    b = b - b.mean()
    na, nb = len(a), len(b)
    lags = np.arange(-(na - 1), nb)
    cross = correlate(b, a, mode="full", method="fft")  # cross[j]: lag j - (na - 1)
    lo = np.maximum(0, -lags)
    hi = np.minimum(na, nb - lags)
    count = hi - lo
    keep = count >= max(2, min_overlap)
    lags, lo, hi, count, cross = lags[keep], lo[keep], hi[keep], count[keep], cross[keep]
    ca, ca2 = _cumsum(a), _cumsum(a * a)
    cb, cb2 = _cumsum(b), _cumsum(b * b)
    sa, sa2 = ca[hi] - ca[lo], ca2[hi] - ca2[lo]
    sb, sb2 = cb[hi + lags] - cb[lo + lags], cb2[hi + lags] - cb2[lo + lags]
    var_a = sa2 - sa * sa / count
    var_b = sb2 - sb * sb / count
    denominator = np.sqrt(np.maximum(var_a, 0.0) * np.maximum(var_b, 0.0))
    scale = max(float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)), 1.0)
    tiny = 1e-9 * scale * scale * count
    r = np.where(denominator > tiny, (cross - sa * sb / count) / np.maximum(denominator, tiny),
                 0.0)
    return lags, np.clip(r, -1.0, 1.0)


def _cumsum(x: np.ndarray) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(x)))


def find_offset(a: AudioSource, b: AudioSource) -> Alignment:
    """The offset of ``b`` against ``a`` (see the module doc). Reads both files twice (the
    envelopes, then a few seconds of each). ParameterError if either is empty."""
    env_a, hop_a = log_energy_envelope(a)
    env_b, hop_b = log_energy_envelope(b)
    if len(env_a) < 2 or len(env_b) < 2:
        raise ParameterError("a file is too short to align (less than 10 ms of audio)")
    # B's envelope on A's grid of hop centres: lags then count in A's hops
    times_b = (np.arange(len(env_b)) + 0.5) * hop_b
    grid = (np.arange(math.floor(len(env_b) * hop_b / hop_a)) + 0.5) * hop_a
    env_b = np.interp(grid, times_b, env_b)
    shorter = min(len(env_a), len(env_b))
    lags, r = pearson_by_lag(env_a, env_b, max(2, int(MIN_OVERLAP_FRACTION * shorter)))
    best = int(np.argmax(r))
    coarse = float(lags[best]) * hop_a
    overlap_start = max(0.0, -coarse)
    overlap_end = min(len(env_a) * hop_a, len(env_b) * hop_a - coarse)
    start = _loudest_stretch(env_a, hop_a, overlap_start, overlap_end)
    length = min(REFINE_SECONDS, overlap_end - start)
    return _refine(a, b, start, length, coarse)


def _loudest_stretch(env: np.ndarray, hop: float, t0: float, t1: float) -> float:
    """Start (s) of the loudest REFINE_SECONDS of ``env`` inside [t0, t1]."""
    i0, i1 = int(t0 / hop), max(int(t0 / hop) + 1, int(t1 / hop))
    width = max(1, min(int(REFINE_SECONDS / hop), i1 - i0))
    power = np.power(10.0, env[i0:i1])
    sums = np.convolve(power, np.ones(width), mode="valid")
    return (i0 + int(np.argmax(sums))) * hop if len(sums) else t0


def _refine(a: AudioSource, b: AudioSource, start: float, length: float,
            coarse: float) -> Alignment:
    rate = min(a.samplerate, b.samplerate, REFINE_RATE)
    x, x_start = _mono_span(a, start, start + length, rate)
    y, y_start = _mono_span(b, start + coarse - REFINE_MARGIN_S,
                            start + coarse + length + REFINE_MARGIN_S, rate)
    if len(x) < 2 or len(y) < len(x):
        return Alignment(coarse, 0.0)
    from scipy.signal import correlate

    cross = correlate(y, x, mode="valid", method="fft")  # cross[j]: y[j:j+len(x)] . x
    energy_x = float(np.dot(x, x))
    cy2 = _cumsum(y * y)
    energy_y = cy2[len(x):] - cy2[: len(cross)]
    denominator = np.sqrt(np.maximum(energy_x * energy_y, 0.0))
    r = np.where(denominator > 0, cross / np.where(denominator > 0, denominator, 1.0), 0.0)
    j = int(np.argmax(r))
    step = 0.0
    if 0 < j < len(r) - 1:  # a parabola through the peak and its neighbours
        left, mid, right = r[j - 1], r[j], r[j + 1]
        curvature = left - 2 * mid + right
        if curvature < 0:
            step = float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))
    offset = y_start + (j + step) / rate - x_start
    return Alignment(offset, float(np.clip(r[j], 0.0, 1.0)))


def _mono_span(source: AudioSource, t0: float, t1: float, rate: int
               ) -> tuple[np.ndarray, float]:
    """(mono float64 samples of [t0, t1) s at ``rate`` Hz, silence outside the file;
    the time (s) of its first sample)."""
    sr = source.samplerate
    first, last = round(t0 * sr), round(t1 * sr)
    n = max(0, last - first)
    samples = np.zeros(n, dtype=np.float32)
    lo, hi = max(first, 0), min(last, source.frames)
    if hi > lo:
        got = to_mono(source.read(lo, hi), None)
        samples[lo - first : lo - first + len(got)] = got
    if sr != rate and n:
        import soxr

        samples = soxr.resample(samples, sr, rate, quality="HQ")
    return samples.astype(np.float64), first / float(sr)
