"""Boxes in the tiers' image: written one slice each (a few) or counted in 2-D (many), the
same pixels either way, and each box's pixels those of its tier (the last tier on top)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from sonolens.ui.views import tier_raster
from sonolens.ui.views.tier_raster import _image, luts


@pytest.fixture
def boxes(qapp):
    rng = np.random.default_rng(7)
    n, cols, rows = 400, 300, 120
    tier = np.sort(rng.integers(0, 3, n))
    c0 = rng.integers(0, cols - 20, n)
    c1 = c0 + rng.integers(1, 20, n)
    point = np.zeros(n, dtype=bool)
    index = np.flatnonzero(rng.random(n) < 0.6)  # the rest: full-height spans
    r0 = rng.integers(0, rows - 30, len(index))
    r1 = r0 + rng.integers(1, 30, len(index))
    fills, lines = luts([QColor(0, 230, 118, 40), QColor(255, 214, 0, 40),
                         QColor(64, 196, 255, 40)])
    return (c0, c1, point, tier, (index, r0, r1), fills, lines, cols, rows)


def test_sliced_and_counted_boxes_give_the_same_image(boxes, monkeypatch):
    sliced = _image(*boxes)
    monkeypatch.setattr(tier_raster, "PX_PER_SLICE", 10**9)
    counted = _image(*boxes)
    assert sliced.shape == counted.shape == (120, 300)
    assert np.array_equal(sliced, counted)


def test_inside_each_box_the_highest_tier_covering_it(boxes):
    c0, c1, _point, tier, (index, r0, r1), fills, lines, cols, rows = boxes
    image = _image(*boxes)
    expected = np.full((rows, cols), -1)  # painted here in tier order, box by box
    full = np.setdiff1d(np.arange(len(tier)), index)
    for k in full:
        expected[:, c0[k]:c1[k]] = np.maximum(expected[:, c0[k]:c1[k]], tier[k])
    for k, a, b in zip(index, r0, r1, strict=True):
        expected[a:b, c0[k]:c1[k]] = np.maximum(expected[a:b, c0[k]:c1[k]], tier[k])
    colours = {fills[t + 1] for t in range(3)} | {lines[t + 1] for t in range(3)}
    for t in range(3):  # fill or edge line of the tier expected there, nothing else
        where = expected == t
        assert np.isin(image[where], [fills[t + 1], lines[t + 1]]).all(), t
    assert (image[expected < 0] == 0).all()
    assert set(np.unique(image[expected >= 0]).tolist()) <= {int(c) for c in colours}
