"""The YIN half of pYIN: per-frame pitch candidates and their probabilities, as librosa 0.11.

Frames are rows here (``(n_frames, frame_length)``, frames-major, for contiguous FFTs);
librosa keeps them as columns. Every float step repeats librosa's operation in its dtype
(float32 audio stays float32 until the candidate periods) so the numbers are equal:
``librosa.core.pitch._cumulative_mean_normalized_difference``, ``_parabolic_interpolation``
and ``__pyin_helper``, vectorised over the frames of a block instead of a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.fft


@dataclass(frozen=True)
class YinPlan:
    """Constants of one pYIN run (periods in samples, thresholds and their beta prior)."""

    sr: float
    fmin: float
    min_period: int
    max_period: int
    thresholds: np.ndarray  # (n_thresholds + 1,) float64, 0..1
    beta_probs: np.ndarray  # (n_thresholds,) float64
    beta_below: np.ndarray  # (n_thresholds + 1,) float64: np.sum(beta_probs[:k]) for k
    boltzmann_fact: np.ndarray  # (n_lags + 1,) float64, by number of troughs
    boltzmann_exp: np.ndarray  # (n_lags + 1,) float64, by trough position
    no_trough_prob: float
    n_pitch_bins: int
    n_bins_per_semitone: int


def make_yin_plan(*, sr: float, fmin: float, fmax: float, frame_length: int,
                  n_thresholds: int, beta_parameters: tuple[float, float],
                  boltzmann_parameter: float, resolution: float,
                  no_trough_prob: float) -> YinPlan:
    """The constants librosa.pyin derives from its parameters (same expressions)."""
    from scipy.stats import beta  # noqa: PLC0415 - scipy.stats is slow to import

    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - 1)
    thresholds = np.linspace(0, 1, n_thresholds + 1)
    beta_cdf = beta.cdf(thresholds, beta_parameters[0], beta_parameters[1])
    beta_probs = np.diff(beta_cdf)
    beta_below = np.array([np.sum(beta_probs[:k]) for k in range(n_thresholds + 1)])
    # scipy.stats.boltzmann.pmf(k, lambda_, N) = (1-exp(-lambda_))/(1-exp(-lambda_*N))
    # * exp(-lambda_*k), evaluated on arrays exactly as scipy does.
    lam = np.asarray(boltzmann_parameter)
    counts = np.arange(max_period - min_period + 2)  # up to one trough per lag
    with np.errstate(divide="ignore", invalid="ignore"):
        fact = (1 - np.exp(-lam)) / (1 - np.exp(-lam * counts))
    fact[0] = 0.0  # no trough below the threshold: no prior (librosa zeroes these)
    expo = np.exp(-lam * counts)
    n_bins_per_semitone = int(np.ceil(1.0 / resolution))
    n_pitch_bins = int(np.floor(12 * n_bins_per_semitone * np.log2(fmax / fmin))) + 1
    return YinPlan(sr=sr, fmin=fmin, min_period=min_period, max_period=max_period,
                   thresholds=thresholds, beta_probs=beta_probs, beta_below=beta_below,
                   boltzmann_fact=fact, boltzmann_exp=expo, no_trough_prob=no_trough_prob,
                   n_pitch_bins=n_pitch_bins, n_bins_per_semitone=n_bins_per_semitone)


def cmnd(frames: np.ndarray, min_period: int, max_period: int) -> np.ndarray:
    """Cumulative mean normalised difference of frames (n, frame_length) ->
    (n, max_period - min_period + 1), in the frames' dtype."""
    length = frames.shape[-1]
    n_pad = scipy.fft.next_fast_len(2 * length - 1, real=True)
    spec = scipy.fft.rfft(frames, n=n_pad, axis=-1)
    power = spec.real**2 + spec.imag**2
    acf = scipy.fft.irfft(power, n=n_pad, axis=-1)[:, : min(max_period + 1, length)]
    energy = np.square(frames[:, :max_period])
    np.cumsum(energy, out=energy, axis=-1)
    energy[:, 0] = 0  # librosa zeroes d(0) before reading the energies back
    diff = 2 * (acf[:, 0:1] - acf[:, 1 : max_period + 1]) - energy  # d(1..max_period)
    k_range = np.arange(1, max_period + 1)
    cumulative_mean = np.cumsum(diff, axis=-1) / k_range
    numerator = diff[:, min_period - 1 :]
    denominator = cumulative_mean[:, min_period - 1 : max_period]
    tiny = np.finfo(denominator.dtype).tiny
    return numerator / (denominator + tiny)


