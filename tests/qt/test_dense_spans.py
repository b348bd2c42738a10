"""Thousands of visible spans are drawn as one raster (ui.views.spans_raster): read back in
pixels, every span's columns are tinted or edged and nothing is drawn between them;
boxes keep to their band."""

from __future__ import annotations

import numpy as np

from sonolens.ui.views.feature_plot import FeaturePlot
from sonolens.ui.views.marker_layer import MarkersLayer
from sonolens.ui.views.region_layer import Region, RegionsLayer
from tests.qt.pixels import covered, plot_area
from tests.qt.test_seen_layers import SPAN, shown

N = 300  # spans in one second of SPAN: well beyond the exact path's limit


def test_many_spans_are_where_they_are(qtbot):
    starts = np.concatenate([np.linspace(0.5, 1.0, N // 2), np.linspace(2.5, 3.0, N // 2)])
    layer = RegionsLayer("dense", "#00ff00")
    layer.set_result([Region(t, t + 0.002) for t in starts])
    view = FeaturePlot()
    rgb, area = shown(qtbot, view, layer)
    rows = area.rows(3)
    left, _, right, _ = area.inner()
    columns = np.arange(left, right)
    seen = ~covered(view, rows, columns)
    background = np.median(rgb[np.ix_(rows, columns[:10])].reshape(-1, 3), axis=0)
    changed = np.abs(rgb[np.ix_(rows, columns)] - background).max(axis=-1) > 3
    share = (changed & seen).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    xa = plot_area(view).x_of(starts, *SPAN)
    xb = plot_area(view).x_of(starts + 0.002, *SPAN)
    centre = columns + 0.5
    dist = np.minimum(np.abs(centre[:, None] - xa[None]), np.abs(centre[:, None] - xb[None]))
    inside = ((centre[:, None] >= xa[None]) & (centre[:, None] <= xb[None])).any(axis=1)
    near = inside | (dist.min(axis=1) < 0.5)
    far = ~inside & (dist.min(axis=1) > 1.5) & (seen.mean(axis=0) > 0.5)
    assert near.sum() > 100 and far.sum() > 300
    assert share[near].min() > 0.95, "a span is missing"
    assert share[far].max() < 0.02, "drawn between the spans"


def test_many_instants_are_lines(qtbot):
    times = np.linspace(1.0, 2.0, 300)
    layer = MarkersLayer("dense", "Dense", "#ff00ff")
    layer.set_result(times)
    view = FeaturePlot()
    rgb, area = shown(qtbot, view, layer)
    rows = area.rows(3)
    left, _, right, _ = area.inner()
    columns = np.arange(left, right)
    seen = ~covered(view, rows, columns)
    magenta = (np.abs(rgb[np.ix_(rows, columns)] - np.array([255, 0, 255])).max(axis=-1) <= 8)
    lit = (magenta | ~seen).mean(axis=0) > 0.95
    none = (~magenta | ~seen).mean(axis=0) > 0.99
    x = area.x_of(times, *SPAN)
    centre = columns + 0.5
    dist = np.abs(centre[:, None] - x[None]).min(axis=1)
    assert (dist <= 0.5).sum() > 100 and (dist > 1.5).sum() > 300
    assert lit[dist <= 0.5].all(), "an instant has no line"
    assert none[dist > 1.5].all(), "a line where there is no instant"
