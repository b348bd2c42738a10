"""Controls stay readable in each theme: an unchecked check box's outline stands out from
the background it sits on (measured on the drawn pixels of a check box in the window)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton

MIN_CONTRAST = 60  # luminance levels of 255 between the outline and the background


def luminance(widget) -> tuple[np.ndarray, float]:
    """The widget as drawn: (height, width) Rec. 709 luminance 0..255, and its pixel ratio."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, stride)
    rgb = rows[:, : width * 3].reshape(height, width, 3).astype(np.float64)
    return rgb @ np.array([0.2126, 0.7152, 0.0722]), image.devicePixelRatio()


def indicator_contrast(box: QCheckBox) -> tuple[float, float]:
    """(median |outline - background|, median |outline - inside|) luminance of the box's
    indicator: its outermost pixel ring (corners left out) against the background two
    pixels above and below it and against the fill just inside the ring."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    lum, dpr = luminance(box)
    left, top = round(rect.left() * dpr), round(rect.top() * dpr)
    right, bottom = round((rect.right() + 1) * dpr) - 1, round((rect.bottom() + 1) * dpr) - 1
    xs, ys = np.arange(left + 2, right - 1), np.arange(top + 2, bottom - 1)
    outline = np.concatenate([lum[top, xs], lum[bottom, xs], lum[ys, left], lum[ys, right]])
    outside = [row for row in (top - 2, bottom + 2) if 0 <= row < lum.shape[0]]
    assert outside, "no background row above or below the indicator"
    background = np.median(np.concatenate([lum[row, xs] for row in outside]))
    inside = np.median(lum[top + 3 : bottom - 2, left + 3 : right - 2])
    return (float(np.median(np.abs(outline - background))),
            float(np.median(np.abs(outline - inside))))


@pytest.mark.parametrize("look", ["dark", "light"])
def test_unchecked_check_box_outline_is_visible(qtbot, make_main_window, look):
    window = make_main_window()
    getattr(window.actions, f"theme_{look}").trigger()
    assert window.theme == look
    QApplication.processEvents()  # widgets take the new palette from posted events
    boxes = [b for b in window.settings_panel.findChildren(QCheckBox) if not b.isChecked()]
    assert boxes, "the settings panel has no unchecked check box"
    for box in (boxes[0], window.spectrum_panel.log_axis):
        box.setChecked(False)
        against_background, against_inside = indicator_contrast(box)
        assert against_background >= MIN_CONTRAST, (look, box.text(), against_background)
        assert against_inside >= MIN_CONTRAST, (look, box.text(), against_inside)
