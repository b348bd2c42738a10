"""The window icon: resources/sonolens.svg drawn by QtSvg at any size."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from sonolens.ui.qt_setup import app_icon


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return rows.reshape(height, stride)[:, : width * 4].reshape(height, width, 4).copy()


def test_icon_renders_from_the_svg_at_small_and_large_sizes(qapp):
    icon = app_icon()
    assert not icon.isNull()
    for size in (32, 256):
        rgba = pixels(icon.pixmap(size, size).toImage())
        assert rgba.shape[:2] == (size, size)
        assert rgba[0, 0, 3] == 0, "the rounded corners are transparent"
        assert rgba[size // 2, size // 2, 3] == 255, "the middle is opaque"
        opaque = rgba[rgba[..., 3] == 255][:, :3]
        colours = len(np.unique(opaque.astype(np.uint32) @ np.array([65536, 256, 1])))
        assert colours > (20 if size == 32 else 200), colours  # gradients, not a flat blob
