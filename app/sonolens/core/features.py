"""The default feature names, derived from the catalog (DESIGN §7, librosa's names).

``FEATURES``: the default features in CSV column order (``sonolens extract`` without
``--features``); opt-in features (``CATALOG.names`` minus these) are named explicitly.
"""

from __future__ import annotations

from sonolens.core.catalog import CATALOG
from sonolens.core.notes import PITCH_CLASSES

__all__ = ["CONTRAST_NOTE_PREFIX", "FEATURES", "PITCH_CLASSES"]

#: The default per-frame features, in the column order of ``sonolens extract``.
FEATURES: tuple[str, ...] = CATALOG.default_names

#: How the warning about spectral-contrast bands that could not be computed begins (the
#: window shows it only while the contrast view is on screen).
CONTRAST_NOTE_PREFIX = "spectral contrast:"
