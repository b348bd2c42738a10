"""Magnitude spectrum of a whole selection or file (the spectrum view), and its peaks.

Short ranges (<= :data:`LONG_INPUT` samples) get one FFT: the whole range times a window of
the same length, zero-padded to ``n_fft`` (default: next power of two >= n, at least 1024).
Longer ranges get Welch's average of power spectra of windowed segments of ``n_fft`` samples
(default :data:`WELCH_SEGMENT`) with 50% overlap, no detrending, trailing partial segment
dropped (as ``scipy.signal.welch``); :class:`WelchAccumulator` computes it block by block.

Scaling. ``power`` is the one-sided power spectrum as ``scipy.signal.welch(...,
scaling='spectrum', detrend=False)``: mean |X|² / (Σw)², doubled except at DC and Nyquist.
``level_db`` is the *peak amplitude* in dB re full scale: 20 log10(2|X| / Σw) (DC and
Nyquist: |X| / Σw), i.e. 10 log10 of ``power`` × 2 away from DC and Nyquist. A full-scale
sine centred on a bin reads 0 dB, a DC offset c reads 20 log10 |c|. Silence reads -200 dB.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.ndimage
import scipy.signal

from sonolens.core.errors import ParameterError
from sonolens.core.params import WINDOWS
from sonolens.core.units import DB_FLOOR
from sonolens.dsp.windows import periodic_window

LONG_INPUT = 2**20
"""More samples than this use Welch averaging instead of one FFT."""
WELCH_SEGMENT = 65536
"""Default Welch segment length (samples) = FFT size for long inputs."""
MIN_N_FFT = 1024
_BATCH_BYTES = 32 * 2**20  # segments transformed at once: bounds temporary memory


@dataclass(frozen=True)
class Spectrum:
    """One-sided spectrum: ``freqs`` (n_bins,) Hz, ``level_db`` (n_bins,) dB re full scale.

    ``power`` (n_bins,) is the scipy 'spectrum'-scaled power (full scale²); ``window_length``
    is the analysis window in samples, ``segments`` how many were averaged (1 = one FFT).
    """

    freqs: np.ndarray
    level_db: np.ndarray
    power: np.ndarray
    sr: int
    n_fft: int
    window: str
    window_length: int
    segments: int

    @property
    def bin_hz(self) -> float:
        """Spacing of the frequency bins (Hz)."""
        return self.sr / self.n_fft


def _check(sr: int, window: str, n_fft: int | None) -> None:
    if sr <= 0:
        raise ParameterError(f"sr={sr} must be a positive sample rate (Hz)")
    if window not in WINDOWS:
        raise ParameterError(f"window={window!r} is not one of {', '.join(WINDOWS)}")
    if n_fft is not None and n_fft < 2:
        raise ParameterError(f"n_fft={n_fft} must be at least 2")


def _next_pow2(n: int) -> int:
    return max(MIN_N_FFT, 1 << max(0, int(n) - 1).bit_length())


def _finish(sum_sq: np.ndarray, count: int, sr: int, n_fft: int, window: str,
            window_sum: float, window_length: int) -> Spectrum:
    """Mean |X|² of ``count`` spectra -> scaled :class:`Spectrum`."""
    power = sum_sq / (max(count, 1) * window_sum**2)
    edges = np.zeros(len(power), dtype=bool)
    edges[0] = True
    if n_fft % 2 == 0:
        edges[-1] = True
    power = np.where(edges, power, 2.0 * power)
    amplitude_sq = np.where(edges, power, 2.0 * power)
    with np.errstate(divide="ignore"):
        level = 10.0 * np.log10(amplitude_sq)
    level = np.maximum(level, DB_FLOOR)
    freqs = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    return Spectrum(freqs=freqs, level_db=level, power=power, sr=int(sr), n_fft=int(n_fft),
                    window=window, window_length=int(window_length), segments=int(count))


def _single_fft(y: np.ndarray, sr: int, window: str, n_fft: int) -> Spectrum:
    """One FFT of all of ``y`` (n,) with a length-n window, zero-padded to ``n_fft``."""
    n = len(y)
    if n == 0:
        return _finish(np.zeros(n_fft // 2 + 1), 0, sr, n_fft, window, 1.0, 0)
    w = periodic_window(window, n)
    spec = np.fft.rfft(np.asarray(y, dtype=np.float64) * w, n=n_fft)
    sum_sq = spec.real**2 + spec.imag**2
    return _finish(sum_sq, 1, sr, n_fft, window, float(w.sum()), n)


class WelchAccumulator:
    """Welch power spectrum fed with consecutive sample blocks (any sizes).

    Segments of ``n_fft`` samples start every ``n_fft - n_fft // 2`` samples; each is
    windowed, transformed and its |X|² summed, so memory stays O(n_fft). If the input ends
    before a first full segment, :meth:`result` falls back to one zero-padded FFT of it.
    """

    def __init__(self, sr: int, *, window: str = "hann", n_fft: int = WELCH_SEGMENT) -> None:
        _check(sr, window, n_fft)
        self.sr = int(sr)
        self.window = window
        self.n_fft = int(n_fft)
        self.hop = self.n_fft - self.n_fft // 2
        self._w = periodic_window(window, self.n_fft)
        self._pending = np.zeros(0)
        self._sum_sq = np.zeros(self.n_fft // 2 + 1)
        self.segments = 0
        self.samples = 0

    def add(self, block: np.ndarray) -> None:
        """Add mono samples (n,) that follow the previous block."""
        block = np.asarray(block)
        if block.ndim != 1:
            raise ParameterError(f"block must be mono (n,), got shape {block.shape}")
        self.samples += len(block)
        data = np.concatenate((self._pending, block.astype(np.float64)))
        count = 0 if len(data) < self.n_fft else 1 + (len(data) - self.n_fft) // self.hop
        batch = max(1, _BATCH_BYTES // (16 * self.n_fft))
        for first in range(0, count, batch):
            stop = min(count, first + batch)
            starts = np.arange(first, stop) * self.hop
            frames = data[starts[:, np.newaxis] + np.arange(self.n_fft)]
            spec = np.fft.rfft(frames * self._w, axis=1)
            self._sum_sq += (spec.real**2 + spec.imag**2).sum(axis=0)
        self.segments += count
        self._pending = data[count * self.hop :].copy()

    def result(self) -> Spectrum:
        """The averaged spectrum of everything added so far."""
        if self.segments == 0:
            return _single_fft(self._pending, self.sr, self.window, self.n_fft)
        return _finish(self._sum_sq, self.segments, self.sr, self.n_fft, self.window,
                       float(self._w.sum()), self.n_fft)


def magnitude_spectrum(samples: np.ndarray, sr: int, *, window: str = "hann",
                       n_fft: int | None = None) -> Spectrum:
    """Spectrum of mono ``samples`` (n,) at ``sr`` Hz, any length (see the module notes).

    ``n_fft=None``: n <= :data:`LONG_INPUT` -> one FFT padded to the next power of two
    (>= 1024); longer -> Welch with :data:`WELCH_SEGMENT`-sample segments. An explicit
    ``n_fft`` >= n pads one FFT to it; ``n_fft`` < n uses Welch segments of ``n_fft``.
    """
    _check(sr, window, n_fft)
    y = np.asarray(samples)
    if y.ndim != 1:
        raise ParameterError(f"samples must be mono (n,), got shape {y.shape}")
    n = len(y)
    if n_fft is None:
        if n <= LONG_INPUT:
            return _single_fft(y, sr, window, _next_pow2(n))
        n_fft = WELCH_SEGMENT
    if n <= n_fft:
        return _single_fft(y, sr, window, n_fft)
    acc = WelchAccumulator(sr, window=window, n_fft=n_fft)
    step = max(n_fft, 2**18)
    for first in range(0, n, step):
        acc.add(y[first : first + step])
    return acc.result()


PEAK_RANGE_DB = 60.0
"""Peaks are marked only within this many dB below the spectrum's maximum."""
PEAK_ABOVE_FLOOR_DB = 15.0
"""... and only this many dB above the local noise floor (see :func:`noise_floor`)."""
FLOOR_SPAN = 64
"""Width of the noise floor's median blocks, in bins of the window's own resolution."""
LEAKAGE_MARGIN_DB = 3.0
"""A peak must stand this far above the side lobes louder peaks may leave at its place."""
_OVERSAMPLE = 8  # window response samples per window bin (leakage envelope)
_RESPONSE_LENGTH = 4096  # longer windows are evaluated at this length (same shape)


