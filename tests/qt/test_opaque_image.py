"""OpaqueImageItem colours float images exactly as pyqtgraph's ImageItem does."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from sonolens.ui.colormaps import colormap
from sonolens.ui.views.opaque_image import OpaqueImageItem


def _rgb(item: pg.ImageItem) -> np.ndarray:
    """(h, w, 3) uint8 colours of the item's rendered QImage."""
    item.render()
    image = item.qimage.convertToFormat(QImage.Format.Format_RGB32)
    return pg.functions.ndarray_from_qimage(image)[..., 2::-1].copy()  # BGRA -> RGB


@pytest.mark.parametrize("name", ["magma", "viridis", "gray"])
def test_colours_match_pyqtgraph(qapp, name: str) -> None:
    rng = np.random.default_rng(3)
    data = rng.uniform(-100.0, 10.0, size=(57, 91)).astype(np.float32)
    data[0, :5] = [-80.0, 0.0, -40.0, -80.0 - 1e-4, 1e9]  # the levels, between, outside
    lut = colormap(name).getLookupTable(nPts=256)
    ours, theirs = OpaqueImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setLookupTable(lut)
        item.setImage(data, autoLevels=False, levels=(-80.0, 0.0))
    assert np.array_equal(_rgb(ours), _rgb(theirs))
    assert ours.qimage.format() == QImage.Format.Format_RGB32  # the fast path was taken


def test_nan_images_fall_back_to_pyqtgraph(qapp) -> None:
    data = np.zeros((4, 6), dtype=np.float32)
    data[1, 2] = np.nan
    item = OpaqueImageItem(axisOrder="row-major")
    item.setLookupTable(colormap("magma").getLookupTable(nPts=256))
    item.setImage(data, autoLevels=False, levels=(-1.0, 1.0))
    item.render()
    assert item.qimage.format() != QImage.Format.Format_RGB32
    assert item.qimage.pixelColor(2, 1).alpha() == 0  # NaN stays transparent


def test_equal_levels_and_a_new_table(qapp) -> None:
    data = np.full((3, 3), 5.0, dtype=np.float32)
    ours, theirs = OpaqueImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for lut_name in ("magma", "viridis"):
        for item in (ours, theirs):
            item.setLookupTable(colormap(lut_name).getLookupTable(nPts=256))
            item.setImage(data, autoLevels=False, levels=(5.0, 5.0))
        assert np.array_equal(_rgb(ours), _rgb(theirs))


def test_a_table_edited_in_place_shows_its_new_colours(qapp) -> None:
    data = np.linspace(0.0, 1.0, 64, dtype=np.float32).reshape(4, 16)
    lut = colormap("viridis").getLookupTable(nPts=256)
    ours, theirs = OpaqueImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setLookupTable(lut)
        item.setImage(data, autoLevels=False, levels=(0.0, 1.0))
    before = _rgb(ours)
    lut[:] = 255 - lut  # the same array object, new colours
    for item in (ours, theirs):
        item.updateImage()
    assert not np.array_equal(_rgb(ours), before)
    assert np.array_equal(_rgb(ours), _rgb(theirs))
