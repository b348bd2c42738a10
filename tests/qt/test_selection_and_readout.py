"""Selecting time ranges with the mouse, the cursor, and the hover readout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.qt.conftest import wait_settled, write_rich, write_tone
from tests.qt.mouse import click, drag, hover


@pytest.fixture
def opened(qtbot, make_main_window, tmp_path: Path):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "rich.wav", seconds=3.0))
    wait_settled(qtbot, window)
    return window


def test_drag_selects_on_every_view_and_edges_edit_it(qtbot, opened):
    window = opened
    drag(window.spectrogram_view, 0.5, 1.5, 2000.0)
    sel = window.document.selection
    assert sel is not None
    assert sel[0] == pytest.approx(0.5, abs=0.02) and sel[1] == pytest.approx(1.5, abs=0.02)
    for region in window.markers.regions:
        assert region.isVisible()
        assert region.getRegion() == pytest.approx(sel)
    # dragging an edge (programmatically, as the region item does) updates the document
    window.markers.regions[0].setRegion((0.25, 1.5))
    assert window.document.selection[0] == pytest.approx(0.25)
    assert window.markers.regions[2].getRegion()[0] == pytest.approx(0.25)
    # the waveform selects too
    drag(window.waveform, 2.0, 2.6, 0.0)
    assert window.document.selection == pytest.approx((2.0, 2.6), abs=0.02)
    window.actions.clear_selection.trigger()
    assert window.document.selection is None
    assert not any(r.isVisible() for r in window.markers.regions)


def test_shift_drag_pans_instead_of_selecting(qtbot, opened):
    window = opened
    window.waveform.plot.setXRange(1.0, 2.0, padding=0)
    from PySide6.QtCore import Qt

    drag(window.spectrogram_view, 1.6, 1.2, 2000.0, modifiers=Qt.KeyboardModifier.ShiftModifier)
    (t0, t1), _ = window.waveform.plot.getViewBox().viewRange()
    assert window.document.selection is None
    assert t0 == pytest.approx(1.4, abs=0.05) and t1 == pytest.approx(2.4, abs=0.05)


def test_click_sets_cursor_and_clears_selection(qtbot, opened):
    window = opened
    window.document.set_selection((0.2, 0.4))
    click(window.spectrogram_view, 1.25, 3000.0)
    assert window.document.cursor == pytest.approx(1.25, abs=0.02)
    assert window.document.selection is None
    assert all(line.value() == pytest.approx(1.25, abs=0.02) for line in window.markers.cursors)


def test_readout_shows_time_frequency_note_value_and_features(qtbot, make_main_window,
                                                              tmp_path):
    window = make_main_window()
    window.document.set_view(window.document.view.replace(
        overlays=frozenset({"spectral_centroid"})))
    window.open_path(write_tone(tmp_path / "a440.wav", freq=440.0, seconds=2.0))
    wait_settled(qtbot, window)
    view = window.spectrogram_view
    y = float(view.scale.to_axis(np.array([440.0]))[0])
    text = window.readout.update_from_scene(view, view.viewbox.mapViewToScene(
        __import__("PySide6.QtCore", fromlist=["QPointF"]).QPointF(1.0, y)))
    assert "1.000 s" in text
    assert "A4" in text
    assert "Hz" in text and "dB (re max)" in text
    value = float(text.split("dB (re max)")[0].split()[-1])
    assert value > -6.0  # on the tone: near the maximum
    table = window.document.features
    frame = round(float(1.0 / (table.times[1] - table.times[0])))
    centroid = table.columns["spectral_centroid"][frame]
    assert f"Centroid {centroid:.4g} Hz" in text
    assert "RMS" in text
    # a real mouse move reaches the label (throttled through a SignalProxy)
    hover(view, 0.5, y)
    qtbot.waitUntil(lambda: window.readout_label.text().startswith("0.5"), timeout=3000)
    assert " Hz " in window.readout_label.text()  # a pixel is ~30 Hz here: no exact note
