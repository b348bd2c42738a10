"""Rules between features that several layers apply, stated once.

- The bandwidth band is drawn as centroid -/+ bandwidth / 2 (Hz), so showing
  ``spectral_bandwidth`` needs ``spectral_centroid`` too (:data:`DRAWN_WITH`).
- Spectral contrast uses librosa's octave bands from ``fmin``; only the bands whose lower
  edge lies below Nyquist can be computed (:func:`contrast_bands_below_nyquist`).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

#: Feature -> the features it is drawn with (besides itself).
DRAWN_WITH: Mapping[str, tuple[str, ...]] = {"spectral_bandwidth": ("spectral_centroid",)}


def with_needed(features: Iterable[str]) -> set[str]:
    """``features`` and the features they are drawn with (bandwidth brings the centroid)."""
    wanted = set(features)
    for name in tuple(wanted):
        wanted.update(DRAWN_WITH.get(name, ()))
    return wanted


def can_draw(feature: str, columns: Container[str]) -> bool:
    """Whether ``columns`` hold ``feature`` and every feature it is drawn with."""
    return feature in columns and all(name in columns for name in DRAWN_WITH.get(feature, ()))


def contrast_bands_below_nyquist(*, sr: float, fmin: float, n_bands: int) -> int:
    """How many of the ``n_bands`` octave bands from ``fmin`` (Hz) start below Nyquist.

    librosa's contrast has ``n_bands + 1`` bands with lower edges 0, fmin, 2 fmin, ...,
    fmin * 2**(n_bands - 1); it raises when one passes Nyquist (``sr / 2``). The result is
    the largest ``n_bands`` librosa accepts for ``sr`` (0..n_bands); band ``k`` (0-based)
    can be computed only when ``k <= result``, and Sonolens leaves the others empty (NaN).
    """
    edges = [0.0] + [fmin * 2.0**k for k in range(n_bands)]
    return sum(1 for edge in edges if edge < sr / 2) - 1
