"""The compare window's difference spectrogram zoomed in on a long pair: the whole-overlap
image is pooled (here to 64 columns, the cap lowered so the files stay small), and a
50 ms tone burst only B holds shows, once the detail of the visible frames arrives, as a
stripe as narrow as its frames, where the pooled image spreads it over whole columns.

The burst is loud noise (every bin red): a pixel row of the view shows one bin of ~10 it
spans (Qt's scaling picks it), so the test reads the median over the rows of a band."""

from __future__ import annotations

import math

import librosa
import numpy as np
import pytest
import soundfile as sf

from tests.qt.compare_helpers import open_compare
from tests.qt.pixels import colormap_table, grab_rgb, plot_area, table_index, view_range

SR = 22050
SECONDS = 20.0
OFFSET = 0.3  # s: B's copy of A starts this much later
BURST = 7.0  # s (A's time): the 50 ms of loud noise only B holds
BAND = (1000.0, 5000.0)  # Hz: the rows read
COLUMNS = 64  # the pooled image's cap, lowered from 8192
THRESHOLD = 3.0  # dB: "red" in the pixels and in the expectation


@pytest.fixture
def pair(tmp_path):
    rng = np.random.default_rng(20)
    y_a = 0.01 * rng.standard_normal(int(SECONDS * SR))
    y_b = y_a.copy()
    n0 = int(BURST * SR)
    y_b[n0 : n0 + int(0.05 * SR)] += 0.3 * rng.standard_normal(int(0.05 * SR))
    lead = 0.01 * rng.standard_normal(round(OFFSET * SR))
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    sf.write(a, y_a.astype(np.float32), SR, subtype="FLOAT")
    sf.write(b, np.concatenate((lead, y_b)).astype(np.float32), SR, subtype="FLOAT")
    return a, b


@pytest.fixture
def compare(qtbot, monkeypatch, make_main_window, pair):
    monkeypatch.setattr("sonolens.ui.compare.window.DIFFERENCE_COLUMNS", COLUMNS)
    return open_compare(qtbot, make_main_window, *pair, offset=OFFSET)


def burst_frames(pair, offset: float) -> tuple[np.ndarray, float]:
    """(the run of frames around the burst where the median over BAND's bins of B - A
    exceeds THRESHOLD dB, frame hop s), from librosa on the signals aligned by ``offset``."""
    y_a, _ = librosa.load(pair[0], sr=None)
    y_b, _ = librosa.load(pair[1], sr=None)
    y_b = y_b[round(offset * SR):]

    def db(y):
        return librosa.amplitude_to_db(np.abs(librosa.stft(y)), ref=1.0, amin=1e-5,
                                       top_db=None)

    a, b = db(y_a), db(y_b)
    n = min(a.shape[1], b.shape[1])
    freqs = librosa.fft_frequencies(sr=SR)
    band = (freqs >= BAND[0]) & (freqs <= BAND[1])
    diff = np.median(b[band, :n] - a[band, :n], axis=0)
    peak = int(np.argmax(diff))  # the burst (B's noise may exceed A's elsewhere too)
    first, stop = peak, peak + 1
    while diff[first - 1] > THRESHOLD:
        first -= 1
    while diff[stop] > THRESHOLD:
        stop += 1
    near = np.abs(diff[first - 3 : stop + 3] - THRESHOLD)
    assert near.min() > 0.3, "a frame on the threshold: the pixels could go either way"
    return np.arange(first, stop), 512 / SR


def red_run(view) -> tuple[int, int, tuple[float, float], object]:
    """(first column, width) in px of the longest run of columns whose median over BAND's
    rows is above THRESHOLD dB, the view's time range and its plot area."""
    rgb = grab_rgb(view)
    area = plot_area(view)
    (t0, t1), (f0, f1) = view_range(view)
    top, bottom = (round(float(area.y_of(f, f0, f1))) for f in BAND[::-1])
    left, right = math.ceil(area.left), math.floor(area.right)
    index, distance = table_index(rgb[top:bottom, left:right], colormap_table("coolwarm"))
    assert np.percentile(distance, 95) <= 3  # the difference's colours
    range_db = 20.0
    db = np.median(-range_db + (index + 0.5) / 256 * 2 * range_db, axis=0)
    edges = np.flatnonzero(np.diff(np.r_[0, (db > THRESHOLD).astype(np.int8), 0]))
    starts, stops = edges[0::2], edges[1::2]
    assert len(starts), "no red in the band"
    k = int(np.argmax(stops - starts))
    return left + int(starts[k]), int(stops[k] - starts[k]), (t0, t1), area


