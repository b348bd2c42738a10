"""Reassigned energy accumulated into a view's pixel grid, and the job that computes it.

A reassigned bin (time t s, frequency f Hz, magnitude m) puts its power m**2 into the
pixel whose time column and frequency row contain (t, f): columns split [t0, t1] evenly,
rows split [f0, f1] evenly on the view's frequency axis (linear Hz, log10 Hz or Slaney
mel, as :class:`~sonolens.dsp.scales.FrequencyScale`). A value on the upper edge falls
in the last row/column (as ``np.histogram2d``); NaN and out-of-range bins are dropped.
The image is ``10 * log10(max(energy, 1e-10))`` dB (``power_to_db(ref=1.0)``), float32
(n_rows, n_cols), row 0 the lowest frequency.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from sonolens.audio.protocol import Playable
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.dsp.framing import FrameBlock, frame_count
from sonolens.dsp.reassigned import make_reassign_plan
from sonolens.dsp.scales import FrequencyScale
from sonolens.dsp.signal import analysis_segment

AMIN_POWER = 1e-10  # librosa.power_to_db default: the floor of empty pixels
MAX_FRAMES = 40_000  # longest range computed for the view (~15 min at 22.05 kHz, hop 512)
CHUNK_FRAMES = 512  # frames per step of the job (a cancel checkpoint; ~10 MB at n_fft 2048)


@dataclass(frozen=True)
class PixelGrid:
    """[t0, t1] s in ``n_cols`` columns, [f0, f1] Hz in ``n_rows`` rows on ``scale``'s
    axis ("linear", "log" or "mel")."""

    t0: float
    t1: float
    n_cols: int
    f0: float
    f1: float
    n_rows: int
    scale: str = "linear"

    def __post_init__(self) -> None:
        if self.n_cols < 1 or self.n_rows < 1:
            raise ParameterError(f"grid {self.n_rows}x{self.n_cols} must have pixels")
        if not self.t1 > self.t0:
            raise ParameterError(f"t1={self.t1} must be greater than t0={self.t0}")
        FrequencyScale(self.scale, self.f0, self.f1)  # validates the frequency range


def accumulate(freqs: np.ndarray, times: np.ndarray, mags: np.ndarray, grid: PixelGrid,
               out: np.ndarray | None = None) -> np.ndarray:
    """Add the power of reassigned bins (any equal shapes) into ``out`` (float64
    (n_rows, n_cols), zeros if None) and return it."""
    if out is None:
        out = np.zeros((grid.n_rows, grid.n_cols))
    f = np.asarray(freqs, dtype=np.float64).ravel()
    t = np.asarray(times, dtype=np.float64).ravel()
    keep = (f >= grid.f0) & (f <= grid.f1) & (t >= grid.t0) & (t <= grid.t1)
    if not keep.any():
        return out
    f, t = f[keep], t[keep]
    power = np.square(np.asarray(mags, dtype=np.float64).ravel()[keep])
    scale = FrequencyScale(grid.scale, grid.f0, grid.f1)
    a0, a1 = scale.axis_range
    rows = np.floor((scale.to_axis(f) - a0) * (grid.n_rows / (a1 - a0))).astype(np.intp)
    cols = np.floor((t - grid.t0) * (grid.n_cols / (grid.t1 - grid.t0))).astype(np.intp)
    np.clip(rows, 0, grid.n_rows - 1, out=rows)
    np.clip(cols, 0, grid.n_cols - 1, out=cols)
    flat = np.bincount(rows * grid.n_cols + cols, weights=power,
                       minlength=grid.n_rows * grid.n_cols)
    out += flat.reshape(grid.n_rows, grid.n_cols)
    return out


def to_db(energy: np.ndarray) -> np.ndarray:
    """``power_to_db(energy, ref=1.0, amin=1e-10, top_db=None)`` as float32."""
    return (10.0 * np.log10(np.maximum(AMIN_POWER, energy))).astype(np.float32)


def reassigned_image(freqs: np.ndarray, times: np.ndarray, mags: np.ndarray,
                     grid: PixelGrid) -> np.ndarray:
    """dB float32 (n_rows, n_cols) of the reassigned energy in ``grid``."""
    return to_db(accumulate(freqs, times, mags, grid))


def frames_for(grid: PixelGrid, *, sr: int, n_fft: int, hop_length: int, n_frames: int
               ) -> tuple[int, int]:
    """Frames [first, stop) whose energy can land in ``grid``'s time span: those centred
    within half a window of it (reassignment rarely moves energy further)."""
    reach = n_fft / 2 / sr
    first = max(0, math.floor((grid.t0 - reach) * sr / hop_length))
    stop = min(n_frames, math.ceil((grid.t1 + reach) * sr / hop_length) + 1)
    return first, max(first, stop)


def range_image(source: Playable, params: AnalysisParams, sr: int, grid: PixelGrid,
                n_samples: int) -> Generator[Progress, None, np.ndarray]:
    """The reassigned dB image of ``source``'s analysis signal (``params``' channel at
    ``sr`` Hz, ``n_samples`` long) in ``grid``, computed CHUNK_FRAMES frames at a time
    (Progress after each: cancel checkpoints). Raises ParameterError past MAX_FRAMES."""
    p = params
    plan = make_reassign_plan(p, sr)
    n_frames = frame_count(n_samples, n_fft=p.n_fft, hop_length=p.hop_length)
    first, stop = frames_for(grid, sr=sr, n_fft=p.n_fft, hop_length=p.hop_length,
                             n_frames=n_frames)
    if stop - first > MAX_FRAMES:
        raise ParameterError(f"{stop - first} frames is more than the {MAX_FRAMES} a "
                             "reassigned image is computed for")
    energy = np.zeros((grid.n_rows, grid.n_cols))
    pad = p.n_fft // 2
    duration = n_samples / float(sr)
    for chunk in range(first, stop, CHUNK_FRAMES):
        chunk_stop = min(stop, chunk + CHUNK_FRAMES)
        segment = analysis_segment(source, chunk * p.hop_length - pad,
                                   (chunk_stop - 1) * p.hop_length - pad + p.n_fft,
                                   sr=sr, channel=p.channel)
        block = FrameBlock(start=chunk, n_frames=chunk_stop - chunk, segment=segment,
                           n_fft=p.n_fft, hop_length=p.hop_length, signal_begin=pad,
                           signal_end=None)
        values = plan.compute(block, duration)
        accumulate(values.freqs, values.times, values.mags, grid, out=energy)
        yield Progress(chunk_stop - first, stop - first, "reassigned")
    return to_db(energy)
