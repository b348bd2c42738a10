"""The poly_features lower view as seen: chosen in the window, computed then (it is opt-in),
slope drawn on the left axis and offset on its own right axis, each curve at the height
its librosa value has on that axis's drawn labels."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.core.view_settings import ViewSettings
from tests.qt.pixels import (
    axis_labels,
    covered,
    grab_rgb,
    open_window,
    pen_rgb,
    plot_area,
    show_view,
    view_range,
    write_changing,
)

COLUMNS = ("poly_features_slope", "poly_features_offset")


@pytest.fixture(scope="module")
def poly(qapp, tmp_path_factory):
    """(window showing the poly view, librosa's (2, n_frames) poly features)."""
    folder = tmp_path_factory.mktemp("seen_poly")
    audio = write_changing(folder / "changing.wav")
    y, sr = sf.read(audio, dtype="float32")
    want = librosa.feature.poly_features(S=np.abs(librosa.stft(y)), sr=sr, order=1)
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        assert "poly_features_slope" not in window.document.features.columns  # opt-in
        show_view(window, lower_view="poly")
        yield window, want


def test_choosing_the_view_computes_the_feature(poly):
    window, want = poly
    table = window.document.features
    assert window.lower.currentWidget() is window.feature_plot
    assert list(window.feature_plot.curves) == list(COLUMNS)
    assert "rms" in table.columns  # the default features are still there
    for row, name in enumerate(COLUMNS):
        got = table.columns[name][: want.shape[1]]
        scale = float(np.abs(want[row]).max())
        assert float(np.abs(got - want[row]).max()) <= 1e-4 * scale, name


def _linear_labels(view, axis) -> tuple[float, float]:
    """(slope, intercept) of pixel y against the value, from the axis's drawn labels."""
    labels = axis_labels(view, axis)
    assert len(labels) >= 2, [label.text for label in labels]  # a short axis: 0 and 5
    values = np.array([float(label.text.replace("\u2212", "-")) for label in labels])
    ys = np.array([label.y for label in labels])
    slope, intercept = np.polyfit(values, ys, 1)
    assert np.abs(slope * values + intercept - ys).max() <= 1.0, "labels off a linear scale"
    assert slope < 0, "larger values must be drawn higher up"
    return slope, intercept


@pytest.mark.parametrize("row", [0, 1], ids=COLUMNS)
def test_each_curve_sits_at_its_value_on_its_own_axis(poly, row):
    window, want = poly
    view = window.feature_plot
    rgb, area = grab_rgb(view), plot_area(view)
    axis = view.plot.getAxis("left") if row == 0 else view.right_axis
    slope, intercept = _linear_labels(view, axis)
    (t0, t1), _ = view_range(view)
    dt = 512 / 22050
    times = np.arange(want.shape[1]) * dt
    x = area.x_of(times, t0, t1)
    inside = (x - 1 >= area.left + 2) & (x + 1 <= area.right - 2)
    frames, cols = np.flatnonzero(inside), np.floor(x[inside]).astype(int)
    rows = area.rows(-1)
    hidden = covered(view, rows, cols)
    curve = view.curves[COLUMNS[row]]
    ink = np.abs(rgb[np.ix_(rows, cols)].astype(int) - pen_rgb(curve)).max(axis=2) <= 8
    expected = slope * want[row][frames] + intercept
    hits = misses = 0
    for k in range(len(frames)):
        if hidden[:, k].any():
            continue  # a legend box lies over this column
        drawn = rows[ink[:, k]] + 0.5
        if len(drawn) == 0:
            continue  # the other curve is drawn over this one here
        if np.abs(drawn - expected[k]).min() <= 2.0:
            hits += 1
        else:
            misses += 1
    seen = f"{COLUMNS[row]}: at its value at {hits}, away at {misses} of {len(frames)}"
    assert hits >= 0.4 * len(frames), seen
    assert misses <= 0.05 * (hits + misses), seen