def zoom(compare, t0: float, t1: float) -> None:
    compare.a.views.waveform.plot.setXRange(t0, t1, padding=0)
    compare.difference_view.redraw()  # now, not after the redraw timer


def wait_detail(qtbot, compare) -> None:
    detail, view = compare.difference_detail, compare.difference_view
    qtbot.waitUntil(lambda: detail.layer.drawn is not None and not detail.busy
                    and not view.redraw_pending, timeout=20000)


def test_zoomed_in_the_burst_is_as_narrow_as_its_frames(qtbot, compare, pair):
    frames, dt = burst_frames(pair, OFFSET)
    assert 3 <= len(frames) <= 10 and np.all(np.diff(frames) == 1)
    total = librosa.time_to_frames(SECONDS, sr=SR) + 1  # A's frames, all overlapped by B
    pooled = math.ceil(total / COLUMNS)  # frames a pooled column averages
    assert pooled > 2 * len(frames)

    zoom(compare, 2.0, 3.5)  # the detail of another place
    wait_detail(qtbot, compare)
    zoom(compare, 6.4, 7.9)  # then a pan to the burst: the detail is asked for, not yet
    # computed: the pooled columns show
    assert compare.difference_detail.pending is not None
    x, width, (t0, t1), area = red_run(compare.difference_view)
    px_per_s = area.width / (t1 - t0)
    assert (t0, t1) == pytest.approx((6.4, 7.9))
    assert width >= pooled * dt * px_per_s - 2  # smeared over at least a pooled column

    wait_detail(qtbot, compare)
    x, width, (t0, t1), area = red_run(compare.difference_view)
    assert (t0, t1) == pytest.approx((6.4, 7.9))
    want_left = area.x_of((frames[0] - 0.5) * dt, t0, t1)
    want_width = len(frames) * dt * px_per_s
    assert width == pytest.approx(want_width, abs=2)
    assert x == pytest.approx(want_left, abs=2)


def test_an_offset_change_drops_the_detail_and_computes_it_again(qtbot, compare, pair):
    zoom(compare, 6.4, 7.9)
    wait_detail(qtbot, compare)
    x_before, _, _, _ = red_run(compare.difference_view)
    moved = OFFSET + 2 * 512 / SR  # B two frames later
    compare.set_offset(moved)
    layer = compare.difference_detail.layer
    assert layer.drawn is None and not layer.item.isVisible()
    qtbot.waitUntil(compare.is_settled, timeout=60000)
    wait_detail(qtbot, compare)
    frames, dt = burst_frames(pair, moved)
    x, width, (t0, t1), area = red_run(compare.difference_view)
    assert x == pytest.approx(area.x_of((frames[0] - 0.5) * dt, t0, t1), abs=2)
    assert width == pytest.approx(len(frames) * dt * area.width / (t1 - t0), abs=2)
    assert x_before - x == pytest.approx(2 * dt * area.width / (t1 - t0), abs=2)


