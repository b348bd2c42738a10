"""Chroma tuning, as ``librosa.estimate_tuning(S=power)`` but gathered block by block.

Pass 1 keeps only the spectral peaks (pitch, magnitude) that librosa's ``piptrack`` finds
between 150 Hz and 4 kHz; :func:`estimate` then applies librosa's global median threshold
and histogram. Peak arithmetic repeats librosa's float32/float64 steps so the tuning is equal.

Peaks are librosa's ``util.localmax`` (``x[i] > x[i-1] and x[i] >= x[i+1]``), vectorised over
a block. ``scipy.signal.find_peaks`` is not used: it is 1-D only, takes a flat peak's middle
instead of its left edge and skips a plateau that rises again, so its peaks (and then the
tuning) differ from librosa's on flat-topped spectra (tests/unit/test_tuning_peaks.py).
"""

from __future__ import annotations

import numpy as np

from sonolens.dsp.filterbanks import tuning_bins, tuning_from_bins

FMIN = 150.0
FMAX = 4000.0
THRESHOLD = 0.1


class TuningPeaks:
    """Collects piptrack peaks of successive power blocks (n_frames, n_bins) float32."""


    def __init__(self, *, sr: float, n_fft: int) -> None:
        self.sr = sr
        self.n_fft = n_fft
        freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
        fmax = min(FMAX, float(sr) / 2)
        inside = np.flatnonzero((freqs >= FMIN) & (freqs < fmax))
        self._lo = int(inside[0]) if len(inside) else 0
        self._hi = int(inside[-1]) + 1 if len(inside) else 0
        self._n_bins = len(freqs)
        self._bins: list[np.ndarray] = []  # int16 histogram bin per peak (-1: no pitch)
        self._mags: list[np.ndarray] = []

    def add(self, found: tuple[np.ndarray, np.ndarray] | None) -> None:
        """Keep the (histogram bins, mags) that :meth:`find` returned for one block."""
        if found is not None:
            self._bins.append(found[0])
            self._mags.append(found[1])

    def find(self, power: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Peaks of one block of power spectra: (int16 tuning bins, float32 mags), or None.

        Pure (thread-safe); pass the result to :meth:`add` in block order.
        """
        if self._hi <= self._lo:
            return None
        lo, hi = self._lo, self._hi
        ref = THRESHOLD * power.max(axis=1, keepdims=True)
        mid = power[:, lo:hi]
        # localmax of the spectrum zeroed at or below ref, on the raw values: a peak lies
        # above ref, and then above its left neighbour and >= its right one whether or not
        # they were zeroed (a zeroed one lies below it either way). Bin 0 is never a peak;
        # the last bin only has a left neighbour.
        is_peak = np.greater(mid, ref)
        if lo > 0:
            is_peak &= mid > power[:, lo - 1 : hi - 1]
        else:
            is_peak[:, 0] = False
            is_peak[:, 1:] &= mid[:, 1:] > power[:, lo : hi - 1]
        if hi < self._n_bins:
            is_peak &= mid >= power[:, lo + 1 : hi + 1]
        else:
            is_peak[:, :-1] &= mid[:, :-1] >= power[:, lo + 1 : hi]
        # row-major as np.nonzero, ~4x faster on 2-D
        rows, cols = np.divmod(np.flatnonzero(is_peak), hi - lo)
        if len(rows) == 0:
            return None
        bins = cols + self._lo
        s0 = power[rows, bins]
        sl = power[rows, bins - 1]
        sr_ = power[rows, np.minimum(bins + 1, self._n_bins - 1)]
        # librosa's parabolic-interpolation stencil (numba promotes to float64)
        a = (sr_ + sl).astype(np.float64) - 2 * s0.astype(np.float64)
        b = (sr_ - sl).astype(np.float64) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.where(np.abs(b) >= np.abs(a), 0.0, -b / a).astype(np.float32)
        avg = (sr_ - sl) / 2.0  # np.gradient's interior formula, float32
        dskew = 0.5 * avg * shift
        pitches = ((bins + shift) * float(self.sr) / self.n_fft).astype(np.float32)
        return tuning_bins(pitches), (s0 + dskew).astype(np.float32)

    def estimate(self) -> float:
        """librosa's tuning estimate (fraction of a semitone, resolution 0.01).

        Peaks at or above the median magnitude of all pitched peaks vote in the histogram.
        """
        if not self._bins:
            return 0.0
        bins = np.concatenate(self._bins)
        mags = np.concatenate(self._mags)
        keep = bins >= 0
        if not keep.any():
            return 0.0
        threshold = np.median(mags[keep])
        return tuning_from_bins(bins[(mags >= threshold) & keep])