def find_peaks(spectrum: Spectrum, max_peaks: int = 8, *, min_distance_hz: float | None = None,
               min_prominence_db: float = 6.0, range_db: float = PEAK_RANGE_DB,
               above_floor_db: float = PEAK_ABOVE_FLOOR_DB) -> list[tuple[float, float]]:
    """The meaningful spectral peaks as ``(frequency Hz, level dB)``, loudest first.

    A peak is a local maximum (``scipy.signal.find_peaks``) that

    - lies within ``range_db`` below the spectrum's maximum and ``above_floor_db`` above
      the local noise floor (:func:`noise_floor`): rounding noise, dither and the ripples of
      white noise are not peaks;
    - stands at least ``min_prominence_db`` above the lowest point separating it from any
      higher bin (scipy's prominence);
    - is the highest bin within ``min_distance_hz`` either side (default: two bins of the
      window's own resolution, 2 sr / window_length, at least one FFT bin);
    - stands :data:`LEAKAGE_MARGIN_DB` above the highest side lobe a louder peak's window
      response may leave at its place: a tone's side lobes are not peaks of their own.

    Frequency and level are interpolated between bins by fitting the window's response
    (see :func:`_refine`): a sinusoid's peak reads its amplitude wherever it falls.
    """
    if max_peaks < 1:
        return []
    level = np.asarray(spectrum.level_db, dtype=np.float64)
    if len(level) < 3:
        return []
    if min_distance_hz is None:
        min_distance_hz = 2.0 * spectrum.sr / max(spectrum.window_length, 1)
    reach = max(1, round(min_distance_hz / spectrum.bin_hz))
    height = np.maximum(level.max() - range_db, noise_floor(spectrum) + above_floor_db)
    found, _ = scipy.signal.find_peaks(level, height=height, prominence=min_prominence_db)
    highest = scipy.ndimage.maximum_filter1d(level, 2 * reach + 1, mode="constant",
                                             cval=-np.inf)
    found = found[level[found] >= highest[found]]
    peaks: list[tuple[float, float]] = []
    for index in found[np.argsort(-level[found], kind="stable")]:
        if _leakage(spectrum, peaks, float(spectrum.freqs[index])) + LEAKAGE_MARGIN_DB \
                >= level[index]:
            continue  # a side lobe of a louder peak
        peaks.append(_refine(spectrum, level, int(index)))
        if len(peaks) == max_peaks:
            break
    return peaks