def test_the_detail_is_dropped_when_zoomed_out(qtbot):
    """The layer alone on a DifferenceView: a coarse image of 0 dB (white) pooled 20
    frames a column, a detail of +20 dB (red) handed in for what it asks."""
    from sonolens.dsp.difference import DifferenceSpectrogram
    from sonolens.ui.views.difference_detail_layer import DifferenceDetailLayer
    from sonolens.ui.views.difference_view import COLORMAP, DifferenceView

    view = DifferenceView()
    qtbot.addWidget(view)
    view.resize(800, 240)
    view.show()
    asked, withdrawn = [], []
    layer = DifferenceDetailLayer(view.image_layer, COLORMAP, asked.append,
                                  lambda: withdrawn.append(True))
    view.add_layer(layer)
    dt, freqs = 512 / SR, librosa.fft_frequencies(sr=SR)
    coarse = DifferenceSpectrogram(np.zeros((1025, 2000), np.float32), 0, 20, dt, freqs)
    view.set_difference(coarse)

    def shown_db(t0: float, t1: float) -> float:
        view.plot.setXRange(t0, t1, padding=0)
        view.redraw()
        area = plot_area(view)
        rgb = grab_rgb(view)[math.ceil(area.top) + 2 : math.floor(area.bottom) - 2,
                             math.ceil(area.left) + 2 : math.floor(area.right) - 2]
        index, distance = table_index(rgb, colormap_table("coolwarm"))
        assert np.percentile(distance, 95) <= 3
        return float(np.median(-20 + (index + 0.5) / 256 * 40))

    assert shown_db(100.0, 110.0) == pytest.approx(0.0, abs=0.2)  # the coarse meanwhile
    assert len(asked) == 1
    request = asked[0]
    # every frame whose hop overlaps the view, one a column (a pooled one is 11 px wide)
    assert request.factor == 1
    assert request.first <= math.floor(100.0 / dt + 0.5)
    assert request.stop >= math.ceil(110.0 / dt + 0.5)
    assert request.stop - request.first < 1.5 * 10.0 / dt  # the view and a small margin
    detail = DifferenceSpectrogram(np.full((1025, request.stop - request.first), 20.0,
                                           np.float32), request.first, 1, dt, freqs)
    assert layer.set_detail(request, detail)
    assert shown_db(100.0, 110.0) == pytest.approx(20.0, abs=0.2)
    assert shown_db(100.4, 110.4) == pytest.approx(20.0, abs=0.2)  # a pan in the margin
    assert len(asked) == 1  # needs nothing new

    # zoomed out to where a pooled column is under 2 px: dropped, the coarse alone
    assert shown_db(0.0, 900.0) == pytest.approx(0.0, abs=0.2)
    assert layer.drawn is None and not layer.item.isVisible()
    assert shown_db(100.0, 110.0) == pytest.approx(0.0, abs=0.2)  # back in: asked again
    assert len(asked) == 2 and asked[1] == request
    # a new coarse image (another offset) drops what was asked for
    view.set_difference(coarse)
    view.redraw()
    assert withdrawn and layer.wanted == asked[-1] and len(asked) == 3


def test_a_and_b_draw_their_detail_tiles_too(qtbot, monkeypatch, make_main_window, pair):
    """Each side's spectrogram, stored pooled (a store budget of 200 columns here), asks
    for its detail tiles when zoomed in, as the main window's does."""
    from sonolens.dsp import spectrogram as spectrogram_module

    monkeypatch.setattr(spectrogram_module, "STORED_BYTES", 200 * 1025 * 4)
    compare = open_compare(qtbot, make_main_window, *pair, offset=OFFSET)
    sides = (compare.a, compare.b)
    def frames_per_drawn_column(side) -> float:
        view, spec = side.views.spectrogram, side.document.spectrogram
        rect = view.image.mapRectToParent(view.image.boundingRect())
        return rect.width() / view.image.image.shape[1] / spec.frame_seconds

    assert all(side.document.spectrogram.frames_per_column > 1 for side in sides)
    assert all(frames_per_drawn_column(side) > 1.5 for side in sides)  # whole file
    zoom(compare, 6.4, 7.9)  # ~65 frames over ~700 px
    qtbot.waitUntil(lambda: all(side.settled and frames_per_drawn_column(side) < 1.01
                                for side in sides), timeout=20000)
    for side in sides:
        assert frames_per_drawn_column(side) == pytest.approx(1.0)  # a frame a column


def test_zooms_in_a_row_compute_one_detail_for_the_last(qtbot, monkeypatch, compare):
    from sonolens.ui.compare.difference_detail import KEY_DETAIL

    zoom(compare, 6.4, 7.9)
    wait_detail(qtbot, compare)
    submitted = []
    submit = compare.runner.submit

    def counting(key, make_job, *, token=None):
        if key == KEY_DETAIL:
            submitted.append(token[2])
        return submit(key, make_job, token=token)

    monkeypatch.setattr(compare.runner, "submit", counting)
    for t0 in (1.0, 3.0, 12.0):  # faster than the debounce: each supersedes the last
        zoom(compare, t0, t0 + 1.5)
    wait_detail(qtbot, compare)
    assert len(submitted) == 1
    dt = 512 / SR
    assert submitted[0].first <= math.floor(12.0 / dt + 0.5)
    assert submitted[0].stop >= math.ceil(13.5 / dt + 0.5)
    assert compare.difference_detail.layer.drawn == submitted[0]
