"""ColumnBuffer: preallocated per-frame columns equal to joining the blocks."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.dsp.columns import ColumnBuffer


@pytest.mark.parametrize("capacity", [1, 50, 1000])  # header too short, about right, too long
@pytest.mark.parametrize("width", [1, 3])
def test_blocks_join_in_order_whatever_the_capacity(capacity: int, width: int) -> None:
    rng = np.random.default_rng(capacity + width)
    shape = (lambda n: (n,)) if width == 1 else (lambda n: (n, width))
    blocks = [rng.standard_normal(shape(n)) for n in (7, 64, 0, 33, 256)]
    buffer = ColumnBuffer(capacity, width)
    for block in blocks:
        buffer.append(block)
    expected = np.concatenate(blocks).astype(np.float32).reshape(-1, width)
    buffer.trimmed()
    assert buffer.n_frames == len(expected)
    np.testing.assert_array_equal(buffer.array(), expected)
    for k in range(width):
        column = buffer.column(k)
        assert column.dtype == np.float32 and column.flags.c_contiguous
        np.testing.assert_array_equal(column, expected[:, k])


def test_trimmed_releases_unused_capacity() -> None:
    buffer = ColumnBuffer(10_000, 2)
    buffer.append(np.ones((10, 2)))
    assert buffer.trimmed().column(1).base.shape == (2, 10)