def parabolic_shifts(yin: np.ndarray) -> np.ndarray:
    """Parabolic-interpolation shift of each lag (n, n_lags), as librosa's numba stencil
    (float64 arithmetic for float32 input, stored back in the input dtype)."""
    # numba types ``x[1] + x[-1] - 2 * x[0]`` as (x[1] + x[-1]) in the input dtype, then
    # float64 from ``2 * x[0]`` (int64 times float32); likewise ``(x[1] - x[-1]) / 2``.
    left, right = yin[:, :-2], yin[:, 2:]
    mid = yin[:, 1:-1].astype(np.float64)
    a = (right + left).astype(np.float64) - 2 * mid
    b = (right - left).astype(np.float64) / 2
    shifts = np.zeros_like(yin)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(np.abs(b) >= np.abs(a), 0.0, -b / a)
    shifts[:, 1:-1] = inner
    return shifts


def troughs(yin: np.ndarray) -> np.ndarray:
    """Boolean (n, n_lags): librosa's ``localmin`` with pYIN's first-lag rule."""
    is_trough = np.zeros(yin.shape, dtype=bool)
    is_trough[:, 1:-1] = (yin[:, 1:-1] < yin[:, :-2]) & (yin[:, 1:-1] <= yin[:, 2:])
    is_trough[:, 0] = yin[:, 0] < yin[:, 1]
    is_trough[:, -1] = yin[:, -1] < yin[:, -2]
    return is_trough


def trough_probs(yin: np.ndarray, plan: YinPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probability of each trough (frame, lag, prob) in frame-then-lag order, as
    ``__pyin_helper``'s ``yin_probs`` (stored in yin's dtype; zeros kept)."""
    frame, lag = np.nonzero(troughs(yin))
    heights = yin[frame, lag]
    n_thr = len(plan.beta_probs)
    # below[j, t] = heights[j] < thresholds[t + 1]
    first_below = np.searchsorted(plan.thresholds[1:], heights, side="right")
    below = np.arange(n_thr)[None, :] >= first_below[:, None]
    starts = np.flatnonzero(np.r_[True, frame[1:] != frame[:-1]]) if len(frame) else frame
    counts = np.cumsum(below, axis=0, dtype=np.int64)
    group = np.cumsum(np.r_[False, frame[1:] != frame[:-1]]) if len(frame) else frame
    before = np.zeros((len(starts), n_thr), dtype=np.int64)
    before[1:] = counts[starts[1:] - 1]
    counts -= before[group]  # troughs at or before j in its frame below threshold t
    ends = np.r_[starts[1:], len(frame)] - 1
    n_troughs = counts[ends][group]
    positions = np.where(below, counts - 1, 0)
    prior = plan.boltzmann_fact[n_troughs] * plan.boltzmann_exp[positions]
    prior[~below] = 0
    probs = _dot_rows(prior, plan.beta_probs, starts, ends)
    # the frame's global minimum also takes the mass of the thresholds under no trough
    order = np.lexsort((heights, frame))  # first (lowest lag) minimum of each frame
    gmin = order[starts]
    probs[gmin] += plan.no_trough_prob * plan.beta_below[first_below[gmin]]
    return frame, lag, probs.astype(yin.dtype)


def _dot_rows(prior: np.ndarray, weights: np.ndarray, starts: np.ndarray,
              ends: np.ndarray) -> np.ndarray:
    """``prior @ weights`` with librosa's per-frame BLAS call (one matrix per frame), so
    the summation order (and so the last bits) are the same."""
    out = np.empty(len(prior))
    for start, end in zip(starts.tolist(), (ends + 1).tolist(), strict=True):
        out[start:end] = prior[start:end].dot(weights)
    return out
