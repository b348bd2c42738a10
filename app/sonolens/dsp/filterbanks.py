"""Mel and chroma filterbanks, bin frequencies and tuning, as in librosa 0.11.

Ports of ``librosa.filters.mel`` (Slaney), ``librosa.filters.chroma`` and
``librosa.pitch_tuning`` (:func:`tuning_bins` per block, then :func:`tuning_from_bins`):
importing librosa pulls in numba (~1 s of start-up) for what is a page of numpy. Unit
tests compare each with librosa's own function.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_F_SP = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def fft_frequencies(*, sr: float, n_fft: int) -> np.ndarray:
    """Centre frequency of each rFFT bin, Hz, float64 (1 + n_fft//2,)."""
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


def hz_to_mel(frequencies: np.ndarray | float) -> np.ndarray:
    """Slaney mel scale (linear below 1 kHz, logarithmic above)."""
    f = np.asanyarray(frequencies, dtype=float)
    mels = f / _F_SP
    if f.ndim:
        log_t = f >= _MIN_LOG_HZ
        mels[log_t] = _MIN_LOG_MEL + np.log(f[log_t] / _MIN_LOG_HZ) / _LOGSTEP
    elif f >= _MIN_LOG_HZ:
        mels = _MIN_LOG_MEL + np.log(f / _MIN_LOG_HZ) / _LOGSTEP
    return mels


def mel_to_hz(mels: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`."""
    m = np.asanyarray(mels, dtype=float)
    freqs = _F_SP * m
    if m.ndim:
        log_t = m >= _MIN_LOG_MEL
        freqs[log_t] = _MIN_LOG_HZ * np.exp(_LOGSTEP * (m[log_t] - _MIN_LOG_MEL))
    elif m >= _MIN_LOG_MEL:
        freqs = _MIN_LOG_HZ * np.exp(_LOGSTEP * (m - _MIN_LOG_MEL))
    return freqs


def mel_frequencies(n_mels: int, *, fmin: float, fmax: float) -> np.ndarray:
    """``n_mels`` frequencies (Hz) evenly spaced on the mel scale from fmin to fmax."""
    return mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels))


@lru_cache(maxsize=16)
def mel_filterbank(
    *, sr: float, n_fft: int, n_mels: int = 128, fmin: float = 0.0, fmax: float | None = None
) -> np.ndarray:
    """Slaney-normalised triangular filters, float32 (n_mels, 1 + n_fft//2); read-only."""
    if fmax is None:
        fmax = float(sr) / 2
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    fftfreqs = fft_frequencies(sr=sr, n_fft=n_fft)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, np.newaxis]
    weights.setflags(write=False)
    return weights


def hz_to_octs(frequencies: np.ndarray, *, tuning: float = 0.0, bins_per_octave: int = 12):
    """Octave number relative to C0-ish (A440/16), as librosa."""
    a440 = 440.0 * 2.0 ** (tuning / bins_per_octave)
    return np.log2(np.asanyarray(frequencies) / (float(a440) / 16))


@lru_cache(maxsize=16)
def chroma_filterbank(*, sr: float, n_fft: int, tuning: float = 0.0, n_chroma: int = 12):
    """Chroma filters starting at C, float32 (n_chroma, 1 + n_fft//2); read-only."""
    frequencies = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    frqbins = n_chroma * hz_to_octs(frequencies, tuning=tuning, bins_per_octave=n_chroma)
    frqbins = np.concatenate(([frqbins[0] - 1.5 * n_chroma], frqbins))
    binwidthbins = np.concatenate((np.maximum(frqbins[1:] - frqbins[:-1], 1.0), [1]))
    d = np.subtract.outer(frqbins, np.arange(0, n_chroma, dtype="d")).T
    n_chroma2 = np.round(float(n_chroma) / 2)
    d = np.remainder(d + n_chroma2 + 10 * n_chroma, n_chroma) - n_chroma2
    wts = np.exp(-0.5 * (2 * d / np.tile(binwidthbins, (n_chroma, 1))) ** 2)
    wts = _normalize_l2_columns(wts)
    wts *= np.tile(np.exp(-0.5 * (((frqbins / n_chroma - 5.0) / 2.0) ** 2)), (n_chroma, 1))
    wts = np.roll(wts, -3 * (n_chroma // 12), axis=0)
    out = np.ascontiguousarray(wts[:, : int(1 + n_fft / 2)], dtype=np.float32)
    out.setflags(write=False)
    return out


def _normalize_l2_columns(wts: np.ndarray) -> np.ndarray:
    """``librosa.util.normalize(wts, norm=2, axis=0)`` for a positive float64 matrix."""
    mag = np.abs(wts).astype(float)
    length = np.sum(mag**2, axis=0, keepdims=True) ** (1.0 / 2)
    small = length < np.finfo(mag.dtype).tiny
    length[small] = 1.0
    return wts / length


def tuning_edges(resolution: float = 0.01) -> np.ndarray:
    """Edges of librosa's tuning histogram over [-0.5, 0.5] (float64)."""
    return np.linspace(-0.5, 0.5, int(np.ceil(1.0 / resolution)) + 1)


def tuning_bins(
    frequencies: np.ndarray, *, resolution: float = 0.01, bins_per_octave: int = 12
) -> np.ndarray:
    """Histogram bin (int16) of each frequency's deviation from A440; -1 where freq <= 0.

    Element-wise, so blocks can be binned separately: the same bins ``np.histogram`` picks.
    """
    out = np.full(frequencies.shape, -1, dtype=np.int16)
    positive = frequencies > 0
    if not positive.any():
        return out
    residual = np.mod(bins_per_octave * hz_to_octs(frequencies[positive]), 1.0)
    residual[residual >= 0.5] -= 1.0
    edges = tuning_edges(resolution)
    index = np.searchsorted(edges, residual, side="right") - 1
    out[positive] = np.clip(index, 0, len(edges) - 2)
    return out


def tuning_from_bins(bins: np.ndarray, *, resolution: float = 0.01) -> float:
    """The left edge of the fullest histogram bin (librosa's ``pitch_tuning`` result)."""
    if len(bins) == 0:
        return 0.0
    edges = tuning_edges(resolution)
    counts = np.bincount(bins, minlength=len(edges) - 1)
    return float(edges[np.argmax(counts)])
