"""The splash shown while the window is built: on screen, naming the file, gone with the
window (read from its pixels)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from sonolens.ui.splash import HEIGHT, WIDTH, show_splash


def _pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3]
    return data[..., ::-1].astype(int)  # BGRA -> RGB


def test_splash_shows_the_file_and_goes_with_the_window(qtbot):
    splash = show_splash("/some/where/field recording.flac")
    qtbot.addWidget(splash)
    assert splash.isVisible()
    rgb = _pixels(splash)
    assert rgb.shape[1] >= WIDTH and rgb.shape[0] >= HEIGHT
    assert tuple(rgb[2, 2]) == (0x1F, 0x24, 0x30)  # the dark background
    text = rgb[30 * rgb.shape[0] // HEIGHT: 104 * rgb.shape[0] // HEIGHT,
               120 * rgb.shape[1] // WIDTH:]
    assert (text.min(axis=-1) > 200).sum() > 100  # light title and file name drawn there
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    splash.finish(window)
    qtbot.waitUntil(lambda: not splash.isVisible(), timeout=5000)
