"""Where a spectrogram's energy is: the top of the frequency range worth showing.

Each row's level over time is summarised by a high percentile (steady partials count,
a few broadband clicks do not); the content ends at the highest row whose summary lies
within ``within_db`` of the loudest row's; a margin is added and the result rounded up
to a quarter of its decade (4.35 kHz -> 4.5 kHz, 22 kHz -> 22.5 kHz), never above the
top of the axis.
"""

from __future__ import annotations

import math

import numpy as np

PERCENTILE = 90.0  # of each row's levels over time
WITHIN_DB = 60.0  # rows this far below the loudest row's summary are empty
MARGIN = 1.08  # the top shown is this factor above the content's top (then rounded up)
MIN_TOP_HZ = 100.0  # never a narrower range than this


def to_db(values: np.ndarray, unit: str, db: bool) -> np.ndarray:
    """Stored values in dB (float32): dB kinds as they are, powers 10 log10, amplitudes
    20 log10."""
    if db:
        return np.asarray(values, dtype=np.float32)
    floor = np.maximum(np.asarray(values, dtype=np.float32), np.float32(1e-20))
    return (10.0 if unit == "power" else 20.0) * np.log10(floor)


def row_profile(levels_db: np.ndarray, percentile: float = PERCENTILE) -> np.ndarray:
    """(n_rows, n_columns) dB -> (n_rows,) the ``percentile`` of each row over time
    (non-finite values ignored; an empty row is -inf)."""
    levels = np.where(np.isfinite(levels_db), levels_db, np.float32(-np.inf))
    if levels.shape[1] == 0:
        return np.full(levels.shape[0], -np.inf)
    k = min(levels.shape[1] - 1, math.ceil(percentile / 100.0 * levels.shape[1]) - 1)
    return np.partition(levels, max(0, k), axis=1)[:, max(0, k)]


def content_top(levels_db: np.ndarray, freqs: np.ndarray,
                within_db: float = WITHIN_DB) -> float | None:
    """The highest frequency (Hz, of ``freqs`` (n_rows,) ascending) whose row summary is
    within ``within_db`` of the loudest row's; None when nothing is finite."""
    profile = row_profile(levels_db)
    if not np.isfinite(profile).any():
        return None
    loud = np.flatnonzero(profile >= np.max(profile) - within_db)
    return float(freqs[loud[-1]])


def nice_ceiling(hz: float) -> float:
    """``hz`` rounded up to a multiple of a quarter of its decade: 4345 -> 4500,
    22000 -> 22500, 870 -> 875."""
    if not (math.isfinite(hz) and hz > 0):
        return hz
    step = 10.0 ** math.floor(math.log10(hz)) / 4.0
    return math.ceil(hz / step - 1e-9) * step


def fitted_top(levels_db: np.ndarray, freqs: np.ndarray, axis_top: float,
               within_db: float = WITHIN_DB) -> float:
    """The top frequency (Hz) to show: the content's top × MARGIN, rounded up nicely,
    between MIN_TOP_HZ and ``axis_top`` (the full range when no content is found)."""
    top = content_top(levels_db, freqs, within_db)
    if top is None:
        return float(axis_top)
    return float(min(axis_top, max(MIN_TOP_HZ, nice_ceiling(top * MARGIN))))
