"""A long file is drawn while it is analysed: the spectrogram and the lower view fill from
left to right as blocks are decoded, and the frequency axis reads the file's range at once.

The analysis is paced by the test: every decoded block waits for a permit the test hands
out, so "part of the file analysed" is a fact the test controls, not a race with a timer.
What is drawn is read from the pixels of the grabbed views.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio.source import BLOCK_FRAMES
from tests.qt.conftest import wait_settled
from tests.qt.pixels import grab_rgb, plot_area

SR = 22050
SECONDS = 120.0
N_BLOCKS = int(np.ceil(SECONDS * SR / BLOCK_FRAMES))
# decoded blocks not yet drawn: the engine computes up to 4 frame blocks of 256 hops
# (2 decoded blocks each) ahead of the one it hands over
LAG = 11


@pytest.fixture
def noise_file(tmp_path: Path) -> Path:
    """Two minutes of loud noise (every spectrogram pixel bright), a slow swell in level so
    the RMS curve has shape."""
    rng = np.random.default_rng(3)
    t = np.arange(int(SECONDS * SR)) / SR
    y = rng.standard_normal(len(t)) * (0.2 + 0.1 * np.sin(2 * np.pi * t / 7.0))
    path = tmp_path / "noise.wav"
    sf.write(path, y.astype(np.float32), SR, subtype="PCM_16")
    return path


def drawn_fraction(view, background: np.ndarray) -> tuple[float, bool]:
    """(fraction of the plot area's columns that show data, whether those columns form
    one run starting at the left edge) from the view's pixels."""
    pixels = grab_rgb(view)
    left, top, right, bottom = plot_area(view).inner()
    height = bottom - top
    band = pixels[top + height // 5 : bottom - height // 5, left + 2 : right - 2].astype(int)
    differs = np.abs(band - background).sum(axis=2) > 30
    drawn = differs.mean(axis=0) > 0.5
    if not drawn.any():
        return 0.0, True
    last = int(np.flatnonzero(drawn)[-1])
    return drawn.mean(), bool(drawn[: last + 1].all())


def background_of(view) -> np.ndarray:
    """The colour of the empty plot area (its centre pixel before anything is drawn)."""
    pixels = grab_rgb(view)
    left, top, right, bottom = plot_area(view).inner()
    return pixels[(top + bottom) // 2, (left + right) // 2].astype(int)


def test_spectrogram_and_lower_view_fill_left_to_right(qtbot, make_main_window, noise_file,
                                                         permits):
    window = make_main_window()
    spec_view, lower = window.spectrogram_view, window.feature_plot
    spec_background, lower_background = background_of(spec_view), background_of(lower)
    window.open_path(noise_file)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=10000)

    def spectrogram_shows(low: float, high: float) -> None:
        fraction, from_left = drawn_fraction(spec_view, spec_background)
        assert from_left, "the spectrogram must grow from the left edge"
        assert low <= fraction <= high, fraction

    def lower_view_shows(low: float, high: float) -> None:
        fraction, _ = drawn_fraction_curves(lower, lower_background)
        assert low <= fraction <= high, fraction

    given = 0
    for released in (14, 24, 34):
        permits.release(released - given)
        given = released
        low, high = (released - LAG) / N_BLOCKS, (released + 1) / N_BLOCKS
        qtbot.waitUntil(lambda lo=low, hi=high: spectrogram_shows(lo, hi), timeout=10000)
        qtbot.waitUntil(lambda lo=low, hi=high: lower_view_shows(lo - 0.05, hi + 0.05),
                        timeout=10000)
    assert not window.document.spectrogram.complete
    permits.release(100000)
    wait_settled(qtbot, window)
    fraction, from_left = drawn_fraction(spec_view, spec_background)
    assert fraction > 0.97 and from_left


def drawn_fraction_curves(view, background: np.ndarray) -> tuple[float, bool]:
    """Like :func:`drawn_fraction` for thin curves: a column shows data if any of its
    pixels differs from the background."""
    pixels = grab_rgb(view)
    left, top, right, bottom = plot_area(view).inner()
    area = pixels[top + 8 : bottom - 8, left + 2 : right - 2].astype(int)  # off the ticks
    differs = (np.abs(area - background).sum(axis=2) > 60).any(axis=0)
    if not differs.any():
        return 0.0, True
    last = int(np.flatnonzero(differs)[-1])
    return (last + 1) / len(differs), bool(differs[: last + 1].mean() > 0.9)


def test_frequency_axis_reads_the_files_range_before_any_result(qtbot, make_main_window,
                                                                 noise_file, permits):
    window = make_main_window()
    window.open_path(noise_file)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=10000)
    assert window.document.spectrogram is None  # nothing computed: every block waits
    axis = window.spectrogram_view.axis
    qtbot.waitUntil(lambda: bool(axis_labels(window.spectrogram_view)), timeout=5000)
    labels = axis_labels(window.spectrogram_view)
    values = [float(text.replace("k", "e3")) for text in labels]
    assert min(values) == 0.0
    assert 10000.0 <= max(values) <= SR / 2, labels  # 0 … Nyquist (11.025 kHz)
    assert axis is window.spectrogram_view.plot.getAxis("left")


def axis_labels(view) -> list[str]:
    """Texts the frequency axis drew at its last paint."""
    view.grab()  # paints the axis
    specs = view.axis._specs
    return [text for _, _, text in specs[2]] if specs is not None else []
