"""The reassigned kind as seen: picked in the settings panel, a linear chirp's ridge lies on
the line f(t) the test computes, and fewer rows are lit per column than in the plain dB view.

Pixels come from ``grab()`` of the spectrogram view; pixel x -> seconds and Hz -> pixel y
from the plot area's pixel rectangle and the view's range (a linear axis), colour levels
from the colormap's own table (tests.qt.pixels): never the app's mapping helpers.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtWidgets import QComboBox

from sonolens.core.view_settings import ViewSettings
from tests.qt.pixels import (
    colormap_table,
    grab_rgb,
    open_window,
    plot_area,
    table_index,
    view_range,
    wait_until,
)
from tests.qt.test_presets_window import choose

# the offscreen platform cannot raise a combo's popup or grab the keyboard for it
pytestmark = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing",
                                       "propagateSizeHints", extend=True)

SR, SECONDS = 22050, 2.0
F0, RATE = 500.0, 2000.0  # f(t) = F0 + RATE * t Hz
EDGE_S = 0.15  # columns this close to either end hold zero padding / clipped times
LIT = 160  # magma table index: within ~30 dB of the image's maximum (db_range 80)


def chirp_hz(t: np.ndarray) -> np.ndarray:
    return F0 + RATE * t


@pytest.fixture(scope="module")
def chirp_window(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reassigned_view")
    t = np.arange(int(SR * SECONDS)) / SR
    y = 0.5 * np.sin(2 * np.pi * (F0 * t + RATE / 2 * t**2))
    sf.write(folder / "chirp.wav", y.astype(np.float32), SR, subtype="FLOAT")
    with open_window(folder / "settings" / "s.ini", folder / "chirp.wav",
                     ViewSettings(overlays=frozenset(), kind="db")) as window:
        window.sessions.ask_unsaved = lambda: "discard"  # never a modal question on close
        yield window


def look(window) -> dict:
    """Per steady pixel column: its time, the expected ridge y, the brightest row and how
    many rows are lit."""
    view = window.spectrogram_view
    rgb = grab_rgb(view)
    area = plot_area(view)
    (t0, t1), (y0, y1) = view_range(view)
    rows, cols = area.rows(0), area.columns(2)
    index, dist = table_index(rgb[np.ix_(rows, cols)], colormap_table("magma"))
    assert np.median(dist) <= 2, "the plot shows colours outside the colormap"
    t = area.value_at_x(cols + 0.5, t0, t1)
    keep = (t > EDGE_S) & (t < SECONDS - EDGE_S)
    index = index[:, keep]
    return {"t": t[keep], "expected_y": area.y_of(chirp_hz(t[keep]), y0, y1),
            "brightest_y": rows[np.argmax(index, axis=0)] + 0.5,
            "lit": (index >= LIT).sum(axis=0)}


def test_picked_reassigned_ridge_is_on_the_chirp_line_and_sharper(chirp_window, qtbot):
    window = chirp_window
    plain = look(window)
    combo = window.settings_panel.findChild(QComboBox, "kind")
    assert combo is not None
    choose(qtbot, combo, "Reassigned")  # open the list, click the item
    assert combo.currentData() == "reassigned"
    wait_until(lambda: window.document.view.kind == "reassigned" and window.is_settled()
               and window.reassigned.layer.drawn is not None)
    sharp = look(window)
    assert len(sharp["t"]) > 200
    # the ridge: within 2 px of the line in (nearly) every column
    off = np.abs(sharp["brightest_y"] - sharp["expected_y"])
    assert np.quantile(off, 0.95) <= 2.0, f"ridge off the line by {np.quantile(off, 0.95)} px"
    # sharper: fewer lit rows per column than the plain dB view of the same chirp
    assert np.all(plain["lit"] >= 1) and np.all(sharp["lit"] >= 1)
    assert np.median(sharp["lit"]) * 3 <= np.median(plain["lit"]), (
        f"lit rows per column: reassigned {np.median(sharp['lit'])}, "
        f"plain {np.median(plain['lit'])}")
    # the plain view's ridge is on the line too (the expectation itself is right)
    assert np.quantile(np.abs(plain["brightest_y"] - plain["expected_y"]), 0.95) <= 3.0


def test_too_long_a_range_shows_the_plain_image_and_says_to_zoom_in(chirp_window,
                                                                      monkeypatch):
    window = chirp_window
    layer = window.reassigned.layer
    window.document.set_view(window.document.view.replace(kind="reassigned"))
    wait_until(lambda: window.is_settled() and layer.drawn is not None)
    monkeypatch.setattr("sonolens.ui.views.reassigned_layer.MAX_FRAMES", 30)
    window.spectrogram_view.redraw()
    wait_until(window.is_settled)
    assert "zoom in" in layer.message and layer.text.isVisible()
    assert not layer.item.isVisible()
    assert np.median(look(window)["lit"]) >= 3  # the plain (blurred) columns show
    window.spectrogram_view.plot.setXRange(0.8, 1.0, padding=0)  # 0.2 s: ~9 frames
    wait_until(lambda: window.is_settled() and layer.drawn is not None
               and layer.drawn.grid.t0 >= 0.75)
    assert not layer.message and layer.item.isVisible()
