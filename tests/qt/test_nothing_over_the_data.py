"""Nothing is drawn over the data by default: no legend box on the spectrogram or the lower
view, overlays stay thin lines on long noisy files, the bandwidth band leaves the image
under it visible; and a file of one frame still shows its feature values.

Every check reads the grabbed pixels; expected colours come from the colormap's own
table (the ``cmap`` package) and the curve colours, not from the app's mapping code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from cmap import Colormap

from sonolens.ui.theme import PLOT_COLORS
from tests.qt.conftest import wait_settled
from tests.qt.pixels import grab_rgb, plot_area

SR = 22050


def write(path: Path, y: np.ndarray, sr: int = SR) -> Path:
    sf.write(path, np.clip(y, -0.99, 0.99).astype(np.float32), sr, subtype="FLOAT")
    return path


def noise(seconds: float, seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(int(seconds * SR)) * 0.3


def plot_pixels(view) -> np.ndarray:
    """int (rows, columns, 3) of the plot area as grabbed now."""
    pixels = grab_rgb(view).astype(int)
    left, top, right, bottom = plot_area(view).inner()
    return pixels[top:bottom, left:right]


def magma_table() -> np.ndarray:
    return np.rint(Colormap("bids:magma").lut(256)[:, :3] * 255).astype(int)


def distance_to_table(pixels: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each pixel (..., 3): the RGB distance (sum of abs) to the nearest table colour."""
    flat = pixels.reshape(-1, 1, 3)
    return np.abs(flat - table[np.newaxis]).sum(axis=2).min(axis=1).reshape(pixels.shape[:-1])


def open_file(qtbot, window, path: Path, **view) -> None:
    if view:
        window.document.set_view(window.document.view.replace(**view))
    window.open_path(path)
    wait_settled(qtbot, window)


