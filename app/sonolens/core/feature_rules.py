"""Rules between features that several layers apply, stated once (what a feature is
computed and drawn with is its catalog entry's ``needs``: ``CATALOG.with_needs``).

- Spectral contrast uses librosa's octave bands from ``fmin``; only the bands whose lower
  edge lies below Nyquist can be computed (:func:`contrast_bands_below_nyquist`).
"""

from __future__ import annotations


def contrast_bands_below_nyquist(*, sr: float, fmin: float, n_bands: int) -> int:
    """How many of the ``n_bands`` octave bands from ``fmin`` (Hz) start below Nyquist.

    librosa's contrast has ``n_bands + 1`` bands with lower edges 0, fmin, 2 fmin, ...,
    fmin * 2**(n_bands - 1); it raises when one passes Nyquist (``sr / 2``). The result is
    the largest ``n_bands`` librosa accepts for ``sr`` (0..n_bands); band ``k`` (0-based)
    can be computed only when ``k <= result``, and Sonolens leaves the others empty (NaN).
    """
    edges = [0.0] + [fmin * 2.0**k for k in range(n_bands)]
    return sum(1 for edge in edges if edge < sr / 2) - 1
