"""Selection measurements: duration, peak/RMS level, zero-crossing count, feature statistics.

:class:`SelectionMeter` measures block by block, so a worker can measure an hour with
progress and flat memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sonolens.core.errors import ParameterError
from sonolens.core.units import amplitude_to_dbfs
from sonolens.dsp.signal import check_channel, to_mono
from sonolens.dsp.table import FeatureTable

ZC_THRESHOLD = 1e-10
"""librosa.zero_crossings' default: samples with |x| <= 1e-10 count as 0 (positive)."""

def _negative(y: np.ndarray, threshold: float) -> np.ndarray:
    """librosa's sign test: signbit after clipping |x| <= threshold to 0 (along axis 0)."""
    thr = np.asarray(threshold, dtype=y.dtype) if y.dtype.kind == "f" else threshold
    clipped = (y >= -thr) & (y <= thr)
    return np.signbit(y) & ~clipped


@dataclass(frozen=True)
class LevelMeasures:
    """Levels of one signal (a channel or the mix) over the selection.

    ``peak`` = max |x| and ``rms`` = sqrt(mean x²) in full-scale units (1.0 = 0 dBFS);
    ``*_dbfs`` are 20 log10 of them (silence: -200 dB, see ``core.units.DB_FLOOR``).
    ``zero_crossings`` = sign changes between consecutive samples, as
    ``librosa.zero_crossings(y, pad=False).sum()``: samples with |x| <= ``threshold`` count
    as 0 and 0 as positive, so 0 -> negative is a crossing and 0 -> positive is not.
    """

    peak: float
    rms: float
    peak_dbfs: float
    rms_dbfs: float
    zero_crossings: int


@dataclass(frozen=True)
class SelectionMeasures:
    """Measurements of a selection: per channel, for the mono mix, and for ``channel``."""

    sr: int
    n_samples: int
    channels: tuple[LevelMeasures, ...]
    mix: LevelMeasures
    channel: int | None = None  # which one `selected` reports; None = the mix

    @property
    def duration(self) -> float:
        """Length in seconds (n_samples / sr)."""
        return self.n_samples / self.sr

    @property
    def selected(self) -> LevelMeasures:
        """The measures of the analysed signal: ``channels[channel]``, or the mix."""
        return self.mix if self.channel is None else self.channels[self.channel]


class SelectionMeter:
    """Accumulates :class:`SelectionMeasures` over consecutive (n, channels) blocks.

    Zero crossings across block boundaries are counted, so any blocking gives the same
    result as one call on the whole range.
    """

    def __init__(self, sr: int, channels: int, *, channel: int | None = None,
                 threshold: float = ZC_THRESHOLD) -> None:
        if sr <= 0:
            raise ParameterError(f"sr={sr} must be a positive sample rate (Hz)")
        if channels < 1:
            raise ParameterError(f"channels={channels} must be at least 1")
        check_channel(channel, channels)
        self.sr = int(sr)
        self.n_channels = int(channels)
        self.channel = channel
        self.threshold = threshold
        self.n_samples = 0
        columns = channels + 1  # the channels, then the mix
        self._peak = np.zeros(columns)
        self._sum_sq = np.zeros(columns)
        self._crossings = np.zeros(columns, dtype=np.int64)
        self._last_negative: np.ndarray | None = None

    def add(self, block: np.ndarray) -> None:
        """Add float32 (n, channels) samples that follow the previous block."""
        block = np.asarray(block, dtype=np.float32)
        if block.ndim == 1 and self.n_channels == 1:
            block = block[:, np.newaxis]
        if block.ndim != 2 or block.shape[1] != self.n_channels:
            raise ParameterError(
                f"block must have shape (n, {self.n_channels}), got {block.shape}")
        if len(block) == 0:
            return
        mix = to_mono(block, None)[:, np.newaxis]
        data = np.concatenate((block, mix), axis=1)
        self._peak = np.maximum(self._peak, np.abs(data).max(axis=0))
        self._sum_sq += np.square(data, dtype=np.float64).sum(axis=0)
        negative = _negative(data, self.threshold)
        self._crossings += np.count_nonzero(negative[1:] != negative[:-1], axis=0)
        if self._last_negative is not None:
            self._crossings += self._last_negative != negative[0]
        self._last_negative = negative[-1]
        self.n_samples += len(block)

    def result(self) -> SelectionMeasures:
        """The measures of everything added so far (an empty selection: silence, 0 samples)."""
        n = self.n_samples
        levels = []
        for peak, sum_sq, crossings in zip(self._peak, self._sum_sq, self._crossings,
                                           strict=True):
            rms = math.sqrt(sum_sq / n) if n else 0.0
            levels.append(LevelMeasures(
                peak=float(peak), rms=rms, peak_dbfs=amplitude_to_dbfs(peak),
                rms_dbfs=amplitude_to_dbfs(rms), zero_crossings=int(crossings)))
        return SelectionMeasures(sr=self.sr, n_samples=n, channels=tuple(levels[:-1]),
                                 mix=levels[-1], channel=self.channel)


def feature_stats(table: FeatureTable, t0: float, t1: float) -> dict[str, tuple[float, float]]:
    """Mean and (population) std of each column over frames whose centre time is in [t0, t1].

    NaN values are ignored; a column with no finite frame there (or an empty selection)
    gives ``(nan, nan)``. Keys are the table's column names, in order.
    """
    lo, hi = min(t0, t1), max(t0, t1)
    times = np.asarray(table.times)
    inside = (times >= lo) & (times <= hi)
    stats: dict[str, tuple[float, float]] = {}
    for name, column in table.columns.items():
        values = np.asarray(column, dtype=np.float64)[inside]
        values = values[~np.isnan(values)]
        if len(values) == 0:
            stats[name] = (math.nan, math.nan)
        else:
            stats[name] = (float(values.mean()), float(values.std()))
    return stats
