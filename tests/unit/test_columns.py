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


def test_engine_matrices_are_shared_not_copied(tmp_path):
    import soundfile as sf

    from sonolens.audio import open_source
    from sonolens.core.progress import run_to_end
    from sonolens.dsp.engine import extract_features
    from tests.unit.signals import make_signal

    path = tmp_path / "x.wav"
    sf.write(path, make_signal(22050, 2.0, seed=2), 22050, subtype="FLOAT")
    with open_source(path) as source:
        table = run_to_end(extract_features(source))
    for prefix, rows in (("mfcc_", 20), ("chroma_", 12), ("spectral_contrast_", 7)):
        names = [n for n in table.columns if n.startswith(prefix)]
        block = table.feature(prefix)
        assert block.shape == (rows, table.n_frames) == (len(names), table.n_frames)
        np.testing.assert_array_equal(block, np.stack([table.columns[n] for n in names]))
        shared = np.shares_memory(block, table.columns[names[0]])
        assert shared == (prefix != "spectral_contrast_")  # contrast is stacked per band
        if shared:
            assert not block.flags.writeable
