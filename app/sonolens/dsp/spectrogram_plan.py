"""A spectrogram kind at one rate: its window and rows, and its values from STFT frames.

Per frame (same ``y`` as librosa.load, exact float64 FFT rounded to complex64), the
kind's catalog entry names its rows ("fft" bins or "mel" bands) and the kernel of
``dsp/spectrogram_kinds.py`` that turns |X| into its values.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.dsp.filterbanks import fft_frequencies, mel_filterbank, mel_frequencies
from sonolens.dsp.framing import FrameBlock
from sonolens.dsp.stft import magnitude_block
from sonolens.dsp.windows import stft_window


@dataclass(frozen=True)
class SpectrogramPlan:
    """One kind at one rate: the constant arrays every block shares.

    freqs: (n_rows,) Hz, ascending: FFT bin frequencies, or mel band centres for mel_db.
    """

    kind: str
    sr: int
    params: AnalysisParams
    window: np.ndarray
    freqs: np.ndarray
    mel: np.ndarray | None
    values: Callable[..., np.ndarray] | None  # the kind's kernel (dsp.spectrogram_kinds)
    uses_power: bool = True
    own: Any = None  # a kind computing its own frames (catalog ``blocks``), else None

    @property
    def own_frames(self) -> bool:
        """Whether the kind's frames come from the signal (``own.blocks``), not the STFT."""
        return self.own is not None

    @property
    def n_rows(self) -> int:
        return len(self.freqs)

    def compute(self, block: FrameBlock) -> np.ndarray:
        """float32 (n_frames, n_rows) values of the block's frames (time-major)."""
        if self.values is None:
            raise ValueError(f"kind {self.kind!r} computes its own frames (own.blocks)")
        magnitude, power = magnitude_block(block.frames(), self.window)
        if self.uses_power:
            return self.values(None, power, self)
        return self.values(magnitude, None, self)

    def from_magnitude(self, magnitude: np.ndarray, power: np.ndarray | None = None
                       ) -> np.ndarray:
        """Values from an exact STFT's |X| (n_frames, n_bins) float32 (and |X|^2 if known).

        Lets the feature engine share its STFT with the display spectrogram.
        """
        if self.values is None:
            raise ValueError(f"kind {self.kind!r} computes its own frames (own.blocks)")
        return self.values(magnitude, power, self)

    def pooled_from_magnitude(self, magnitude: np.ndarray, power: np.ndarray | None,
                              first: int, k: int) -> PooledFrames | np.ndarray:
        """:meth:`from_magnitude` of frames [first, first + n) max-pooled over the store's
        groups of ``k`` frames ([g*k, (g+1)*k), cut at the block's ends): the kind's
        monotonic finish (the log) runs once per pooled column, not per frame. Kinds
        without a pooled form (or k = 1): the per-frame values."""
        from sonolens.dsp.pooling import pool_rows
        from sonolens.dsp.spectrogram_kinds import POOLED

        parts = POOLED.get(self.values) if k > 1 else None
        if parts is None:
            return self.from_magnitude(magnitude, power)
        linear, finish = parts
        values = linear(magnitude, power, self)
        head = min(len(values), (-first) % k)  # frames finishing the group before
        columns = []
        if head:
            columns.append(values[:head].max(axis=0, keepdims=True))
        if len(values) > head:
            columns.append(pool_rows(values[head:], k, np.maximum))
        pooled = np.concatenate(columns) if len(columns) > 1 else columns[0]
        if finish is not None:
            pooled = finish(pooled)
        return PooledFrames(first, len(values), k, np.asarray(pooled, dtype=np.float32))


@dataclass(frozen=True)
class PooledFrames:
    """Values of frames [first, first + n_frames) max-pooled over groups [g*k, (g+1)*k):
    ``columns`` float32 (m, n_rows), the first and last possibly from part of a group."""

    first: int
    n_frames: int
    k: int
    columns: np.ndarray

    def counts(self) -> np.ndarray:
        """How many of the block's frames each column holds, int (m,)."""
        edges = np.arange((self.first // self.k + 1) * self.k, self.first + self.n_frames,
                          self.k)
        bounds = np.concatenate(([self.first], edges, [self.first + self.n_frames]))
        return np.diff(bounds)


def make_spectrogram_plan(params: AnalysisParams, kind: str, sr: int) -> SpectrogramPlan:
    """Validate ``params`` and ``kind`` for ``sr`` (Hz) and precompute window and rows."""
    params.validate()
    params.validate_for_rate(sr)
    names = [k.name for k in CATALOG.kinds]
    if kind not in names:
        raise ParameterError(f"kind={kind!r} is not one of {', '.join(names)}")
    entry = CATALOG.kind(kind)
    window = stft_window(params.window, params.frame_length, params.n_fft)
    mel = None
    own = None
    if entry.blocks:
        module, function = entry.blocks.split(":")
        make = getattr(importlib.import_module(f"sonolens.dsp.{module}"), function)
        own = make(params, sr)
        freqs = own.freqs
    elif entry.rows == "mel":
        fmax = float(sr) / 2 if params.fmax is None else float(params.fmax)
        mel = mel_filterbank(sr=sr, n_fft=params.n_fft, n_mels=params.n_mels,
                             fmin=params.fmin, fmax=params.fmax)
        freqs = mel_frequencies(params.n_mels + 2, fmin=params.fmin, fmax=fmax)[1:-1]
    else:
        freqs = fft_frequencies(sr=sr, n_fft=params.n_fft)
    freqs = np.asarray(freqs, dtype=np.float64)
    freqs.setflags(write=False)
    values = None
    if entry.kernel:
        module, function = entry.kernel.split(":")
        values = getattr(importlib.import_module(f"sonolens.dsp.{module}"), function)
    return SpectrogramPlan(kind, sr, params, window, freqs, mel, values, entry.power, own)
