"""The waveform, read from its pixels: continuous at every zoom, and where the samples say.

Expectations come from the samples themselves (soundfile + numpy) and a linear mapping
from the view's range onto the plot area's pixels, computed here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.qt.conftest import wait_settled
from tests.qt.pixels import grab_rgb, plot_area


def write_speechlike(path: Path, *, sr: int, seconds: float) -> np.ndarray:
    """Noise under a syllable-rate envelope, with a pause of digital silence from 40 % to
    45 % of the file (a flat line must still be drawn there); returns the samples as read
    back from the 16-bit file."""
    rng = np.random.default_rng(11)
    t = np.arange(int(seconds * sr)) / sr
    envelope = 0.25 + 0.2 * np.sin(2 * np.pi * 4 * t) ** 2
    y = rng.standard_normal(len(t)) * envelope * 0.6
    y[int(0.4 * len(t)) : int(0.45 * len(t))] = 0.0
    sf.write(path, np.clip(y, -0.99, 0.99).astype(np.float32), sr, subtype="PCM_16")
    return sf.read(path, dtype="float32")[0]


def inked(view) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """bool (rows, columns) of the plot area: pixels that differ from its background."""
    pixels = grab_rgb(view).astype(int)
    left, top, right, bottom = plot_area(view).inner()
    area = pixels[top:bottom, left:right]
    background = np.median(area.reshape(-1, 3), axis=0)  # most of the area is background
    if np.abs(area - background).sum(axis=2).mean() > 200:  # mostly ink: take a corner
        background = area[1, 1]
    return np.abs(area - background).sum(axis=2) > 60, (left, top, right, bottom)


def column_of(view, t: float, rect) -> float:
    (t0, t1), _ = view.viewbox.viewRange()
    left, _, right, _ = rect
    return (t - t0) / (t1 - t0) * (right - left)


def row_of(view, value: float, rect) -> float:
    _, (y0, y1) = view.viewbox.viewRange()
    _, top, _, bottom = rect
    return (y1 - value) / (y1 - y0) * (bottom - top)


def open_file(qtbot, window, path: Path) -> None:
    window.open_path(path)
    wait_settled(qtbot, window)


def show(qtbot, window, t0: float, t1: float) -> None:
    window.waveform.plot.setXRange(t0, t1, padding=0)
    qtbot.waitUntil(lambda: not window.waveform.redraw_pending, timeout=5000)
    qtbot.wait(50)


def check_envelope(view, samples: np.ndarray, sr: int) -> None:
    """Every pixel column over the data is inked; its ink covers the sample at the
    column's middle and reaches no further than the samples of the neighbouring columns
    (bins of samples need not start at pixel edges), within 2 px."""
    ink, rect = inked(view)
    width = ink.shape[1]
    (t0, t1), _ = view.viewbox.viewRange()
    first = max(6, int(np.ceil(column_of(view, 0.0, rect))) + 1)  # past the axis' ticks
    last = min(width, int(column_of(view, len(samples) / sr, rect))) - 1
    assert last - first > 100
    step = (t1 - t0) / width
    for column in range(first, last):
        rows = np.flatnonzero(ink[:, column])
        assert len(rows), f"column {column} of {width} shows nothing: the waveform has a gap"
        a = t0 + column * step
        middle = row_of(view, float(samples[round((a + step / 2) * sr)]), rect)
        around = samples[max(0, int(np.floor((a - step) * sr))) : int(np.ceil((a + 2 * step)
                                                                               * sr)) + 1]
        outer_top, outer_bottom = row_of(view, around.max(), rect), row_of(view, around.min(),
                                                                          rect)
        assert rows[0] - 2 <= middle <= rows[-1] + 2, (column, rows[0], rows[-1], middle)
        assert rows[0] >= outer_top - 2 and rows[-1] <= outer_bottom + 2, (
            column, rows[0], rows[-1], outer_top, outer_bottom)


@pytest.mark.parametrize("sr", [8000, 16000])
def test_whole_short_file_at_low_rates_is_a_continuous_envelope(qtbot, make_main_window,
                                                                tmp_path, sr):
    path = tmp_path / f"speech{sr}.wav"
    samples = write_speechlike(path, sr=sr, seconds=2.0)
    window = make_main_window()
    open_file(qtbot, window, path)
    check_envelope(window.waveform, samples, sr)


def test_a_syllable_zoomed_in_is_a_continuous_envelope(qtbot, make_main_window, tmp_path):
    path = tmp_path / "speech.wav"
    samples = write_speechlike(path, sr=22050, seconds=3.0)
    window = make_main_window()
    open_file(qtbot, window, path)
    show(qtbot, window, 1.1, 1.4)  # 0.3 s: ~10 samples per pixel, the pause included
    check_envelope(window.waveform, samples, 22050)


def test_fewer_samples_than_pixels_draw_the_samples_joined_with_dots(qtbot, make_main_window,
                                                                     tmp_path):
    sr = 22050
    path = tmp_path / "speech.wav"
    samples = write_speechlike(path, sr=sr, seconds=1.0)
    window = make_main_window()
    open_file(qtbot, window, path)
    start = 10000
    show(qtbot, window, (start - 0.5) / sr, (start + 39.5) / sr)  # 40 samples
    view = window.waveform
    ink, rect = inked(view)
    centres = []
    for k in range(start, start + 40):
        x = round(column_of(view, k / sr, rect))
        y = round(row_of(view, float(samples[k]), rect))
        # a dot (5 px) sits on every sample: a 3x3 block around it is all ink
        assert ink[y - 1 : y + 2, x - 1 : x + 2].all(), f"no dot on sample {k}"
        centres.append(x)
    # joined: every column between the first and last sample is inked
    assert ink[:, centres[0] : centres[-1] + 1].any(axis=0).all()


def drawn_labels(view) -> list[tuple[str, float]]:
    """(text, centre y in the grab's pixels) of every label the left axis drew."""
    view.grab()
    axis = view.plot.getAxis("left")
    ratio = view.devicePixelRatioF()
    labels = []
    for rect, _flags, text in axis._specs[2]:
        scene = axis.mapRectToScene(rect)
        centre = view.viewportTransform().mapRect(scene).center()
        labels.append((text, centre.y() * ratio))
    return labels


def test_every_lane_of_a_six_channel_file_has_a_readable_scale(qtbot, make_main_window,
                                                              tmp_path):
    """Six lanes, channel k a sine of amplitude (k + 1) / 7: each lane is labelled 1, its
    1-based channel number with 0, and -1, far enough apart to read; the ink of each lane
    is centred on its 0 label and reaches the amplitude its 1 label says."""
    sr, seconds = 8000, 1.0
    t = np.arange(int(sr * seconds)) / sr
    amplitudes = [(k + 1) / 7 for k in range(6)]
    data = np.stack([a * np.sin(2 * np.pi * 50 * t) for a in amplitudes], axis=1)
    path = tmp_path / "six.wav"
    sf.write(path, data.astype(np.float32), sr, subtype="FLOAT")
    window = make_main_window()
    open_file(qtbot, window, path)
    view = window.waveform
    labels = drawn_labels(view)
    ink, (_, top, _, _) = inked(view)
    ink[:, :8] = False  # the axis' tick marks
    for k, amplitude in enumerate(amplitudes):
        zero = [y for text, y in labels if text.split() == [str(k + 1), "0"]]
        assert len(zero) == 1, (k, labels)
        # this lane's +1 and -1: the nearest such labels above and below its zero
        ones = [y for text, y in labels if text == "1" and y < zero[0]]
        minus = [y for text, y in labels if text == "-1" and y > zero[0]]
        assert ones and minus, (k, labels)
        up, down = zero[0] - max(ones), min(minus) - zero[0]
        assert up >= 20 and down >= 20, (k, up, down)  # readable: lanes are not squashed
        # the ink of this lane lies between its +1 and -1 labels
        lane = ink[int(max(ones) - top) : int(min(minus) - top) + 1]
        rows = np.flatnonzero(lane.any(axis=1)) + max(ones)
        centre, half = (rows[0] + rows[-1]) / 2, (rows[-1] - rows[0]) / 2
        assert abs(centre - zero[0]) <= 2, (k, centre, zero[0])
        assert abs(half - amplitude * up) <= 2.5, (k, half, amplitude * up)


def test_zoomed_lanes_read_the_samples_once_per_redraw(qtbot, make_main_window, tmp_path):
    """Six lanes zoomed in: the samples of the view are read once for all lanes (each read
    decodes every channel, on the GUI thread)."""
    sr = 48000
    t = np.arange(sr * 2) / sr
    data = np.stack([(k + 1) / 8 * np.sin(2 * np.pi * 100 * (k + 1) * t) for k in range(6)],
                    axis=1)
    path = tmp_path / "six.flac"
    sf.write(path, data.astype(np.float32), sr, subtype="PCM_24")
    window = make_main_window()
    open_file(qtbot, window, path)
    view = window.waveform
    reads: list[tuple[int, int]] = []
    original = view.read

    def counting(start: int, stop: int):
        reads.append((start, stop))
        return original(start, stop)

    view.read = counting
    show(qtbot, window, 0.5, 0.9)  # ~20 samples a pixel: read and pooled
    view.redraw()
    reads.clear()
    view.redraw()
    assert len(reads) == 1, reads
