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


def test_zoomed_in_during_the_first_pass_its_range_comes_first(
        qtbot, make_main_window, tmp_path, pooled_store, monkeypatch):
    """The pass is held at ~30 s (its segment reads wait); the view zoomed to 200-201 s
    gets that range from tiles before the pass gets there, and its pixels show it."""
    import threading

    from sonolens.audio.source import FileSource

    gate = threading.Event()
    original = FileSource.read

    def held(self, start, stop):
        if threading.current_thread().name.startswith("sonolens-dsp") and (
                start > 30 * self.samplerate):
            gate.wait(timeout=60)
        return original(self, start, stop)

    monkeypatch.setattr(FileSource, "read", held)
    window = make_main_window()
    try:
        window.open_path(write_rich(tmp_path / "long.wav", seconds=300.0, sr=8000))
        doc = window.document
        qtbot.waitUntil(lambda: doc.spectrogram is not None and doc.spectrogram.filled > 0,
                        timeout=20000)
        spec = doc.spectrogram
        assert spec.frames_per_column > 1 and spec.frames_expected > 0
        view = window.spectrogram_view
        blank = view.grab().toImage()
        window.waveform.plot.setXRange(200.0, 201.0, padding=0)
        qtbot.waitUntil(lambda: spec.tiles is not None and len(spec.tiles) > 0, timeout=20000)
        assert not spec.complete and spec.duration < 200.0  # the pass has not got there
        t0, t1, width = view.visible_span()
        shown, (x0, _x1) = spec.image(t0, t1, width)
        assert shown.shape[1] > 0 and x0 <= 200.0 + spec.frame_seconds
        qtbot.waitUntil(lambda: view.grab().toImage() != blank, timeout=10000)
        assert not spec.complete  # the zoomed range is drawn while the pass is held
    finally:
        gate.set()
    wait_settled(qtbot, window, timeout=60000)
    with open_source(doc.source.path) as source:  # (its segments' reads are held too)
        full = run_to_end(compute_spectrogram(source, spec.params, spec.kind,
                                              max_bytes=2**30))
    first = round(x0 / spec.frame_seconds + 0.5)
    np.testing.assert_array_equal(shown, full.values[first : first + shown.shape[1]].T)
