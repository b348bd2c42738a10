"""The lower view as seen: matrix rows and feature curves equal the exported values.

The window's own features CSV (File > Export > Features) gives the values; the pixels
come from ``QWidget.grab()`` of the lower view, row names and value scales from its
drawn axis labels. The row labelled X must show feature X in the colour its value has
on the colormap's table; a curve must pass through the height its value has on the
plot's own y axis labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonolens.core.view_settings import ViewSettings
from tests.qt.pixels import (
    MATRICES,
    axis_labels,
    colormap_table,
    covered,
    expected_levels,
    grab_rgb,
    level_index,
    open_window,
    pen_rgb,
    plot_area,
    show_view,
    table_index,
    view_range,
    wait_until,
    write_changing,
)


@pytest.fixture(scope="module")
def lower(qapp, tmp_path_factory):
    """(window, features CSV as the window exports it)."""
    folder = tmp_path_factory.mktemp("seen_lower")
    audio = write_changing(folder / "changing.wav")
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        out = folder / "features.csv"
        window.exporter.export_features_to(out)
        wait_until(lambda: out.exists() and not window.runner.is_busy())
        yield window, pd.read_csv(out)


def frame_columns(area, times: np.ndarray, t0: float, t1: float, dt: float):
    """(frame numbers, pixel columns) of the frames drawn wholly inside the plot area,
    sampled at each frame's centre (frame i fills [(i - 1/2) dt, (i + 1/2) dt])."""
    x = area.x_of(times, t0, t1)
    half = area.width * dt / (t1 - t0) / 2
    inside = (x - half >= area.left + 2) & (x + half <= area.right - 2)
    return np.flatnonzero(inside), np.floor(x[inside]).astype(int)


@pytest.mark.parametrize("kind", list(MATRICES))
def test_each_labelled_row_shows_that_feature(lower, kind):
    window, table = lower
    show_view(window, lower_view=kind, colormap="magma")
    view = window.matrix_view
    assert window.lower.currentWidget() is view
    rgb, area = grab_rgb(view), plot_area(view)
    (t0, t1), _ = view_range(view)
    column, colormap = MATRICES[kind]
    names = [c for c in table.columns if c.startswith(column.format(""))]
    labels = axis_labels(view, view.plot.getAxis("left"))
    assert len(labels) == len(names), [label.text for label in labels]
    times = table["time"].to_numpy()
    frames, cols = frame_columns(area, times, t0, t1, float(times[1] - times[0]))
    assert len(frames) > 0.8 * len(times)
    lo, hi = expected_levels(kind, table[names].to_numpy().T)
    colours = colormap_table(colormap)
    for label in labels:
        name = column.format(label.text)
        assert name in names, f"row label {label.text!r} names no {kind} feature"
        row = int(label.y)  # the middle of the row the label names
        shown = ~covered(view, np.array([row]), cols, margin=1)[0]  # not under a tick
        assert shown.mean() > 0.5
        values = table[name].to_numpy()[frames[shown]]
        want = level_index((values - lo) / (hi - lo))
        index, dist = table_index(rgb[row, cols[shown]], colours)
        assert int(dist.max()) <= 2, f"row {label.text!r}: colours not on {colormap}"
        wrong = np.abs(index - want) > 1
        assert not wrong.any(), (
            f"row labelled {label.text!r} does not show {name}: at {wrong.sum()} of "
            f"{len(wrong)} frames table entries {index[wrong][:5]} for {want[wrong][:5]}")


def test_feature_curves_sit_at_their_values_on_the_y_axis(lower):
    window, table = lower
    show_view(window, lower_view="features")
    view = window.feature_plot
    assert window.lower.currentWidget() is view
    rgb, area = grab_rgb(view), plot_area(view)
    (t0, t1), _ = view_range(view)
    labels = axis_labels(view, view.plot.getAxis("left"))
    values = np.array([float(label.text) for label in labels])
    ys = np.array([label.y for label in labels])
    assert len(labels) >= 3, [label.text for label in labels]
    slope, intercept = np.polyfit(values, ys, 1)
    assert np.abs(slope * values + intercept - ys).max() <= 1.0, "labels off a linear scale"
    assert slope < 0, "larger values must be drawn higher up"
    times = table["time"].to_numpy()
    frames, cols = frame_columns(area, times, t0, t1, float(times[1] - times[0]))
    rows = area.rows(-1)  # with the edges: a zero is drawn on the bottom edge
    hidden = covered(view, rows, cols)
    for name, curve in view.curves.items():
        ink = np.abs(rgb[np.ix_(rows, cols)].astype(int) - pen_rgb(curve)).max(axis=2) <= 8
        want = slope * table[name].to_numpy()[frames] + intercept
        hits = misses = 0
        for k in range(len(frames)):
            if hidden[:, k].any() and abs(want[k] - rows[hidden[:, k]].mean()) < 40:
                continue  # a legend box may lie over this part of the curve
            drawn = rows[ink[:, k]] + 0.5
            if len(drawn) == 0:
                continue  # another curve drawn over this one here
            if np.abs(drawn - want[k]).min() <= 1.5:
                hits += 1
            else:
                misses += 1
        seen = (f"{name}: drawn at its value at {hits}, away from it at {misses} of "
                f"{len(frames)} frames")
        assert hits >= 0.5 * len(frames), seen
        assert misses <= 0.05 * (hits + misses), seen
