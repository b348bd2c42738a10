"""STFT windows, equal to ``librosa.filters.get_window(window, win_length, fftbins=True)``.

Written here (ports of scipy.signal.windows' formulas) because importing scipy.signal costs
about a second of start-up; a unit test checks they equal scipy's arrays exactly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sonolens.core.params import WINDOWS

_COSINE_TERMS: dict[str, tuple[float, ...]] = {
    "hann": (0.5, 0.5),
    "hamming": (0.54, 1.0 - 0.54),
    "blackman": (0.42, 0.50, 0.08),
    "blackmanharris": (0.35875, 0.48829, 0.14128, 0.01168),
    "flattop": (0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368),
}


def periodic_window(name: str, length: int) -> np.ndarray:
    """The periodic (``fftbins=True``) window ``name`` of ``length`` samples, float64."""
    scipy_name = WINDOWS[name]
    if length == 1:
        return np.ones(1)
    m = length + 1  # periodic = symmetric of length+1, last sample dropped
    if scipy_name == "boxcar":
        return np.ones(length)
    if scipy_name == "bartlett":
        n = np.arange(0, m)
        w = np.where(np.less_equal(n, (m - 1) / 2.0), 2.0 * n / (m - 1), 2.0 - 2.0 * n / (m - 1))
        return w[:-1]
    fac = np.linspace(-np.pi, np.pi, m)
    w = np.zeros(m)
    for k, a in enumerate(_COSINE_TERMS[scipy_name]):
        w += a * np.cos(k * fac)
    return w[:-1]


@lru_cache(maxsize=32)
def stft_window(name: str, win_length: int, n_fft: int) -> np.ndarray:
    """The analysis window centred in ``n_fft`` samples (zeros outside), float64 (n_fft,).

    Read-only and cached: the same array serves every block.
    """
    w = periodic_window(name, win_length)
    left = (n_fft - win_length) // 2
    out = np.zeros(n_fft)
    out[left : left + win_length] = w
    out.setflags(write=False)
    return out
