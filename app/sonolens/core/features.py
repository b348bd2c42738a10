"""Feature names and the columns each one produces (DESIGN §7, librosa's names)."""

from __future__ import annotations

from sonolens.core.notes import PITCH_CLASSES

#: Every per-frame feature, in the column order of ``sonolens extract``.
FEATURES: tuple[str, ...] = (
    "rms",
    "zero_crossing_rate",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "spectral_contrast",
    "chroma",
    "mfcc",
)


def feature_columns(feature: str, *, n_mfcc: int = 20, contrast_bands: int = 6) -> list[str]:
    """Column names of one feature, e.g. ``mfcc`` -> ``mfcc_1 .. mfcc_20``."""
    if feature == "spectral_contrast":
        return [f"spectral_contrast_{i}" for i in range(1, contrast_bands + 2)]
    if feature == "chroma":
        return [f"chroma_{name}" for name in PITCH_CLASSES]
    if feature == "mfcc":
        return [f"mfcc_{i}" for i in range(1, n_mfcc + 1)]
    if feature in FEATURES:
        return [feature]
    raise KeyError(feature)

#: How the warning about spectral-contrast bands that could not be computed begins (the
#: window shows it only while the contrast view is on screen).
CONTRAST_NOTE_PREFIX = "spectral contrast:"
