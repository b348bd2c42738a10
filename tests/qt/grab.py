"""Reading what a view shows: its grabbed pixels and where its plot area lies on them."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QImage


def image_rgb(image: QImage) -> np.ndarray:
    """uint8 (height, width, 3) pixels of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return rows.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def grab_rgb(widget) -> np.ndarray:
    """uint8 (height, width, 3): the widget painted now, in device pixels."""
    return image_rgb(widget.grab().toImage())


def plot_rect(view) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels of a TimeView's plot area in its grab (right and
    bottom exclusive): the pixels wholly inside Qt's geometry of the view box."""
    ratio = view.devicePixelRatioF()
    rect = view.viewportTransform().mapRect(view.viewbox.sceneBoundingRect())
    return (math.ceil(rect.left() * ratio - 1e-6), math.ceil(rect.top() * ratio - 1e-6),
            math.floor(rect.right() * ratio + 1e-6), math.floor(rect.bottom() * ratio + 1e-6))
