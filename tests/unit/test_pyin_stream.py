"""pYIN over a streamed signal (dsp.chunk_stream.ChunkStream): the same arrays as over one
array, at block edges too, with memory far below the signal's size on a long input."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import numpy as np
import pytest

from sonolens.core.errors import ParameterError
from sonolens.dsp.chunk_stream import ChunkStream
from sonolens.dsp.pyin import BLOCK_FRAMES, pyin
from tests.unit.test_pyin import SR, melody

HOP = 512


def chunked(y: np.ndarray, sizes: list[int]) -> Iterator[np.ndarray]:
    """``y`` in chunks of the given sizes, cycled (copies: nothing shares y's memory)."""
    at, k = 0, 0
    while at < len(y):
        yield y[at:at + sizes[k % len(sizes)]].copy()
        at += sizes[k % len(sizes)]
        k += 1


def streamed(y: np.ndarray, sizes: list[int]) -> ChunkStream:
    return ChunkStream(chunked(y, sizes), len(y))


def assert_same(ours: tuple, theirs: tuple) -> None:
    for a, b in zip(ours, theirs, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # NaN where NaN: exactly equal


# 3 blocks and a bit of frames; chunk sizes that never line up with blocks or hops
N_SAMPLES = (3 * BLOCK_FRAMES + 37) * HOP + 301


@pytest.mark.parametrize("sizes", [[4093], [1, 70_000, 517, 131_072], [N_SAMPLES]])
def test_streamed_equals_array_across_blocks(sizes: list[int]) -> None:
    y = melody(N_SAMPLES / SR + 1, seed=21)[:N_SAMPLES]
    array = pyin(y, SR, fill_na=None)
    assert len(array[0]) == 3 * BLOCK_FRAMES + 38
    assert_same(pyin(streamed(y, sizes), SR, fill_na=None), array)
    assert_same(pyin(streamed(y, sizes), SR, center=False, frame_length=1024, hop_length=300,
                     fmin=100.0), pyin(y, SR, center=False, frame_length=1024,
                                       hop_length=300, fmin=100.0))


def test_streamed_checkpointed_decoding_equals_array(monkeypatch: pytest.MonkeyPatch) -> None:
    from sonolens.dsp import pyin_viterbi

    y = melody(N_SAMPLES / SR + 1, seed=4)[:N_SAMPLES]
    array = pyin(y, SR)
    monkeypatch.setattr(pyin_viterbi, "KEEP_POINTERS_BYTES", 100_000)
    assert_same(pyin(streamed(y, [3001, 65_537]), SR), array)


def test_chunk_stream_reads_forward_only() -> None:
    y = np.arange(10_000, dtype=np.float32)
    stream = streamed(y, [333])
    np.testing.assert_array_equal(stream.read(0, 10), y[:10])
    np.testing.assert_array_equal(stream.read(5000, 7001), y[5000:7001])  # skips chunks
    np.testing.assert_array_equal(stream.read(6000, 10_000), y[6000:])
    np.testing.assert_array_equal(stream.read(10_000, 10_000), y[:0])
    with pytest.raises(ValueError, match="went back"):
        stream.read(100, 200)


@pytest.mark.parametrize(("stream", "params", "message"), [
    (ChunkStream(iter([np.zeros(5000, np.float32)]), 20_000), {}, "ended after 5000"),
    (ChunkStream(iter([np.full(SR, np.nan, np.float32)]), SR), {}, "NaN"),
    (ChunkStream(iter([np.zeros(SR, np.float32)]), SR), {"pad_mode": "reflect"}, "streamed"),
    (ChunkStream(iter([np.zeros(SR, np.int16)]), SR, np.int16), {}, "floating-point"),
])
def test_bad_streams_are_parameter_errors(stream: ChunkStream, params: dict,
                                          message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        pyin(stream, SR, **params)


def tone_chunks(seconds: float, chunk: int = 48_000) -> Iterator[np.ndarray]:
    """A gliding two-partial tone with silent gaps, made chunk by chunk (never whole)."""
    n = int(seconds * SR)
    for at in range(0, n, chunk):
        t = np.arange(at, min(n, at + chunk)) / SR
        phase = 2 * np.pi * (110 * t + 20 * np.sin(2 * np.pi * 0.05 * t) / (2 * np.pi * 0.05))
        gate = (t % 3.0) < 2.0
        yield (gate * (0.5 * np.sin(phase) + 0.2 * np.sin(2 * phase))).astype(np.float32)


def test_twenty_minutes_streamed_stay_far_below_the_signal_size(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """hop 4096 keeps it quick (6.5k frames); checkpointed decoding as on long inputs; the
    peak is mostly one block's YIN workspace (~20-30 MB), not the signal."""
    from sonolens.dsp import pyin_viterbi

    monkeypatch.setattr(pyin_viterbi, "KEEP_POINTERS_BYTES", 100_000)
    minutes, hop = 20, 4096
    signal_mb = minutes * 60 * SR * 4 / 2**20  # 101 MB as one float32 array
    pyin(np.zeros(SR, dtype=np.float32), SR)  # numba JIT outside the measurement
    tracemalloc.start()
    try:
        began = time.perf_counter()
        f0, voiced, _ = pyin(ChunkStream(tone_chunks(minutes * 60), minutes * 60 * SR), SR,
                             hop_length=hop, max_transition_rate=10.0)
        seconds = time.perf_counter() - began
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert len(f0) == 1 + minutes * 60 * SR // hop
    assert 0.5 < voiced.mean() < 0.8  # 2 s of tone every 3 s
    assert np.nanmedian(f0) == pytest.approx(110, rel=0.2)
    print(f"\n20 min streamed: peak traced {peak_mb:.1f} MB (signal {signal_mb:.0f} MB), "
          f"{seconds:.1f} s")
    assert peak_mb < 40 < signal_mb
