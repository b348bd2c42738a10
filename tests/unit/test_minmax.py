"""Min/max pyramid: every bin holds the min and max of exactly the frames it covers."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.dsp.minmax import FANOUT, MinMaxPyramid, peak_line


@pytest.mark.parametrize("n", [1, 7, 8, 9, 1000, 4097])
def test_spans_hold_the_extremes_of_their_frames(n):
    rng = np.random.default_rng(n)
    values = rng.standard_normal(n).astype(np.float32)
    values[rng.integers(0, n, size=max(1, n // 50))] = np.nan  # NaN is ignored
    pyramid = MinMaxPyramid(values)
    for first, stop, points in [(0, n, 10**6), (0, n, 5), (n // 3, n - n // 4, 7),
                                (n // 2, n // 2 + 1, 1)]:
        centres, low, high = pyramid.span(first, stop, points)
        if stop <= first:
            continue
        if low is high:  # level 0: the values themselves
            np.testing.assert_array_equal(centres, np.arange(first, stop))
            np.testing.assert_array_equal(low, values[first:stop])
            continue
        size = FANOUT ** next(level for level in range(1, 20)
                              if np.ceil((stop - first) / FANOUT**level) <= points)
        assert len(low) <= points + 1
        for c, lo, hi in zip(centres, low, high, strict=True):
            b = int(c // size)
            run = values[b * size : min(n, (b + 1) * size)]
            assert b * size <= c < min(n, (b + 1) * size)
            if np.isnan(run).all():
                assert np.isnan(lo) and np.isnan(hi)
            else:
                assert lo == np.nanmin(run) and hi == np.nanmax(run)
        # the bins cover [first, stop)
        assert int(centres[0] // size) * size <= first
        assert min(n, (int(centres[-1] // size) + 1) * size) >= stop


def test_peak_line_goes_through_min_then_max():
    x, y = peak_line(np.array([1.0, 2.0]), np.array([0.0, -1.0]), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(x, [1, 1, 2, 2])
    np.testing.assert_array_equal(y, [0, 3, -1, 4])
