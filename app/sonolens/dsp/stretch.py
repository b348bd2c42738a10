"""Pitch-preserving time stretch: librosa's ``phase_vocoder`` and ``effects.time_stretch``
ported (librosa is a test-only dependency; tests/unit/test_stretch.py holds these equal to
it), for slowed playback of speech without the pitch drop.

Conventions as librosa's defaults: Hann window (periodic), ``n_fft`` 2048, hop n_fft/4,
centred frames with zero padding; ``rate`` > 1 speeds up, < 1 slows down (0.1 = ten times
longer).
"""

from __future__ import annotations

import math

import numpy as np

from sonolens.core.errors import ParameterError
from sonolens.dsp.windows import periodic_window

N_FFT = 2048


def stft(y: np.ndarray, n_fft: int = N_FFT, hop_length: int | None = None) -> np.ndarray:
    """``librosa.stft(y, n_fft=n_fft, hop_length=hop)``: complex (1 + n_fft/2, frames) of
    a 1-D signal (complex64 for float32 input, complex128 for float64)."""
    hop = n_fft // 4 if hop_length is None else hop_length
    y = np.asarray(y)
    padded = np.pad(y, n_fft // 2, mode="constant")
    window = periodic_window("hann", n_fft)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    out_dtype = np.complex64 if y.dtype == np.float32 else np.complex128
    return np.fft.rfft(frames * window, axis=-1).T.astype(out_dtype, copy=False)


def phase_vocoder(d: np.ndarray, *, rate: float, hop_length: int | None = None,
                  n_fft: int | None = None) -> np.ndarray:
    """``librosa.phase_vocoder``: the STFT ``d`` (bins, frames) played at ``rate``;
    complex (bins, ceil(frames / rate))."""
    n_fft = 2 * (d.shape[-2] - 1) if n_fft is None else n_fft
    hop = n_fft // 4 if hop_length is None else hop_length
    time_steps = np.arange(0, d.shape[-1], rate, dtype=np.float64)
    out = np.zeros((d.shape[0], len(time_steps)), dtype=d.dtype)
    # expected phase advance per frame in each bin: fft_frequencies(sr=2π, n_fft) · hop
    phi_advance = hop * np.fft.rfftfreq(n_fft, d=1.0 / (2 * np.pi))
    phase_acc = np.angle(d[:, 0])
    d = np.pad(d, [(0, 0), (0, 2)], mode="constant")
    two_pi = 2.0 * np.pi
    for t, step in enumerate(time_steps):
        columns = d[:, int(step):int(step + 2)]
        alpha = np.mod(step, 1.0)
        mag = (1.0 - alpha) * np.abs(columns[:, 0]) + alpha * np.abs(columns[:, 1])
        out[:, t] = mag * (np.cos(phase_acc) + 1j * np.sin(phase_acc))
        dphase = np.angle(columns[:, 1]) - np.angle(columns[:, 0]) - phi_advance
        dphase = dphase - two_pi * np.round(dphase / two_pi)
        phase_acc += phi_advance + dphase
    return out


def istft(d: np.ndarray, *, length: int, hop_length: int | None = None,
          dtype: type = np.float32) -> np.ndarray:
    """``librosa.istft(d, length=length)``: overlap-add of the Hann-windowed inverse
    frames, divided by the window's sum of squares; (length,) of ``dtype``."""
    n_fft = 2 * (d.shape[0] - 1)
    hop = n_fft // 4 if hop_length is None else hop_length
    n_frames = min(d.shape[1], math.ceil((length + 2 * (n_fft // 2)) / hop))
    window = periodic_window("hann", n_fft)
    full = n_fft + hop * (n_frames - 1)
    y = np.zeros(full, dtype=dtype)
    wss = np.zeros(full, dtype=dtype)
    win_sq = (window ** 2).astype(dtype)
    block = max(1, 2**16 // n_fft * 4)
    for first in range(0, n_frames, block):
        last = min(first + block, n_frames)
        frames = (window[:, None] * np.fft.irfft(d[:, first:last], n=n_fft, axis=0)
                  ).astype(dtype, copy=False)
        for j in range(last - first):
            at = (first + j) * hop
            y[at:at + n_fft] += frames[:, j]
            wss[at:at + n_fft] += win_sq
    start = n_fft // 2
    y, wss = _fix(y[start:], length), _fix(wss[start:], length)
    nonzero = wss > np.finfo(dtype).tiny
    y[nonzero] /= wss[nonzero]
    return y


def time_stretch(y: np.ndarray, rate: float, n_fft: int = N_FFT) -> np.ndarray:
    """``librosa.effects.time_stretch(y, rate=rate, n_fft=n_fft)`` for 1-D ``y``:
    round(len(y) / rate) samples, the pitch kept."""
    if not rate > 0:
        raise ParameterError(f"rate must be a positive number, got {rate}")
    y = np.asarray(y)
    stretched = phase_vocoder(stft(y, n_fft), rate=rate)
    return istft(stretched, length=round(len(y) / rate), dtype=y.dtype.type)


def _fix(x: np.ndarray, size: int) -> np.ndarray:
    """``x`` cut or zero-padded to ``size`` samples."""
    if len(x) >= size:
        return x[:size]
    return np.pad(x, (0, size - len(x)))
