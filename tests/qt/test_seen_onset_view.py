"""The onset strength lower view as seen: the curve at librosa's onset_strength on the
view's own drawn y axis labels; the detected onsets and beats drawn as vertical lines in
their tiers' colours at librosa's times on the spectrogram."""

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
    wait_until,
)
from tests.unit.signals import drum_loop


@pytest.fixture(scope="module")
def seen(qapp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("seen_onsets")
    audio = folder / "loop.wav"
    y = (0.5 * drum_loop(100, 22050, seconds=3.0)).astype(np.float32)
    sf.write(audio, y, 22050, subtype="FLOAT")
    want = librosa.onset.onset_strength(y=y, sr=22050)
    with open_window(folder / "settings" / "s.ini", audio,
                     ViewSettings(overlays=frozenset())) as window:
        assert "onset_strength" not in window.document.features.columns  # opt-in
        show_view(window, lower_view="onsets")
        yield window, y, want


def test_curve_sits_at_librosa_onset_strength(seen):
    window, _y, want = seen
    view = window.feature_plot
    assert window.lower.currentWidget() is view
    assert view.plot.getAxis("left").labelText == "Onset strength (dB)"  # librosa's unit
    rgb, area = grab_rgb(view), plot_area(view)
    labels = axis_labels(view, view.plot.getAxis("left"))
    values = np.array([float(label.text.replace("\u2212", "-")) for label in labels])
    ys = np.array([label.y for label in labels])
    assert len(labels) >= 2, [label.text for label in labels]
    slope, intercept = np.polyfit(values, ys, 1)
    assert slope < 0 and np.abs(slope * values + intercept - ys).max() <= 1.0
    (t0, t1), _ = view_range(view)
    x = area.x_of(np.arange(len(want)) * 512 / 22050, t0, t1)
    inside = (x - 1 >= area.left + 2) & (x + 1 <= area.right - 2)
    frames, cols = np.flatnonzero(inside), np.floor(x[inside]).astype(int)
    rows = area.rows(-1)
    hidden = covered(view, rows, cols)
    ink = np.abs(rgb[np.ix_(rows, cols)].astype(int)
                 - pen_rgb(view.curves["onset_strength"])).max(axis=2) <= 8
    expected = slope * want[frames] + intercept
    hits = misses = 0
    for k in range(len(frames)):
        if hidden[:, k].any():
            continue
        drawn = rows[ink[:, k]] + 0.5
        if len(drawn) and np.abs(drawn - expected[k]).min() <= 2.0:
            hits += 1
        elif len(drawn):
            misses += 1
    seen_text = f"at its value at {hits}, away at {misses} of {len(frames)}"
    assert hits >= 0.6 * len(frames), seen_text
    assert misses <= 0.05 * (hits + misses), seen_text


def test_detected_beats_are_drawn_at_librosa_times(seen):
    window, y, _want = seen
    window.sessions.ask_unsaved = lambda: "discard"  # closing: the detected tiers go
    window.onset_detection.action.trigger()
    wait_until(lambda: window.onset_detection.events is not None)
    wait_until(window.is_settled)
    _bpm, beats = librosa.beat.beat_track(y=y.astype(np.float64), sr=22050, units="time")
    onsets = librosa.onset.onset_detect(y=y.astype(np.float64), sr=22050, units="time")
    view = window.spectrogram_view
    rgb, area = grab_rgb(view), plot_area(view)
    (t0, t1), _ = view_range(view)
    doc = window.document
    beat_rgb = np.array([int(doc.annotations.color_of(1)[k:k + 2], 16) for k in (1, 3, 5)])
    rows = area.rows(3)
    rows = rows[rows > area.top + 32]  # under the labels
    is_beat = (np.abs(rgb[rows].astype(int) - beat_rgb).max(axis=2) <= 40).mean(axis=0) > 0.5
    left, right = int(np.ceil(area.left)), int(area.right)
    drawn = np.flatnonzero(is_beat[left:right]) + left
    want_x = area.x_of(beats, t0, t1)
    assert len(beats) >= 3
    for x in want_x:
        assert np.abs(drawn - x).min() <= 1.5, f"no beat line near x={x:.1f}"
    others = area.x_of(np.setdiff1d(onsets, beats), t0, t1)
    runs = np.split(drawn, np.flatnonzero(np.diff(drawn) > 1) + 1)
    assert len(runs) == len(beats), "a beat line where librosa has no beat"
    assert all(np.abs(want_x - x).min() > 2 for x in others if np.abs(want_x - x).min() > 4)
