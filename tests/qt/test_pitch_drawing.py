"""What the f0 line looks like, read from the pixels: the voiced line's colour at each
opacity step over the dark outline, the outline beside it, nothing across an unvoiced gap,
and zoomed out (frames grouped) the line still at the frames' value."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from sonolens.core.params import AnalysisParams
from sonolens.dsp.pitch import PitchTrack
from sonolens.ui.views.pitch_layer import OUTLINE, STEPS, WIDTH, PitchLayer
from tests.qt.pixels import grab_rgb

BG = (40, 90, 150)
SR, HOP = 8000, 80  # 100 frames per second
HZ = 300.0


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    widget.setBackground(BG)
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    qtbot.waitExposed(widget)
    for side in ("left", "bottom"):
        widget.getPlotItem().hideAxis(side)
    return widget


def track_of(f0: np.ndarray, prob: np.ndarray) -> PitchTrack:
    voiced = np.isfinite(f0)
    n = len(f0)
    return PitchTrack(np.arange(n) * HOP / SR, f0, voiced, prob, SR,
                      AnalysisParams(hop_length=HOP), 60.0, 2000.0)


def show(qtbot, plot, track: PitchTrack, t0: float, t1: float) -> tuple[np.ndarray, object]:
    layer = PitchLayer(color="#ffd700")
    layer.attach(plot.getPlotItem())
    layer.set_result(track)
    plot.setXRange(t0, t1, padding=0)
    plot.setYRange(0.0, 1000.0, padding=0)
    qtbot.wait(20)
    box = plot.getPlotItem().getViewBox()
    layer.redraw(t0, t1, int(box.width()))
    qtbot.wait(20)
    return grab_rgb(plot), box


def expected(alphas: list[int]) -> np.ndarray:
    """The colour (RGB) of ``#ffd700`` stacked at each alpha (of 255) over the outline's
    black over the background, composited in floats here."""
    pixel = np.array(BG, dtype=float) * (1 - OUTLINE[1] / 255)
    for alpha in alphas:
        pixel = np.array([255, 215, 0]) * alpha / 255 + pixel * (1 - alpha / 255)
    return pixel


def test_each_opacity_step_outline_and_gap_seen_in_the_pixels(qtbot, plot):
    # 4 s: 0.2-0.8 s p=0.1, 1.2-1.8 s p=0.3, 2.2-2.8 s p=0.9, unvoiced elsewhere
    n = 400
    f0 = np.full(n, np.nan)
    prob = np.zeros(n)
    for (a, b), p in zip(((20, 80), (120, 180), (220, 280)), (0.1, 0.3, 0.9), strict=True):
        f0[a:b], prob[a:b] = HZ, p
    rgb, box = show(qtbot, plot, track_of(f0, prob), 0.0, 4.0)
    origin = plot.mapFromScene(box.mapViewToScene(pg.Point(0.0, HZ)))
    row = round(origin.y())
    col = lambda t: round(plot.mapFromScene(box.mapViewToScene(pg.Point(t, HZ))).x())  # noqa: E731
    alphas = [a for _, a in STEPS]
    for t, reached in ((0.5, 1), (1.5, 2), (2.5, 3)):
        c = col(t)
        line = rgb[row - WIDTH: row + WIDTH + 1, c].astype(int)
        want = expected(alphas[:reached])
        hit = np.abs(line - want).max(axis=1) <= 3
        assert hit.sum() == WIDTH, (t, line.tolist(), want)  # the line, WIDTH px thick
        lit = np.flatnonzero(hit)
        shade = expected([])  # the outline alone: one px on each side of the line
        for r in (row - WIDTH + lit[0] - 1, row - WIDTH + lit[-1] + 1):
            assert np.abs(rgb[r, c].astype(int) - shade).max() <= 3, (t, r, rgb[r, c])
        for r in (row - WIDTH + lit[0] - 2, row - WIDTH + lit[-1] + 2):  # then nothing
            assert tuple(rgb[r, c]) == BG
    for t in (1.0, 2.0, 3.2):  # unvoiced: the background, the whole height
        assert (rgb[:, col(t)] == BG).all(), t


def test_zoomed_out_groups_draw_the_frames_value(qtbot, plot):
    # 2 hours at 100 frames/s, f0 rising in steps of 100 Hz every 20 min, voiced 3 s in 4
    n = 720_000
    frames = np.arange(n)
    f0 = 200.0 + 100.0 * (frames // 120_000)
    f0[frames % 400 >= 300] = np.nan
    rgb, box = show(qtbot, plot, track_of(f0, np.full(n, 0.9)), 0.0, n * HOP / SR)
    ink = np.abs(rgb.astype(int) - expected([a for _, a in STEPS])).max(axis=2) <= 3
    for k in range(6):
        middle = (k + 0.5) * 1200.0  # s: the middle of the k-th 20 minutes
        point = plot.mapFromScene(box.mapViewToScene(pg.Point(middle, 200.0 + 100.0 * k)))
        rows = np.flatnonzero(ink[:, round(point.x())])
        assert len(rows) and abs(rows.mean() - point.y()) <= 1.5, (k, rows, point.y())


def test_grouped_values_equal_the_mean_of_each_groups_voiced_frames(qtbot, plot):
    """Whatever order the zooms come in (groups made from smaller groups already made),
    each drawn point is the mean f0 of the voiced frames of its aligned group of 2**k
    frames (NaN: none voiced) at its centre time, with the group's highest probability."""
    rng = np.random.default_rng(5)
    n = 100_003
    f0 = rng.uniform(100, 900, n)
    f0[rng.random(n) < 0.4] = np.nan
    prob = rng.random(n)
    track = track_of(f0, prob)
    layer = PitchLayer()
    layer.attach(plot.getPlotItem())
    layer.set_result(track)
    dt = HOP / SR
    for width in (200, 50, 100, 6000):  # levels 8, 10, 9 (from 8), then the frames
        layer.redraw(0.0, n * dt, width)
        x, y = layer.curves.getData()
        step = 2 ** round(np.log2(n / (2 * width))) if n / (2 * width) > 1.5 else 1
        pad = (-n) % step
        voiced = np.pad(np.isfinite(f0), (0, pad)).reshape(-1, step)
        sums = np.pad(np.nan_to_num(f0), (0, pad)).reshape(-1, step).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            want = np.where(voiced.sum(axis=1) > 0, sums / voiced.sum(axis=1), np.nan)
        np.testing.assert_allclose(y, want, rtol=1e-12)
        np.testing.assert_allclose(layer.curves.prob,
                                   np.pad(prob, (0, pad)).reshape(-1, step).max(axis=1))
        centres = np.minimum(np.arange(len(want)) * step + (step - 1) / 2, n - 1)
        np.testing.assert_allclose(x, centres * dt)
