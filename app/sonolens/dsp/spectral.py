"""Per-frame spectral features of one block of spectra, frames-major (n_frames, n_bins).

Each function equals librosa's ``feature.spectral_*(S=...)`` on the same magnitudes
(``S = |stft|``, float32), frame by frame; decisions that depend on float rounding
(rolloff's cumulative sum) repeat librosa's float32 arithmetic exactly.
"""

from __future__ import annotations

import itertools

import numpy as np

from sonolens.core.feature_rules import contrast_bands_below_nyquist
from sonolens.core.features import CONTRAST_NOTE_PREFIX

_TINY32 = np.finfo(np.float32).tiny


def centroid_bandwidth(
    magnitude: np.ndarray, freqs: np.ndarray, *, p: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Spectral centroid and bandwidth (Hz), float64 (n_frames,) each.

    Both are moments of the L1-normalised magnitude column. For p=2 the bandwidth comes
    from the raw moments (sum S f^2 / sum S - centroid^2) in float64 -- one matrix product.
    """
    powers = np.stack([np.ones_like(freqs), freqs, freqs**2], axis=1)  # (n_bins, 3) float64
    moments = magnitude @ powers
    total = moments[:, 0]
    length = np.where(total < _TINY32, 1.0, total)  # librosa leaves near-empty columns as is
    centroid = moments[:, 1] / length
    if p == 2.0:
        variance = moments[:, 2] / length - 2 * centroid * moments[:, 1] / length
        variance += centroid**2 * total / length
        return centroid, np.sqrt(np.maximum(variance, 0.0))
    deviation = np.abs(freqs[np.newaxis, :] - centroid[:, np.newaxis]) ** p
    spread = np.einsum("fb,fb->f", magnitude / length[:, np.newaxis], deviation)
    return centroid, spread ** (1.0 / p)


def rolloff(magnitude: np.ndarray, freqs: np.ndarray, *, roll_percent: float) -> np.ndarray:
    """Lowest bin frequency (Hz) below which ``roll_percent`` of the magnitude lies.

    float32 sequential cumulative sum, as librosa, so the chosen bin is identical.
    """
    total_energy = np.cumsum(magnitude, axis=1)
    threshold = roll_percent * total_energy[:, -1:]
    first = np.argmax(total_energy >= threshold, axis=1)
    return freqs[first]


def flatness(power: np.ndarray, *, amin: float = 1e-10) -> np.ndarray:
    """Geometric / arithmetic mean of ``max(amin, |S|^2)`` per frame, float64 (n_frames,)."""
    thresholded = np.maximum(np.float32(amin), power)
    log_mean = np.mean(np.log(thresholded), axis=1, dtype=np.float64)
    return np.exp(log_mean) / np.mean(thresholded, axis=1, dtype=np.float64)


def contrast_bands(freqs: np.ndarray, *, sr: float, fmin: float, n_bands: int):
    """Bin ranges of librosa's contrast bands, as ``(first, stop, drop_last, quantile_n)``.

    Only the leading bands that can be computed are returned: librosa raises when a band's
    lower edge passes Nyquist, fails (IndexError) when a band holds no FFT bin, and gives
    NaN for every band when one is left empty by dropping its last bin (n_fft too small
    for the band); Sonolens stops before such a band and leaves it and those above empty
    (see :func:`contrast_note`). The band that reaches Nyquist takes every bin up to the
    end, as librosa's top band does.
    """
    octa = np.zeros(n_bands + 2)
    octa[1:] = fmin * (2.0 ** np.arange(0, n_bands + 1))
    fitting = contrast_bands_below_nyquist(sr=sr, fmin=fmin, n_bands=n_bands)  # last band's index
    bands = []
    for k, (f_low, f_high) in enumerate(itertools.pairwise(octa)):
        if k > fitting:
            break
        current = np.logical_and(freqs >= f_low, freqs <= f_high)
        idx = np.flatnonzero(current)
        if len(idx) == 0 or (k > 0 and idx[0] == 0):
            break  # no FFT bin in this band
        if k > 0:
            current[idx[0] - 1] = True
        if k == fitting:
            current[idx[-1] + 1 :] = True
        chosen = np.flatnonzero(current)
        count = len(chosen)
        drop_last = k < fitting
        if drop_last and count < 2:
            break  # nothing left once the last bin is dropped (librosa: NaN everywhere)
        bands.append((int(chosen[0]), int(chosen[-1]) + 1, drop_last, count))
    return bands


def contrast_note(n_computed: int, *, sr: float, n_fft: int, fmin: float, n_bands: int
                  ) -> str | None:
    """The one-line warning for contrast bands :func:`contrast_bands` could not compute."""
    missing = n_bands + 1 - n_computed
    if missing <= 0:
        return None
    low = 0.0 if n_computed == 0 else fmin * 2.0 ** (n_computed - 1)
    if n_computed > contrast_bands_below_nyquist(sr=sr, fmin=fmin, n_bands=n_bands):
        return (f"{CONTRAST_NOTE_PREFIX} {missing} band(s) above Nyquist ({sr / 2:g} Hz) "
                "left empty")
    return (f"{CONTRAST_NOTE_PREFIX} {missing} band(s) from {low:g} Hz left empty (n_fft={n_fft} "
            f"gives {sr / n_fft:.4g} Hz per bin, too coarse for them)")


def contrast_peaks_valleys(
    magnitude: np.ndarray, bands: list[tuple[int, int, bool, int]], *, quantile: float = 0.02
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the top and bottom ``quantile`` of each band: float64 (n_frames, n_bands)."""
    n_frames = magnitude.shape[0]
    peaks = np.zeros((n_frames, len(bands)))
    valleys = np.zeros((n_frames, len(bands)))
    for k, (first, stop, drop_last, count) in enumerate(bands):
        sub = magnitude[:, first : stop - 1 if drop_last else stop]
        n = max(int(np.rint(quantile * count)), 1)
        if n == 1:  # the mean of one value is that value: no sort (the low bands);
            # as the sort, NaN (sorted last) is the peak but not the valley
            valleys[:, k] = np.fmin.reduce(sub, axis=1)
            peaks[:, k] = sub.max(axis=1)
            continue
        ordered = np.sort(sub, axis=1)
        valleys[:, k] = np.mean(ordered[:, :n], axis=1)
        peaks[:, k] = np.mean(ordered[:, -n:], axis=1)
    return peaks, valleys


def power_to_db_unclipped(power: np.ndarray, *, amin: float = 1e-10) -> np.ndarray:
    """``10 log10(max(amin, S))`` (ref = 1), same dtype; clip later with :func:`clip_top_db`."""
    return 10.0 * np.log10(np.maximum(amin, power))


def clip_top_db(db: np.ndarray, *, top_db: float, maximum: float) -> np.ndarray:
    """librosa's ``top_db`` step: nothing below ``maximum - top_db`` (in place)."""
    np.maximum(db, maximum - top_db, out=db)
    return db
