"""Constant-Q / variable-Q transform: a port of ``librosa.vqt`` (librosa 0.11,
``core/constantq.py``) with its early downsampling and per-octave soxr 'HQ' halving,
plus a blocked form that walks a long signal in segments with flat memory.

:func:`vqt_magnitude` is ``np.abs(librosa.vqt(y, sr=sr, hop_length=..., fmin=...,
n_bins=..., bins_per_octave=..., gamma=..., res_type="soxr_hq"))`` for float32 ``y``
(``gamma=0``: ``librosa.cqt``), computed with librosa's dtypes (float32 signal, float64
FFT of each frame rounded to complex64, complex64 sparse filters).

:class:`CqtPlan.blocks` computes the same frames block by block. Frame ``t`` depends on
the signal within the longest filter's reach of ``t * hop`` (the lowest octave's filter,
~0.5 s at C1, plus the resamplers' filters), so each block of frames is computed from a
segment reaching :attr:`CqtPlan.pad` samples beyond it on both sides, and only the
block's own frames are kept: they equal the one-shot frames to float32 rounding (a unit
test compares them). Segments start at multiples of ``hop`` samples so every halving
keeps librosa's sample phase.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from sonolens.core.errors import ParameterError
from sonolens.dsp.cqt_filters import (
    cqt_frequencies,
    filter_fft,
    relative_bandwidth,
    wavelet_lengths,
)

C1_HZ = 32.70319566257483  # librosa.note_to_hz("C1")
# input samples each side beyond which soxr HQ's 2:1 filter taps are below float32
# rounding (measured: |tap| < 1e-7 of the peak past 92 output = 184 input samples)
_RESAMPLER_REACH = 256
_BLOCK_PADS = 8  # a block holds this many pads' worth of frames (~25 % recomputed)


def _two_factors(x: int) -> int:
    count = 0
    while x > 0 and x % 2 == 0:
        count, x = count + 1, x // 2
    return count


def _halve(y: np.ndarray, res_type: str = "soxr_hq") -> np.ndarray:
    """librosa.resample(y, orig_sr=2, target_sr=1, res_type='soxr_hq', scale=True)."""
    import soxr

    n_samples = int(np.ceil(len(y) * 0.5))
    y_hat = soxr.resample(y, 2, 1, quality=res_type)
    if len(y_hat) > n_samples:
        y_hat = y_hat[:n_samples]
    elif len(y_hat) < n_samples:
        y_hat = np.pad(y_hat, (0, n_samples - len(y_hat)))
    y_hat /= np.sqrt(0.5)
    return np.asarray(y_hat, dtype=y.dtype)


def _downsample(y: np.ndarray, factor: int) -> np.ndarray:
    """librosa.resample(y, orig_sr=factor, target_sr=1, res_type='soxr_hq', scale=True)."""
    import soxr

    ratio = 1.0 / factor
    n_samples = int(np.ceil(len(y) * ratio))
    y_hat = soxr.resample(y, factor, 1, quality="soxr_hq")
    y_hat = y_hat[:n_samples]
    if len(y_hat) < n_samples:
        y_hat = np.pad(y_hat, (0, n_samples - len(y_hat)))
    y_hat /= np.sqrt(ratio)
    return np.asarray(y_hat, dtype=y.dtype)


def _response(y: np.ndarray, n_fft: int, hop: int, basis) -> np.ndarray:
    """complex64 (n_filters, n_frames): basis @ stft(y, n_fft, hop, window='ones',
    center=True, pad_mode='constant') (librosa's __cqt_response)."""
    pad = n_fft // 2
    padded = np.pad(y, (pad, pad))
    n_frames = 1 + (len(padded) - n_fft) // hop
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(n_fft, n_frames), strides=(padded.strides[0], hop * padded.strides[0]),
        writeable=False)
    stft = np.empty((n_fft // 2 + 1, n_frames), dtype=np.complex64, order="F")
    step = max(1, 2**22 // (n_fft * 8))
    for b in range(0, n_frames, step):
        stft[:, b : b + step] = np.fft.rfft(frames[:, b : b + step].astype(np.float64), axis=0)
    return np.asarray(basis.dot(stft), dtype=np.complex64)


@dataclass(frozen=True)
class CqtPlan:
    """One VQT configuration at one rate: its bins, octaves, early downsampling and pad.

    freqs: (n_bins,) Hz ascending (librosa.cqt_frequencies). ``pad``: samples at ``sr``
    a segment reaches beyond a block's frames on each side (a multiple of ``hop_length``).
    """

    sr: int
    hop_length: int
    fmin: float
    n_bins: int
    bins_per_octave: int
    gamma: float

    @property
    def freqs(self) -> np.ndarray:
        return cqt_frequencies(n_bins=self.n_bins, fmin=self.fmin,
                               bins_per_octave=self.bins_per_octave)

    @property
    def alpha(self) -> np.ndarray:
        return relative_bandwidth(self.freqs, self.bins_per_octave)

    @property
    def n_octaves(self) -> int:
        return int(np.ceil(float(self.n_bins) / self.bins_per_octave))

    def lengths(self) -> np.ndarray:
        """(n_bins,) filter lengths in samples at ``sr`` (librosa's final scaling)."""
        return wavelet_lengths(self.freqs, sr=self.sr, gamma=self.gamma, alpha=self.alpha)[0]

    def check(self) -> CqtPlan:
        """Raise ParameterError for settings librosa.vqt refuses; return self."""
        if self.n_bins < 1 or self.bins_per_octave < 1:
            raise ParameterError("cqt_n_bins and cqt_bins_per_octave must be >= 1")
        if not self.fmin > 0:
            raise ParameterError(f"cqt_fmin={self.fmin:g} Hz must be positive")
        if self.hop_length < 1:
            raise ParameterError(f"hop_length={self.hop_length} must be >= 1")
        _, cutoff = wavelet_lengths(self.freqs, sr=self.sr, gamma=self.gamma, alpha=self.alpha)
        if cutoff > self.sr / 2.0:
            raise ParameterError(
                f"the CQT's top bin reaches {cutoff:.0f} Hz, past Nyquist "
                f"({self.sr / 2:g} Hz): fewer bins or a lower fmin")
        return self

    def early_downsample(self) -> int:
        """librosa's early downsampling count (constantq.__early_downsample_count)."""
        _, cutoff = wavelet_lengths(self.freqs, sr=self.sr, gamma=self.gamma, alpha=self.alpha)
        count1 = max(0, int(np.ceil(np.log2(self.sr / 2.0 / cutoff)) - 1) - 1)
        count2 = max(0, _two_factors(self.hop_length) - self.n_octaves + 1)
        return min(count1, count2)

    def octaves(self) -> list[tuple[slice, float, int, int]]:
        """Per octave, top first: (bins slice, rate Hz, hop, samples of ``sr`` per sample)."""
        n_filters = min(self.bins_per_octave, self.n_bins)
        down = 2 ** self.early_downsample()
        rate, hop, step = self.sr / float(down), self.hop_length // down, down
        out = []
        for i in range(self.n_octaves):
            sl = slice(-n_filters, None) if i == 0 else slice(-n_filters * (i + 1),
                                                             -n_filters * i)
            out.append((sl, rate, hop, step))
            if hop % 2 == 0:
                rate, hop, step = rate / 2.0, hop // 2, step * 2
        return out

    @property
    def pad(self) -> int:
        """Samples at ``sr`` that frames of a block depend on beyond it, each side."""
        freqs, alpha = self.freqs, self.alpha
        down = 2 ** self.early_downsample()
        resampled = _RESAMPLER_REACH * down if down > 1 else 0  # the early downsampling
        reach = 0
        for sl, rate, hop, step in self.octaves():
            _, n_fft = filter_fft(rate, tuple(freqs[sl]), tuple(alpha[sl]), self.gamma)
            reach = max(reach, (n_fft // 2 + 1) * step + resampled)
            if hop % 2 == 0:
                resampled += _RESAMPLER_REACH * step  # this octave's halving
        return math.ceil(reach / self.hop_length) * self.hop_length

    def response(self, y: np.ndarray) -> np.ndarray:
        """float32 (n_bins, n_frames) |VQT| of float32 ``y`` (the whole signal, or a
        segment starting at a multiple of ``hop_length``): librosa.vqt's magnitude."""
        y = np.ascontiguousarray(y, dtype=np.float32)
        down = 2 ** self.early_downsample()
        if down > 1:
            if len(y) < down:
                raise ParameterError(f"signal of {len(y)} samples is too short for a "
                                     f"{self.n_octaves}-octave CQT")
            y = _downsample(y, down)
        freqs, alpha = self.freqs, self.alpha
        sr_early = self.sr / float(down)
        responses = []
        for sl, rate, hop, _step in self.octaves():
            basis, n_fft = filter_fft(rate, tuple(freqs[sl]), tuple(alpha[sl]), self.gamma)
            basis = basis * np.float32(np.sqrt(sr_early / rate))
            responses.append(_response(y, n_fft, hop, basis))
            if hop % 2 == 0:
                y = _halve(y)
        n_frames = min(r.shape[1] for r in responses)
        out = np.empty((self.n_bins, n_frames), dtype=np.complex64, order="F")
        end = self.n_bins
        for r in responses:
            n_oct = r.shape[0]
            if end < n_oct:
                out[:end] = r[-end:, :n_frames]
            else:
                out[end - n_oct : end] = r[:, :n_frames]
            end -= n_oct
        lengths = wavelet_lengths(freqs, sr=sr_early, gamma=self.gamma, alpha=alpha)[0]
        out /= np.sqrt(lengths)[:, np.newaxis]
        return np.abs(out)

    def blocks(self, chunks: Iterable[np.ndarray], *, block_frames: int | None = None
               ) -> Iterator[tuple[int, np.ndarray]]:
        """``(first_frame, float32 (n, n_bins) |VQT| time-major)`` per block, in order,
        from a stream of float32 signal chunks at ``sr`` (the whole signal in order);
        equal to ``response(whole signal).T`` to float32 rounding. Holds about one block
        plus two pads of signal at a time."""
        hop, pad = self.hop_length, self.pad
        size = block_frames or max(64, _BLOCK_PADS * pad // hop)
        held = np.zeros(0, dtype=np.float32)
        held_start = 0  # the signal sample held[0] is
        first = 0  # the next frame to compute
        for chunk in chunks:
            held = np.concatenate([held, np.asarray(chunk, dtype=np.float32)])
            while held_start + len(held) >= (first + size) * hop + pad:
                start = max(0, first * hop - pad)
                stop = (first + size) * hop + pad
                values = self._frames(held[start - held_start : stop - held_start],
                                      start, first, first + size)
                yield first, values
                first += size
                keep = max(0, first * hop - pad)
                held, held_start = held[keep - held_start :], keep
        start = max(0, first * hop - pad)
        segment = held[start - held_start :]
        if first == 0 or len(segment) > (first * hop - start):
            values = self._frames(segment, start, first, None)
            if len(values):
                yield first, values

    def frames_between(self, read: Callable[[int, int], np.ndarray], first: int, stop: int
                       ) -> np.ndarray:
        """float32 (stop - first, n_bins) |VQT| of frames [first, stop) from random access
        to the signal: ``read(a, b)`` gives samples [a, b) at ``sr`` (zeros past the end).
        Equal to those frames of :meth:`blocks` to float32 rounding (a segment reaching
        ``pad`` beyond them, from sample 0 when that is nearer)."""
        hop, pad = self.hop_length, self.pad
        start = max(0, first * hop - pad)
        return self._frames(read(start, stop * hop + pad), start, first, stop)

    def _frames(self, segment: np.ndarray, start: int, first: int, stop: int | None
                ) -> np.ndarray:
        """Frames [first, stop) (stop None: to the segment's end) of a segment beginning
        at signal sample ``start`` (a multiple of hop_length)."""
        if len(segment) == 0:
            return np.zeros((0, self.n_bins), dtype=np.float32)
        magnitude = self.response(segment)
        offset = start // self.hop_length
        lo = first - offset
        hi = magnitude.shape[1] if stop is None else stop - offset
        return np.ascontiguousarray(magnitude[:, lo:hi].T)


def vqt_magnitude(y: np.ndarray, *, sr: int, hop_length: int = 512, fmin: float = C1_HZ,
                  n_bins: int = 84, bins_per_octave: int = 12, gamma: float = 0.0
                  ) -> np.ndarray:
    """float32 (n_bins, n_frames) ``np.abs(librosa.vqt(y, ...))`` (gamma 0: librosa.cqt)."""
    plan = CqtPlan(sr, hop_length, fmin, n_bins, bins_per_octave, float(gamma)).check()
    return plan.response(y)
