"""The variable-Q wavelet filter basis: a port of librosa's ``filters.wavelet`` and the
FFT basis of ``librosa.vqt`` (``core/constantq.py: __vqt_filter_fft``), librosa 0.11.

Same arithmetic and dtypes as librosa (filters built in float64, cast to complex64,
FFT'd, sparsified), so a block's response equals librosa's to float32 rounding; a unit
test holds it equal (tests/unit/test_cqt.py).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from sonolens.core.errors import ParameterError

# scipy.signal / scipy.sparse are imported where used: the window imports this module for
# the axis (cqt_frequencies), and scipy.signal costs ~1 CPU-s at start-up

#: librosa.filters.WINDOW_BANDWIDTHS["hann"]: the Hann window's equivalent noise bandwidth
HANN_BANDWIDTH = 1.50018310546875


def cqt_frequencies(*, n_bins: int, fmin: float, bins_per_octave: int) -> np.ndarray:
    """(n_bins,) Hz: ``fmin * 2**(k / bins_per_octave)`` (librosa.cqt_frequencies)."""
    ratios = 2.0 ** (np.arange(n_bins, dtype=np.float64) / bins_per_octave)
    return fmin * ratios


def relative_bandwidth(freqs: np.ndarray, bins_per_octave: int) -> np.ndarray:
    """(n,) alpha of each frequency (librosa.filters._relative_bandwidth; a single
    frequency: constantq.__et_relative_bw)."""
    if len(freqs) == 1:
        r = 2 ** (1 / bins_per_octave)
        return np.atleast_1d((r**2 - 1) / (r**2 + 1))
    bpo = np.empty_like(freqs)
    logf = np.log2(freqs)
    bpo[0] = 1 / (logf[1] - logf[0])
    bpo[-1] = 1 / (logf[-1] - logf[-2])
    bpo[1:-1] = 2 / (logf[2:] - logf[:-2])
    return (2.0 ** (2 / bpo) - 1) / (2.0 ** (2 / bpo) + 1)


def wavelet_lengths(freqs: np.ndarray, *, sr: float, gamma: float, alpha: np.ndarray
                    ) -> tuple[np.ndarray, float]:
    """((n,) filter lengths in samples at ``sr``, cutoff Hz) as librosa.filters.wavelet_lengths
    with a Hann window and filter_scale 1."""
    q = 1.0 / alpha
    cutoff = float(max(freqs * (1 + 0.5 * HANN_BANDWIDTH / q) + 0.5 * gamma))
    return q * sr / (freqs + gamma / alpha), cutoff


def _float_hann(n: float) -> np.ndarray:
    """librosa's ``__float_window("hann")``: periodic Hann of floor(n), zero-padded to ceil(n)."""
    import scipy.signal

    n_min, n_max = int(np.floor(n)), int(np.ceil(n))
    window = scipy.signal.get_window("hann", n_min, fftbins=True)
    if len(window) < n_max:
        window = np.pad(window, [(0, n_max - len(window))], mode="constant")
    window[n_min:] = 0.0
    return window


def _wavelet(freqs: np.ndarray, *, sr: float, gamma: float, alpha: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """(complex64 (n, 2**k) filters centred and padded, (n,) lengths): librosa.filters.wavelet
    with norm=1, pad_fft=True, Hann window."""
    lengths, _ = wavelet_lengths(freqs, sr=sr, gamma=gamma, alpha=alpha)
    filters = []
    for ilen, freq in zip(lengths, freqs, strict=True):
        angles = np.arange(-ilen // 2, ilen // 2, dtype=float) * 2 * np.pi * freq / sr
        sig = np.cos(angles) + 1j * np.sin(angles)
        sig *= _float_hann(len(sig))
        sig = sig / np.sum(np.abs(sig))  # librosa.util.normalize(norm=1)
        filters.append(sig)
    max_len = int(2.0 ** (np.ceil(np.log2(max(lengths)))))
    padded = []
    for filt in filters:
        lpad = (max_len - len(filt)) // 2
        padded.append(np.pad(filt, (lpad, max_len - len(filt) - lpad)))
    return np.asarray(padded, dtype=np.complex64), lengths


def _sparsify_rows(x: np.ndarray, quantile: float) -> Any:
    """librosa.util.sparsify_rows: drop each row's smallest values holding ``quantile`` of
    its L1 norm (complex64 scipy.sparse CSR)."""
    import scipy.sparse

    mags = np.abs(x)
    norms = np.sum(mags, axis=1, keepdims=True)
    mag_sort = np.sort(mags, axis=1)
    cumulative = np.cumsum(mag_sort / norms, axis=1)
    threshold = np.argmin(cumulative < quantile, axis=1)
    kept = scipy.sparse.lil_matrix(x.shape, dtype=np.complex64)
    for i, j in enumerate(threshold):
        idx = np.where(mags[i] >= mag_sort[i, j])
        kept[i, idx] = x[i, idx]
    return kept.tocsr()


@functools.lru_cache(maxsize=64)
def filter_fft(sr: float, freqs: tuple[float, ...], alphas: tuple[float, ...], gamma: float,
               sparsity: float = 0.01) -> tuple[Any, int]:
    """(complex64 CSR (n, n_fft // 2 + 1) FFT basis, n_fft) of one octave's filters at
    ``sr`` Hz: librosa's ``__vqt_filter_fft`` (norm 1, Hann, filter_scale 1)."""
    f = np.asarray(freqs, dtype=np.float64)
    alpha = np.asarray(alphas, dtype=np.float64)
    basis, lengths = _wavelet(f, sr=sr, gamma=gamma, alpha=alpha)
    n_fft = basis.shape[1]
    basis *= lengths[:, np.newaxis] / float(n_fft)
    fft_basis = np.fft.fft(basis, n=n_fft, axis=1)[:, : (n_fft // 2) + 1]
    return _sparsify_rows(fft_basis, sparsity), n_fft


def check_cqt(*, sr: float, fmin: float, n_bins: int, bins_per_octave: int, gamma: float
              ) -> None:
    """Raise ParameterError when the filters would pass Nyquist (as librosa.vqt does)."""
    freqs = cqt_frequencies(n_bins=n_bins, fmin=fmin, bins_per_octave=bins_per_octave)
    alpha = relative_bandwidth(freqs, bins_per_octave)
    _, cutoff = wavelet_lengths(freqs, sr=sr, gamma=gamma, alpha=alpha)
    if cutoff > sr / 2.0:
        raise ParameterError(
            f"CQT bins reach {cutoff:.0f} Hz, past Nyquist ({sr / 2:g} Hz) at {sr} Hz: "
            "fewer bins (cqt_n_bins) or a lower cqt_fmin")
