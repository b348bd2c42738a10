"""Feature names and their columns, as derived from the catalog (DESIGN §7, librosa's names).

``FEATURES``: the default features in CSV column order (``sonolens extract`` without
``--features``); opt-in features (``CATALOG.names`` minus these) are named explicitly.
"""

from __future__ import annotations

from sonolens.core.catalog import CATALOG
from sonolens.core.notes import PITCH_CLASSES
from sonolens.core.params import AnalysisParams

__all__ = ["CONTRAST_NOTE_PREFIX", "FEATURES", "PITCH_CLASSES", "feature_columns"]

#: The default per-frame features, in the column order of ``sonolens extract``.
FEATURES: tuple[str, ...] = CATALOG.default_names


def feature_columns(feature: str, *, n_mfcc: int = 20, contrast_bands: int = 6) -> list[str]:
    """Column names of one feature, e.g. ``mfcc`` -> ``mfcc_1 .. mfcc_20``."""
    params = AnalysisParams(n_mfcc=n_mfcc, contrast_bands=contrast_bands)
    return list(CATALOG.columns(feature, params))


#: How the warning about spectral-contrast bands that could not be computed begins (the
#: window shows it only while the contrast view is on screen).
CONTRAST_NOTE_PREFIX = "spectral contrast:"
