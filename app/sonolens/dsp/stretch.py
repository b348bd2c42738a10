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


def time_stretch(y: np.ndarray, rate: float, n_fft: int = N_FFT) -> np.ndarray:
    """``librosa.effects.time_stretch(y, rate=rate, n_fft=n_fft)`` for 1-D ``y``:
    round(len(y) / rate) samples, the pitch kept."""
    stream = StretchStream(np.asarray(y)[:, None], rate, n_fft)
    return stream.produce(stream.length)[:, 0]


class StretchStream:
    """:func:`time_stretch` of ``y`` (n, channels) computed in order, as far as asked:
    the phase vocoder's columns and the inverse STFT's overlap-add advance together, so a
    player can start before a long span is done. Same numbers as the whole computation
    (``librosa.istft(phase_vocoder(stft(y), rate), length=round(n / rate))``)."""

    BLOCK = 64  # vocoder columns per step

    def __init__(self, y: np.ndarray, rate: float, n_fft: int = N_FFT) -> None:
        if not rate > 0:
            raise ParameterError(f"rate must be a positive number, got {rate}")
        y = np.asarray(y)
        self.dtype = y.dtype.type
        self.length = round(len(y) / rate)
        self._n_fft, self._hop = n_fft, n_fft // 4
        d = np.stack([stft(y[:, c], n_fft) for c in range(y.shape[1])])  # (ch, bins, frames)
        self._steps = np.arange(0, d.shape[-1], rate, dtype=np.float64)
        self._frames = min(len(self._steps),
                           math.ceil((self.length + 2 * (n_fft // 2)) / self._hop))
        self._phi = self._hop * np.fft.rfftfreq(n_fft, d=1.0 / (2 * np.pi))
        self._phase = np.angle(d[..., 0])
        self._d = np.pad(d, [(0, 0), (0, 0), (0, 2)], mode="constant")
        self._window = periodic_window("hann", n_fft)
        self._win_sq = (self._window ** 2).astype(self.dtype)
        full = n_fft + self._hop * (self._frames - 1)
        self._sum = np.zeros((y.shape[1], full), dtype=self.dtype)
        self._wss = np.zeros(full, dtype=self.dtype)
        self._out = np.zeros((self.length, y.shape[1]), dtype=self.dtype)
        self._next = 0  # the next vocoder column
        self.ready = 0  # output samples final so far

    def produce(self, until: int) -> np.ndarray:
        """The output (length, channels), final up to at least ``until`` samples."""
        until = min(until, self.length)
        while self.ready < until:
            self._step()
        return self._out

    def _step(self) -> None:
        first, last = self._next, min(self._next + self.BLOCK, self._frames)
        n_fft, hop = self._n_fft, self._hop
        cols = self._columns(first, last)  # (ch, bins, last - first)
        frames = (self._window[:, None] * np.fft.irfft(cols, n=n_fft, axis=-2)
                  ).astype(self.dtype, copy=False)
        for j in range(last - first):
            at = (first + j) * hop
            self._sum[:, at:at + n_fft] += frames[..., j]
            self._wss[at:at + n_fft] += self._win_sq
        self._next = last
        if last == self._frames:  # past the last frame only zeros follow (fix_length)
            done = self.length
        else:  # frames from ``last`` on start at last·hop (padded): all before is final
            done = max(self.ready, min(last * hop - n_fft // 2, self.length))
        a, b = self.ready + n_fft // 2, done + n_fft // 2
        part = self._sum[:, a:b].T.copy()
        wss = np.zeros(b - a, dtype=self.dtype)
        wss[:max(0, min(b, len(self._wss)) - a)] = self._wss[a:b]
        if len(part) < b - a:  # past the last frame: zeros (librosa's fix_length)
            part = np.concatenate([part, np.zeros((b - a - len(part), part.shape[1]),
                                                  dtype=self.dtype)])
        nonzero = wss > np.finfo(self.dtype).tiny
        part[nonzero] /= wss[nonzero, None]
        self._out[self.ready:done] = part
        self.ready = done

    def _columns(self, first: int, last: int) -> np.ndarray:
        """Phase-vocoder columns [first, last) (librosa.phase_vocoder's loop, all channels)."""
        d, phi, phase = self._d, self._phi, self._phase
        out = np.zeros((*d.shape[:2], last - first), dtype=d.dtype)
        two_pi = 2.0 * np.pi
        for t in range(first, last):
            step = self._steps[t]
            columns = d[..., int(step):int(step + 2)]
            alpha = np.mod(step, 1.0)
            mag = (1.0 - alpha) * np.abs(columns[..., 0]) + alpha * np.abs(columns[..., 1])
            out[..., t - first] = mag * (np.cos(phase) + 1j * np.sin(phase))
            dphase = np.angle(columns[..., 1]) - np.angle(columns[..., 0]) - phi
            dphase = dphase - two_pi * np.round(dphase / two_pi)
            phase += phi + dphase
        return out


