"""The analysis signal: mono mix (or one channel) at the analysis rate, float32 chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from sonolens.core.errors import ParameterError


def check_channel(channel: int | None, channels: int) -> None:
    if channel is not None and channel >= channels:
        raise ParameterError(
            f"channel={channel} does not exist: the file has {channels} channel(s) (0-based)"
        )


def to_mono(block: np.ndarray, channel: int | None) -> np.ndarray:
    """(n, channels) float32 -> (n,) float32: one channel, or the mean (librosa.to_mono)."""
    if channel is not None:
        return np.ascontiguousarray(block[:, channel])
    if block.shape[1] == 1:
        return np.ascontiguousarray(block[:, 0])
    return block.mean(axis=1, dtype=np.float32)


def analysis_chunks(
    blocks: Iterable[np.ndarray], *, native_sr: int, sr: int, channel: int | None
) -> Iterator[np.ndarray]:
    """Mono float32 chunks at ``sr`` Hz, resampled with soxr 'HQ' (as librosa.load) if needed."""
    if sr == native_sr:
        for block in blocks:
            yield to_mono(block, channel)
        return
    import soxr

    stream = soxr.ResampleStream(native_sr, sr, 1, dtype="float32", quality="HQ")
    for block in blocks:
        out = stream.resample_chunk(to_mono(block, channel))
        if len(out):
            yield out
    tail = stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
    if len(tail):
        yield tail
