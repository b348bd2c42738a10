"""Markers (instants) and regions (time spans, optionally bounded in frequency) as seen.

No source of them exists in the app yet (onsets and annotations come next): the layers are
added to views here, and the grabbed pixels are read at the columns and rows where the
instants, spans and frequency bounds must be, computed in this file from the plot area's
pixel rectangle and the time/frequency formulas (librosa's Slaney mel for a mel axis),
never through the app's own mapping helpers.
"""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.ui.views.feature_plot import FeaturePlot
from sonolens.ui.views.marker_layer import MarkersLayer
from sonolens.ui.views.region_layer import Region, RegionsLayer
from sonolens.ui.views.spectrogram_view import SpectrogramView
from tests.qt.pixels import covered, frequency_range, grab_rgb, hz_to_axis, plot_area

SPAN = (0.0, 4.0)  # seconds shown
MARKER = np.array([255, 0, 255])
REGION = np.array([0, 255, 0])
ALPHA = 60 / 255  # the regions' fill opacity (over the data)
SR, N_FFT = 22050, 2048
LABEL_STRIP = 18  # px: a region's label sits in its top line (test_annotation_labels)


def shown(qtbot, view, *layers):
    """``view`` 800 x 300 px showing SPAN with ``layers`` on top of its stack; its pixels
    (rows, columns, 3) int and plot area."""
    qtbot.addWidget(view)
    view.resize(800, 300)
    view.show()
    view.plot.getViewBox().setLimits(xMin=None, xMax=None)
    view.plot.setXRange(*SPAN, padding=0)
    for layer in layers:
        view.add_layer(layer)
    view.update_legend()
    qtbot.waitExposed(view)
    qtbot.wait(50)
    return grab_rgb(view).astype(int), plot_area(view)


def ink(pixels: np.ndarray, colour: np.ndarray, tolerance: int = 8) -> np.ndarray:
    return np.abs(pixels - colour).max(axis=-1) <= tolerance


def test_markers_are_lines_at_their_times(qtbot):
    times = np.array([3.0, 0.5, 1.25, 5.0])  # any order; 5 s lies outside the view
    layer = MarkersLayer("onsets", "Onset", "#ff00ff")
    layer.set_result(times)
    view = FeaturePlot()
    rgb, area = shown(qtbot, view, layer)
    rows = area.rows(2)
    left, _, right, _ = area.inner()
    expected = area.x_of(times[times <= SPAN[1]], *SPAN)  # pixel x of each instant
    columns = np.arange(left, right)
    lit = ink(rgb[np.ix_(rows, columns)], MARKER).mean(axis=0)  # share of rows in magenta
    drawn = columns[lit > 0.9] + 0.5  # columns crossed top to bottom
    assert len(drawn), "no marker line drawn"
    for x in expected:  # a line at each instant, through the whole plot height
        assert np.abs(drawn - x).min() <= 1.0, (x, drawn)
    for x in drawn:  # and nowhere else
        assert np.abs(expected - x).min() <= 1.0, (x, expected)
    assert np.all(lit[(np.abs(columns[:, None] + 0.5 - expected[None]) > 2).all(axis=1)] == 0)
    # the readout names the instant under the mouse, not one pixels away
    assert [p.text for p in layer.describe(1.25, None)] == ["Onset 1.250 s"]
    seconds_per_px = (SPAN[1] - SPAN[0]) / area.width
    assert layer.describe(1.25 + 10 * seconds_per_px, None) == []
    assert view.legend.names == ["Onset"]


def test_regions_span_their_times_over_the_whole_height(qtbot):
    layer = RegionsLayer("notes", "#00ff00")
    layer.set_result([Region(1.5, 2.5, label="a"), Region(3.2, 3.6, label="b")])
    view = FeaturePlot()
    rgb, area = shown(qtbot, view, layer)
    rows = area.rows(3)
    rows = rows[rows > area.top + LABEL_STRIP]  # under the labels
    left, _, right, _ = area.inner()
    columns = np.arange(left, right)
    centres = columns + 0.5
    background = np.median(rgb[np.ix_(rows, columns[:20])].reshape(-1, 3), axis=0)
    tint = np.rint(background * (1 - ALPHA) + REGION * ALPHA)  # the fill over the background
    inside = np.zeros(len(columns), dtype=bool)
    edges = []
    for t0, t1 in ((1.5, 2.5), (3.2, 3.6)):
        x0, x1 = area.x_of(t0, *SPAN), area.x_of(t1, *SPAN)
        inside |= (centres > x0 + 2) & (centres < x1 - 2)
        edges += [x0, x1]
    edges_arr = np.array(edges)
    far = np.abs(centres[:, None] - edges_arr[None]).min(axis=1) > 2
    block = rgb[np.ix_(rows, columns)]
    seen = ~covered(view, rows, columns)  # not under the axes' tick marks
    tinted = (ink(block, tint, 3) | ~seen).mean(axis=0)
    plain = (ink(block, background, 3) | ~seen).mean(axis=0)
    assert np.all(tinted[inside] > 0.99), "a region is not filled over its whole height"
    assert np.all(plain[far & ~inside] > 0.99), "something drawn outside the regions"
    edge_lit = columns[ink(block, REGION).mean(axis=0) > 0.9] + 0.5
    for x in edges_arr:  # a full-height edge line at each end of each span
        assert np.abs(edge_lit - x).min() <= 1.0, (x, edge_lit)
    assert [p.text for p in layer.describe(2.0, None)] == ["notes a"]
    assert layer.describe(3.0, None) == []
    assert view.legend.names == ["notes"]