def _leakage(spectrum: Spectrum, peaks: list[tuple[float, float]], hz: float) -> float:
    """Highest level (dB) the window's side lobes of ``peaks`` (Hz, dB) may reach at ``hz``."""
    if not peaks or spectrum.window_length < 1:
        return -np.inf
    envelope = _leakage_envelope(spectrum.window, min(spectrum.window_length, _RESPONSE_LENGTH))
    window_bin_hz = spectrum.sr / spectrum.window_length
    distances = np.array([abs(hz - f) for f, _ in peaks]) / window_bin_hz * _OVERSAMPLE
    grid = np.arange(len(envelope), dtype=np.float64)
    return float(np.max(np.array([lv for _, lv in peaks]) + np.interp(distances, grid,
                                                                        envelope)))


@functools.lru_cache(maxsize=32)
def _leakage_envelope(window: str, length: int) -> np.ndarray:
    """Upper envelope of the window's amplitude response (dB re its peak), sampled every
    1/_OVERSAMPLE of the window's bins from 0 to length/2 bins: at each point, the highest
    response within one window bin either side (side lobes without their nulls)."""
    w = periodic_window(window, length)
    response = np.abs(np.fft.rfft(w, n=length * _OVERSAMPLE)) / w.sum()
    db = 20.0 * np.log10(np.maximum(response, 1e-300))
    return scipy.ndimage.maximum_filter1d(db, 2 * _OVERSAMPLE + 1, mode="nearest")


