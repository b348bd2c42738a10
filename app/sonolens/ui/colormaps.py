"""Colormaps by name (from the ``cmap`` package) as pyqtgraph ColorMaps."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph as pg

# Fully namespaced so cmap never warns about ambiguous aliases.
_CMAP_NAMES = {
    "magma": "bids:magma",
    "inferno": "bids:inferno",
    "viridis": "bids:viridis",
    "gray": "matlab:gray",
    "coolwarm": "matplotlib:coolwarm",
}


@lru_cache(maxsize=16)
def colormap(name: str) -> pg.ColorMap:
    """A 256-entry pyqtgraph ColorMap for one of ``core.view_settings.COLORMAPS``."""
    from cmap import Colormap

    lut = Colormap(_CMAP_NAMES.get(name, name)).lut(256)
    colors = np.clip(np.rint(lut * 255), 0, 255).astype(np.uint8)
    return pg.ColorMap(np.linspace(0.0, 1.0, len(colors)), colors, name=name)
