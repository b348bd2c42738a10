"""Min/max pyramid: every bin holds the min and max of exactly the frames it covers."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.dsp.minmax import FANOUT, MinMaxPyramid


@pytest.mark.parametrize("n", [1, 7, 8, 9, 1000, 4097, 70_000])
def test_spans_hold_the_extremes_of_their_frames(n):
    rng = np.random.default_rng(n)
    values = rng.standard_normal(n).astype(np.float32)
    values[rng.integers(0, n, size=max(1, n // 50))] = np.nan  # NaN is ignored...
    values[n // 2 : n // 2 + 100] = np.nan  # ...unless a whole bin is NaN
    pyramid = MinMaxPyramid(values)
    for first, stop, points in [(0, n, 10**6), (0, n, 5), (n // 3, n - n // 4, 7),
                                (n // 2, n // 2 + 1, 1), (0, n, 1300), (10, n, 1301)]:
        centres, low, high = pyramid.span(first, stop, points)
        if stop <= first:
            continue
        if low is high:  # every frame fits: the values themselves
            assert stop - first <= points
            np.testing.assert_array_equal(centres, np.arange(first, stop))
            np.testing.assert_array_equal(low, values[first:stop])
            continue
        # as fine as allowed: more than points / FANOUT bins, at most points (+1 for the
        # alignment of the first bin)
        assert points / FANOUT < len(low) <= points + 1
        if len(low) < 2:
            continue
        width = round(centres[1] - centres[0])
        start = round(centres[0] - (width - 1) / 2)
        assert start <= first and start % width == 0
        for j, (c, lo, hi) in enumerate(zip(centres, low, high, strict=True)):
            begin = start + j * width
            end = round(2 * c - begin + 1)  # the centre tells where the bin ends
            assert end == begin + width or (j == len(low) - 1 and stop <= end <= n)
            run = values[begin:end]
            if np.isnan(run).all():
                assert np.isnan(lo) and np.isnan(hi)
            else:
                assert lo == np.nanmin(run) and hi == np.nanmax(run)


@pytest.mark.parametrize("n", [5, 1000, 70_000])
def test_mean_span_means_are_the_frames_nanmeans(n):
    rng = np.random.default_rng(n)
    values = rng.standard_normal(n).astype(np.float32) * 100 + 50
    if n > 100:
        values[n // 2 : n // 2 + 600] = np.nan  # a whole bin of NaN has no mean
        values[rng.integers(0, n, size=n // 50)] = np.inf
    pyramid = MinMaxPyramid(values)
    for first, stop, points in [(0, n, 10**6), (0, n, 50), (n // 3, n - n // 4, 7)]:
        centres, low, mean, high = pyramid.mean_span(first, stop, points)
        c2, l2, h2 = pyramid.span(first, stop, points)
        np.testing.assert_array_equal(centres, c2)
        np.testing.assert_array_equal(low, l2)
        np.testing.assert_array_equal(high, h2)
        if low is high:
            np.testing.assert_array_equal(mean, values[first:stop].astype(np.float64))
            continue
        width = round(centres[1] - centres[0])
        start = round(centres[0] - (width - 1) / 2)
        for j, (c, m) in enumerate(zip(centres, mean, strict=True)):
            begin = start + j * width
            end = round(2 * c - begin + 1)
            run = values[begin:end].astype(np.float64)
            run = run[np.isfinite(run)]
            if len(run) == 0:
                assert np.isnan(m)
            else:
                assert m == pytest.approx(run.mean(), rel=1e-9, abs=1e-9)