def noise_floor(spectrum: Spectrum) -> np.ndarray:
    """Local noise floor (n_bins,) dB: the median level of consecutive blocks of
    :data:`FLOOR_SPAN` window-resolution bins, interpolated linearly between block centres
    (held flat beyond the first and last). A tone's main lobe fills a few bins of a block,
    so the median reads the noise (or side lobes) around it."""
    level = np.asarray(spectrum.level_db, dtype=np.float64)
    n = len(level)
    per_window_bin = spectrum.n_fft / max(spectrum.window_length, 1)
    width = int(min(n, max(3, np.ceil(FLOOR_SPAN * per_window_bin))))
    blocks = n // width
    medians = np.median(level[: blocks * width].reshape(blocks, width), axis=1)
    centres = np.arange(blocks) * width + (width - 1) / 2.0
    return np.interp(np.arange(n, dtype=np.float64), centres, medians)


def _refine(spectrum: Spectrum, level: np.ndarray, index: int) -> tuple[float, float]:
    """Peak at bin ``index`` -> (frequency Hz, level dB) of the sinusoid that best explains it.

    Fits the window's own response to the peak bin and its higher neighbour: the level
    difference of the two bins fixes the offset d (0..0.5 bin) of the true frequency, and
    the peak level is corrected by the response at d. Exact for one stationary sinusoid
    with any window (a parabola through three dB values errs by up to 0.3 dB with Hann and
    0.26 bin with flattop when the spectrum is not zero-padded); the parabola is the
    fallback when the window length is unknown.
    """
    rho = spectrum.window_length / spectrum.n_fft  # FFT bin in units of the window's bins
    if rho <= 0:
        return _parabola(level, index, spectrum.bin_hz)
    side = 1 if level[index + 1] >= level[index - 1] else -1
    drop = level[index] - level[index + side]
    response = _window_response(spectrum.window, spectrum.window_length)
    lo, hi = 0.0, 0.5
    for _ in range(40):  # g(d) = K(rho d) - K(rho (1 - d)) falls from -K(rho) to 0
        mid = 0.5 * (lo + hi)
        k_near, k_far = response(np.array([rho * mid, rho * (1.0 - mid)]))
        if k_near - k_far > drop:
            lo = mid
        else:
            hi = mid
    offset = 0.5 * (lo + hi)
    correction = response(np.array([rho * offset]))[0]
    return float((index + side * offset) * spectrum.bin_hz), float(level[index] - correction)


def _window_response(window: str, length: int) -> Callable[[np.ndarray], np.ndarray]:
    """K(delta): the window's amplitude response in dB re its peak, delta in its own bins.

    Windows longer than 4096 samples are evaluated at 4096 samples (same shape; the
    response differs by < 1e-6 dB).
    """
    m = min(length, _RESPONSE_LENGTH)
    w = periodic_window(window, m)
    n = np.arange(m)

    def response(delta: np.ndarray) -> np.ndarray:
        value = np.abs(np.exp(-2j * np.pi * np.outer(delta, n) / m) @ w) / w.sum()
        return 20.0 * np.log10(np.maximum(value, 1e-300))

    return response


def _parabola(level: np.ndarray, index: int, bin_hz: float) -> tuple[float, float]:
    """Parabolic interpolation of a peak in dB: (frequency Hz, level dB)."""
    a, b, c = level[index - 1], level[index], level[index + 1]
    denominator = a - 2.0 * b + c
    offset = 0.5 * (a - c) / denominator if denominator < 0 else 0.0
    return float((index + offset) * bin_hz), float(b - 0.25 * (a - c) * offset)