@pytest.mark.parametrize("overlays", [frozenset(), frozenset({"spectral_centroid"})])
def test_no_box_over_the_spectrogram(qtbot, make_main_window, tmp_path, overlays):
    """White noise: every pixel of the top right of the image is a colour of the
    colormap (a legend box would blend grey into it, its text would be white)."""
    window = make_main_window()
    open_file(qtbot, window, write(tmp_path / "noise.wav", noise(3.0)), overlays=overlays)
    area = plot_pixels(window.spectrogram_view)
    height, width = area.shape[:2]
    corner = area[2 : height // 3, width // 2 : width - 2]  # the centroid sits mid-height
    assert np.percentile(distance_to_table(corner, magma_table()), 99.9) <= 12


def test_no_legend_over_the_lower_view(qtbot, make_main_window, tmp_path):
    """The lower view's top right holds background or curve colours (and blends of the
    two, where a curve's faint band is), nothing else: no legend box, no label."""
    window = make_main_window()
    y = noise(4.0) * np.linspace(0.2, 1.0, int(4.0 * SR))  # rising RMS: curves reach the top
    open_file(qtbot, window, write(tmp_path / "rise.wav", y))
    view = window.feature_plot
    area = plot_pixels(view)
    height, width = area.shape[:2]
    corner = area[2 : height // 3, width - width // 4 : width - 2].reshape(-1, 3)
    background = np.median(area[height // 2 :, width // 4 : width // 2].reshape(-1, 3), axis=0)
    colours = [np.array([int(c[k : k + 2], 16) for k in (1, 3, 5)])
               for c in PLOT_COLORS[window.theme].curves[:3]]  # the theme's curve colours

    def off_segment(pixel: np.ndarray) -> float:
        """Distance from the nearest point between the background and a curve colour."""
        best = np.inf
        for colour in colours:
            d = colour - background
            t = np.clip(np.dot(pixel - background, d) / np.dot(d, d), 0.0, 1.0)
            best = min(best, float(np.abs(pixel - (background + t * d)).sum()))
        return best

    distances = np.array([off_segment(p) for p in corner[::3]])
    assert np.percentile(distances, 99.5) <= 40, np.percentile(distances, 99.5)
    assert (distances < 40).mean() > 0.995


def test_overlay_of_a_long_noisy_file_is_a_thin_line(qtbot, make_main_window, tmp_path):
    """A centroid that jumps between ~500 Hz and several kHz frame to frame, ~4 frames
    per pixel. Drawn through every frame's extremes it is a solid block; it must be a
    line through each pixel column's mean (librosa's centroid, averaged here per column):
    in a column, no more ink than that line's rise to its neighbours' means."""
    import librosa

    hop, seconds = 512, 60.0
    n = int(seconds * SR)
    t = np.arange(n) / SR
    frame = np.arange(n) // hop
    bright = np.random.default_rng(2).random(frame.max() + 1) < 0.5
    y = np.where(bright[frame], noise(seconds, seed=9), 0.5 * np.sin(2 * np.pi * 500 * t))
    path = write(tmp_path / "jumps.wav", y)
    window = make_main_window()
    open_file(qtbot, window, path)
    view = window.spectrogram_view
    area = plot_pixels(view)
    height, width = area.shape[:2]
    cyan = np.array([0x00, 0xE5, 0xFF])
    ink = (np.abs(area - cyan).sum(axis=2) < 90).sum(axis=0)
    # the expected line: per-column means of librosa's centroid, as rows of a linear axis
    samples, _ = sf.read(path, dtype="float32")
    centroid = librosa.feature.spectral_centroid(y=samples, sr=SR)[0]
    times = librosa.frames_to_time(np.arange(len(centroid)), sr=SR)
    (t0, t1), (f0, f1) = view.viewbox.viewRange()
    column = np.clip(((times - t0) / (t1 - t0) * width).astype(int), 0, width - 1)
    means = np.bincount(column, centroid, width) / np.maximum(np.bincount(column, None, width),
                                                              1)
    rows = (f1 - means) / (f1 - f0) * height
    rise = np.abs(np.diff(rows))
    allowed = np.r_[rise[0], np.maximum(rise[:-1], rise[1:]), rise[-1]] + 4
    inside = slice(6, width - 6)
    assert ink[inside].mean() > 0.5  # the curve is there
    too_thick = ink[inside] > allowed[inside]
    assert too_thick.mean() < 0.1, (np.median(ink[inside]), np.median(allowed[inside]))


def test_bandwidth_band_leaves_the_image_visible(qtbot, make_main_window, tmp_path):
    """The band changes only thin edges: most columns differ from the picture without
    overlays in a few pixels, not over the band's height."""
    path = write(tmp_path / "noise.wav", noise(3.0))
    window = make_main_window()
    open_file(qtbot, window, path, overlays=frozenset())
    plain = plot_pixels(window.spectrogram_view)
    window.document.set_view(window.document.view.replace(
        overlays=frozenset({"spectral_bandwidth"})))
    wait_settled(qtbot, window)
    banded = plot_pixels(window.spectrogram_view)
    changed = (np.abs(banded - plain).sum(axis=2) > 24).sum(axis=0)[4:-4]
    assert changed.mean() > 0.5  # the band's edges are drawn
    assert np.median(changed) <= 6, np.median(changed)


def test_a_file_of_one_frame_shows_its_feature_values(qtbot, make_main_window, tmp_path):
    """10 ms (one frame): each lower-view curve and the centroid overlay show the value
    where the axis says, across the plot (not a lone pixel hidden on the axis)."""
    t = np.arange(int(0.01 * SR)) / SR
    window = make_main_window()
    path = write(tmp_path / "click.wav", 0.5 * np.sin(2 * np.pi * 2000 * t))
    open_file(qtbot, window, path)
    table = window.document.features
    assert table.n_frames == 1
    for view, names, colours in (
            (window.feature_plot, ("rms", "zero_crossing_rate", "spectral_flatness"),
             PLOT_COLORS[window.theme].curves[:3]),
            (window.spectrogram_view, ("spectral_centroid",), ("#00e5ff",))):
        area = plot_pixels(view)
        height = area.shape[0]
        _, (y0, y1) = view.viewbox.viewRange()
        for name, colour in zip(names, colours, strict=True):
            rgb = np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)])
            row = round((y1 - float(table.columns[name][0])) / (y1 - y0) * height)
            band = area[max(0, row - 3) : row + 4, 8:]  # off the axis' tick marks
            columns = (np.abs(band - rgb).sum(axis=2) < 90).any(axis=0)
            assert columns.mean() > 0.5, (name, columns.mean())
