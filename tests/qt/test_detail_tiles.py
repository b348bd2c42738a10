"""Zooming into a long (pooled) spectrogram shows full detail, computed on a worker."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sonolens.audio import open_source
from sonolens.core.progress import run_to_end
from sonolens.dsp import spectrogram as spectrogram_module
from sonolens.dsp.spectrogram import compute_spectrogram
from tests.qt.conftest import wait_settled, write_rich


@pytest.fixture
def pooled_store(monkeypatch):
    """A tiny store budget: 5 minutes at 8 kHz (4,687 frames) are stored max-pooled by 4
    (1,172 columns), like an hour normally is; the whole file on a ~900 px view needs
    only every 5th frame, so zoomed out the stored columns suffice."""
    monkeypatch.setattr(spectrogram_module, "STORED_BYTES", 1200 * 1025 * 4)


def drawn_frames_per_column(window) -> float:
    view = window.spectrogram_view
    spec = window.document.spectrogram
    rect = view.image.mapRectToParent(view.image.boundingRect())
    return rect.width() / view.image.image.shape[1] / spec.frame_seconds


def test_zoom_in_draws_finer_columns_from_tiles(qtbot, make_main_window, tmp_path,
                                                pooled_store, fail_on_unhandled_exceptions):
    window = make_main_window()
    window.open_path(write_rich(tmp_path / "long.wav", seconds=300.0, sr=8000))
    wait_settled(qtbot, window)
    spec = window.document.spectrogram
    k = spec.frames_per_column
    assert k > 1 and spec.tiles is not None and len(spec.tiles) == 0
    assert drawn_frames_per_column(window) >= k  # whole file: stored columns suffice

    window.waveform.plot.setXRange(10.0, 11.0, padding=0)  # ~16 frames over ~900 px
    # a feature-only edit while the tiles are computed keeps the picture and its tiles
    window.document.set_params(replace(window.document.params, roll_percent=0.9))
    wait_settled(qtbot, window)
    assert window.document.spectrogram is spec and len(spec.tiles) > 0
    assert drawn_frames_per_column(window) == pytest.approx(1.0)  # full resolution
    # what is drawn are the full-resolution frames of that range
    view = window.spectrogram_view
    t0, t1, width = view.visible_span()
    shown, (x0, _) = spec.image(t0, t1, width)
    with open_source(window.document.source.path) as source:
        full = run_to_end(compute_spectrogram(source, spec.params, spec.kind,
                                              max_bytes=2**30))
    first = round(x0 / spec.frame_seconds + 0.5)
    np.testing.assert_array_equal(shown, full.values[first : first + shown.shape[1]].T)
    _, hi = view.levels()
    np.testing.assert_array_equal(view.image.image,
                                  view.image_layer._row_map().apply(shown) - np.float32(hi))

    window.zoom_fit()  # back out: the stored columns again, no new tiles wanted
    wait_settled(qtbot, window)
    assert drawn_frames_per_column(window) >= k
    assert spec.wanted_tiles(*view.visible_span()) == []
