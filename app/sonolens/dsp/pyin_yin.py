"""The YIN half of pYIN: per-frame pitch candidates and their probabilities, as librosa 0.11.

Frames are rows here (``(n_frames, frame_length)``, frames-major, for contiguous FFTs);
librosa keeps them as columns. Every float step repeats librosa's operation in its dtype
(float32 audio stays float32 until the candidate periods) so the numbers are equal:
``librosa.core.pitch._cumulative_mean_normalized_difference``, ``_parabolic_interpolation``
and ``__pyin_helper``, vectorised over the frames of a block instead of a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
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
    from scipy.stats import beta  # lazily: scipy.stats is slow to import

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
    # below[j, t] = heights[j] < thresholds[t + 1], i.e. t >= first_below[j]
    first_below = np.searchsorted(plan.thresholds[1:], heights, side="right")
    new_frame = np.r_[True, frame[1:] != frame[:-1]] if len(frame) else frame.astype(bool)
    starts = np.flatnonzero(new_frame)
    ends = np.r_[starts[1:], len(frame)] - 1
    prior = _boltzmann_prior(first_below, starts, ends + 1, len(plan.beta_probs),
                             plan.boltzmann_fact, plan.boltzmann_exp)
    probs = _dot_rows(prior, plan.beta_probs, starts, ends)
    # the frame's global minimum also takes the mass of the thresholds under no trough
    gmin = np.lexsort((heights, frame))[starts]  # first (lowest lag) minimum of each frame
    probs[gmin] += plan.no_trough_prob * plan.beta_below[first_below[gmin]]
    return frame, lag, probs.astype(yin.dtype)


@numba.njit(cache=True, nogil=True)
def _boltzmann_prior(first_below, starts, stops, n_thr, fact,
                     expo):  # pragma: no cover - compiled
    """(n_troughs, n_thr) float64: ``scipy.stats.boltzmann.pmf(position, lambda, count)`` of
    each trough among its frame's troughs below threshold t (0 where it is not below):
    count = troughs of the frame below t, position = those of them at a lower lag."""
    prior = np.zeros((len(first_below), n_thr))
    count = np.zeros(n_thr + 1, dtype=np.int64)
    lower = np.zeros(n_thr, dtype=np.int64)
    for g in range(len(starts)):
        count[:] = 0
        for j in range(starts[g], stops[g]):
            count[first_below[j]] += 1
        for t in range(1, n_thr):
            count[t] += count[t - 1]  # troughs below threshold t
        lower[:] = 0
        for j in range(starts[g], stops[g]):
            for t in range(first_below[j], n_thr):
                prior[j, t] = fact[count[t]] * expo[lower[t]]
                lower[t] += 1
    return prior


def _dot_rows(prior: np.ndarray, weights: np.ndarray, starts: np.ndarray,
              ends: np.ndarray) -> np.ndarray:
    """``prior @ weights`` as librosa computes it, one (m, n_thresholds) BLAS product per
    frame: OpenBLAS's summation order depends on m, so frames are grouped by their number
    of troughs m and each group goes through one stacked ``matmul`` of (m, n) matrices."""
    out = np.empty(len(prior))
    sizes = ends - starts + 1
    for m in np.unique(sizes).tolist():
        rows = starts[sizes == m][:, None] + np.arange(m)
        out[rows] = np.matmul(prior[rows], weights)
    return out