@pytest.mark.parametrize("scale", ["linear", "mel"])
def test_regions_with_frequency_bounds_on_the_spectrogram(qtbot, scale):
    layer = RegionsLayer("calls", "#00ff00")
    layer.set_result([Region(1.0, 3.0, 2000.0, 4000.0, "call")])
    view = SpectrogramView()
    view.set_audio(SR, AnalysisParams())
    view.set_view(ViewSettings(freq_scale=scale, overlays=frozenset()))
    rgb, area = shown(qtbot, view, layer)
    lo, hi = frequency_range(scale, sr=SR, n_fft=N_FFT)
    a0, a1 = hz_to_axis(np.array([lo, hi]), scale)
    y_top, y_bottom = area.y_of(hz_to_axis(np.array([4000.0, 2000.0]), scale), a0, a1)
    x0, x1 = area.x_of(np.array([1.0, 3.0]), *SPAN)
    rows, columns = area.rows(2), area.columns(2)
    block = rgb[np.ix_(rows, columns)]
    background = np.median(rgb[np.ix_(rows, columns[:20])].reshape(-1, 3), axis=0)
    hidden = covered(view, rows, columns)  # the axes' tick marks
    tint = np.rint(background * (1 - ALPHA) + REGION * ALPHA)
    r, c = rows[:, None] + 0.5, columns[None, :] + 0.5
    inside = (r > y_top + LABEL_STRIP) & (r < y_bottom - 2) & (c > x0 + 2) & (c < x1 - 2) & ~hidden
    outside = ((r < y_top - 2) | (r > y_bottom + 2) | (c < x0 - 2) | (c > x1 + 2)) & ~hidden
    assert inside.sum() > 1000 and outside.sum() > 1000
    assert ink(block, tint, 3)[inside].mean() > 0.99, "the box is not where its Hz are"
    assert ink(block, background, 3)[outside].mean() > 0.99, "tint outside the box"
    # the bounds are edge lines too: top and bottom rows of the box
    middle = (c > x0 + 2) & (c < x1 - 2)
    lit_rows = rows[(ink(block, REGION) & middle).mean(axis=1) > 0.5 * middle.mean()] + 0.5
    for y in (y_top, y_bottom):
        assert np.abs(lit_rows - y).min() <= 1.0, (y, lit_rows)
    # the readout names the region under the mouse only inside its frequencies
    y_mid = float(hz_to_axis(3000.0, scale))
    y_above = float(hz_to_axis(6000.0, scale))
    assert [p.text for p in layer.describe(2.0, y_mid)] == ["calls call"]
    assert layer.describe(2.0, y_above) == []


def test_window_readout_and_theme_ask_added_layers(qtbot, make_main_window, tmp_path):
    """Layers added to the window's views take part in the readout (whichever view the
    mouse is over) and in the theme, with no change anywhere else."""
    from sonolens.ui.theme import PLOT_COLORS
    from tests.qt.conftest import wait_settled, write_tone

    window = make_main_window()
    window.open_path(write_tone(tmp_path / "a440.wav", freq=440.0, seconds=2.0))
    wait_settled(qtbot, window)
    onsets = MarkersLayer("onsets", "Onset", "#ff00ff")
    onsets.set_result([0.75])
    calls = RegionsLayer("calls", "#00ff00")
    calls.set_result([Region(0.5, 1.0, 300.0, 600.0, "tone")])
    window.waveform.add_layer(onsets)
    window.spectrogram_view.add_layer(calls)
    view = window.spectrogram_view
    on_tone = float(view.scale.to_axis(np.array([440.0]))[0])
    text = window.readout.text_at(view, 0.75, on_tone)
    assert "Onset 0.750 s" in text and "calls tone" in text
    assert text.index("A4") < text.index("calls tone")  # the view's own layers in order
    above = float(view.scale.to_axis(np.array([5000.0]))[0])
    assert "calls tone" not in window.readout.text_at(view, 0.75, above)
    over_waveform = window.readout.text_at(window.waveform, 0.75, 0.0)
    assert "Onset 0.750 s" in over_waveform and "calls tone" in over_waveform
    window.actions.theme_light.trigger()  # every layer restyles; markers keep their colour
    assert window.waveform.curves[0].opts["pen"].color().name() == PLOT_COLORS["light"].curves[0]
    assert onsets.item in window.waveform.plot.items and onsets.color == "#ff00ff"
