"""Time-frequency reassigned spectrogram, in blocks of frames, equal to librosa.

A port of ``librosa.reassigned_spectrogram`` (librosa/core/spectrum.py, with
``center=True``, ``pad_mode="constant"``, both reassignments and a number ``ref_power``):
three STFTs of the same frames with the window h, the time-weighted window t·h and the
window's cyclic derivative dh/dt, then (Flandrin, Auger & Chassande-Mottin 2002, eq. 5.20
and 5.23)

- ``freqs = bin_freq - imag(S_dh / S_h) * sr / (2 pi)``  (Hz)
- ``times = frame_time + real(S_th / S_h) / sr``  (s)
- ``mags = |S_h|``

Bins with ``mags < sqrt(ref_power)`` get NaN frequency and time (or the bin frequency and
frame time with ``fill_nan``); ``clip`` clips frequencies to [0, sr/2] and times to
[0, duration]. Each STFT is librosa's arithmetic (float64 FFT rounded to complex64,
:func:`~sonolens.dsp.stft.stft_block`) and the corrections repeat its float32 steps, so a
frame's values do not depend on the block it is computed in.

Inside blocks arrays are frames-major, (n_frames, n_bins); :func:`reassigned_spectrogram`
returns librosa's (n_bins, n_frames).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.dsp.filterbanks import fft_frequencies
from sonolens.dsp.framing import FRAMES_PER_BLOCK, FrameBlock, frame_blocks
from sonolens.dsp.stft import stft_block
from sonolens.dsp.windows import stft_window

REF_POWER = 1e-6  # librosa's default power threshold


def cyclic_gradient(data: np.ndarray) -> np.ndarray:
    """``librosa.util.cyclic_gradient(data, edge_order=1)`` of a 1-D array."""
    padded = np.pad(data, (1, 1), mode="wrap")
    return np.gradient(padded, edge_order=1)[1:-1]


def time_weights(n_fft: int) -> np.ndarray:
    """Sample offsets from the window centre, as librosa's ``__reassign_times`` (n_fft,)."""
    half = n_fft // 2
    if n_fft % 2:
        return np.arange(-half, half + 1)
    return np.arange(0.5 - half, half)


@dataclass(frozen=True)
class ReassignedBlock:
    """Frames ``[start, start + n)``: ``freqs`` Hz and ``times`` s float64, ``mags``
    float32, each (n, n_bins) frames-major; NaN freqs/times below the power threshold."""

    start: int
    freqs: np.ndarray
    times: np.ndarray
    mags: np.ndarray


@dataclass(frozen=True)
class ReassignPlan:
    """The three windows and the constants every block shares (:func:`make_reassign_plan`)."""

    sr: int
    n_fft: int
    hop_length: int
    window: np.ndarray  # h, float64 (n_fft,)
    window_dh: np.ndarray  # dh/dt (cyclic gradient)
    window_th: np.ndarray  # t * h
    bin_freqs: np.ndarray  # (n_bins,) Hz
    ref_power: float = REF_POWER
    clip: bool = True
    fill_nan: bool = False

    @property
    def n_bins(self) -> int:
        return len(self.bin_freqs)

    def compute(self, block: FrameBlock, duration: float | None) -> ReassignedBlock:
        """Reassigned values of the block's frames; ``duration``: the signal's length in s
        (the upper clip of times), or None when not known yet (see :meth:`clip_times`)."""
        frames = block.frames()
        s_h = stft_block(frames, self.window)
        s_dh = stft_block(frames, self.window_dh)
        s_th = stft_block(frames, self.window_th)
        sr = self.sr
        with np.errstate(invalid="ignore", divide="ignore"):
            freq_correction = -np.imag(s_dh / s_h)
            time_correction = np.real(s_th / s_h)
        freqs = self.bin_freqs[np.newaxis, :] + freq_correction * (0.5 * sr / np.pi)
        frame_times = np.arange(block.start, block.start + block.n_frames) * self.hop_length
        frame_times = frame_times / float(sr)
        times = frame_times[:, np.newaxis] + time_correction / sr
        mags = np.abs(s_h)
        if self.ref_power > 0:
            low = np.less(mags, self.ref_power**0.5)
            freqs[low] = np.nan
            times[low] = np.nan
        if self.fill_nan:
            freqs = np.where(np.isnan(freqs), self.bin_freqs[np.newaxis, :], freqs)
            times = np.where(np.isnan(times), frame_times[:, np.newaxis], times)
        if self.clip:
            np.clip(freqs, 0, sr / 2.0, out=freqs)
            np.maximum(times, 0, out=times)
            if duration is not None:
                np.minimum(times, duration, out=times)
        return ReassignedBlock(block.start, freqs, times, mags)

    def clip_times(self, times: np.ndarray, duration: float) -> np.ndarray:
        """Times clipped to ``duration`` s (in place) when ``clip``: for blocks computed
        before the signal's length was known."""
        if self.clip:
            np.minimum(times, duration, out=times)
        return times


def make_reassign_plan(params: AnalysisParams, sr: int, *, ref_power: float = REF_POWER,
                       clip: bool = True, fill_nan: bool = False) -> ReassignPlan:
    """The plan for ``params`` (n_fft, hop_length, win_length, window) at ``sr`` Hz."""
    params.validate()
    if not ref_power >= 0:
        raise ParameterError(f"ref_power={ref_power} must be non-negative")
    window = np.asarray(stft_window(params.window, params.frame_length, params.n_fft))
    return ReassignPlan(
        sr=int(sr), n_fft=params.n_fft, hop_length=params.hop_length, window=window,
        window_dh=cyclic_gradient(window), window_th=window * time_weights(params.n_fft),
        bin_freqs=fft_frequencies(sr=sr, n_fft=params.n_fft), ref_power=float(ref_power),
        clip=clip, fill_nan=fill_nan)


def reassigned_spectrogram(
    y: np.ndarray, *, sr: int, n_fft: int = 2048, hop_length: int | None = None,
    win_length: int | None = None, window: str = "hann", ref_power: float = REF_POWER,
    fill_nan: bool = False, clip: bool = True, frames_per_block: int = FRAMES_PER_BLOCK,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``librosa.reassigned_spectrogram(y, sr=sr, ...)`` of mono float32 ``y``, computed
    ``frames_per_block`` frames at a time: (freqs Hz, times s, mags), each
    (1 + n_fft//2, n_frames) as librosa's (freqs and times float64, mags float32)."""
    win = n_fft if win_length is None else win_length
    hop = win // 4 if hop_length is None else hop_length
    params = AnalysisParams(n_fft=n_fft, hop_length=hop, win_length=win_length,
                            window=window)
    plan = make_reassign_plan(params, sr, ref_power=ref_power, clip=clip, fill_nan=fill_nan)
    y = np.asarray(y, dtype=np.float32)
    duration = len(y) / float(sr)
    blocks = [plan.compute(block, duration) for block in frame_blocks(
        [y], n_fft=n_fft, hop_length=hop, frames_per_block=frames_per_block)]
    if not blocks:
        empty = np.zeros((plan.n_bins, 0))
        return empty, empty.copy(), empty.astype(np.float32)
    return tuple(np.concatenate([getattr(b, name) for b in blocks]).T  # type: ignore[return-value]
                 for name in ("freqs", "times", "mags"))
