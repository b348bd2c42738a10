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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

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


def welch_blocks(blocks: Iterable[np.ndarray], sr: int, *, window: str = "hann",
                 n_fft: int = WELCH_SEGMENT,
                 progress: Callable[[int], object] | None = None) -> Spectrum:
    """Welch spectrum of mono float blocks (n,) streamed in order.

    ``progress(samples_so_far)`` is called after each block (a worker reports and may raise
    to cancel).
    """
    acc = WelchAccumulator(sr, window=window, n_fft=n_fft)
    for block in blocks:
        acc.add(block)
        if progress is not None:
            progress(acc.samples)
    return acc.result()


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


def find_peaks(spectrum: Spectrum, max_peaks: int = 8, *, min_distance_hz: float | None = None,
               min_prominence_db: float = 6.0) -> list[tuple[float, float]]:
    """The highest spectral peaks as ``(frequency Hz, level dB)``, loudest first.

    A peak is a bin higher than its left neighbour and not lower than its right one, the
    highest within ``min_distance_hz`` either side (default: two bins of the window's own
    resolution, 2 sr / window_length, at least one FFT bin), and standing at least
    ``min_prominence_db`` above the lowest point separating it from any higher bin (scipy's
    prominence). Frequency and level are interpolated between bins by fitting the window's
    response (see :func:`_refine`): a sinusoid's peak reads its amplitude wherever it falls.
    """
    if max_peaks < 1:
        return []
    level = np.asarray(spectrum.level_db, dtype=np.float64)
    if len(level) < 3:
        return []
    bin_hz = spectrum.bin_hz
    if min_distance_hz is None:
        min_distance_hz = 2.0 * spectrum.sr / max(spectrum.window_length, 1)
    reach = max(1, round(min_distance_hz / bin_hz))
    inner = level[1:-1]
    local = np.flatnonzero((inner > level[:-2]) & (inner >= level[2:])) + 1
    local = local[_is_window_max(level, local, reach)]
    peaks: list[tuple[float, float]] = []
    for index in local[np.argsort(-level[local], kind="stable")]:
        if not _prominent(level, int(index), min_prominence_db):
            continue
        peaks.append(_refine(spectrum, level, int(index)))
        if len(peaks) == max_peaks:
            break
    return peaks


def _is_window_max(level: np.ndarray, candidates: np.ndarray, reach: int) -> np.ndarray:
    """Whether each candidate bin is the maximum of level[i - reach : i + reach + 1]."""
    return level[candidates] >= _running_max(level, reach)[candidates]


def _running_max(x: np.ndarray, reach: int) -> np.ndarray:
    """max(x[i - reach : i + reach + 1]) for every i, in O(n) (van Herk / Gil-Werman)."""
    width = 2 * reach + 1
    n = len(x)
    blocks = -(-(n + 2 * reach) // width)
    padded = np.full(blocks * width, -np.inf)
    padded[reach : reach + n] = x
    tiles = padded.reshape(blocks, width)
    prefix = np.maximum.accumulate(tiles, axis=1).ravel()
    suffix = np.maximum.accumulate(tiles[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(n)  # window i covers padded[i : i + width]
    return np.maximum(suffix[starts], prefix[starts + width - 1])


def _prominent(level: np.ndarray, index: int, prominence: float) -> bool:
    """Whether both sides dip ``prominence`` dB below the peak before a higher bin.

    Walks outward in growing chunks, so a peak costs about its own width, not the spectrum's.
    """
    top = level[index]
    floor = top - prominence
    for side in (level[index - 1 :: -1], level[index + 1 :]):
        first, size, dipped = 0, 64, False
        while first < len(side) and not dipped:
            chunk = side[first : first + size]
            hits = np.flatnonzero((chunk > top) | (chunk <= floor))
            if len(hits):
                if chunk[hits[0]] > top:
                    return False
                dipped = True
            first, size = first + size, size * 4
        if not dipped:
            return False
    return True


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
    m = min(length, 4096)
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
