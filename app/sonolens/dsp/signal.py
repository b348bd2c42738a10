"""The analysis signal: mono mix (or one channel) at the analysis rate, float32 chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from sonolens.audio.protocol import Playable
from sonolens.core.errors import ParameterError


def check_channel(channel: int | None, channels: int) -> None:
    if channel is not None and channel >= channels:
        raise ParameterError(
            f"channel {channel + 1} does not exist: the file has {channels} channel(s) "
            "(numbered from 1, as in the window)"
        )


def to_mono(block: np.ndarray, channel: int | None) -> np.ndarray:
    """(n, channels) float32 -> (n,) float32: one channel, or the mean (librosa.to_mono)."""
    if channel is not None:
        return np.ascontiguousarray(block[:, channel])
    if block.shape[1] == 1:
        return np.ascontiguousarray(block[:, 0])
    # channel by channel, in order: librosa.to_mono's own summation order (np.mean over the
    # channel axis of its (channels, n) array), bit for bit at any channel count; 10x
    # faster than block.mean(axis=1), which also sums 8+ channels pairwise (other bits)
    mono = block[:, 0].copy()
    for c in range(1, block.shape[1]):
        mono += block[:, c]
    mono /= np.float32(block.shape[1])
    return mono


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


_RESAMPLE_MARGIN_S = 0.1  # soxr HQ's filter settles well within this (a few ms)


def analysis_segment(source: Playable, start: int, stop: int, *, sr: int, channel: int | None
                     ) -> np.ndarray:
    """Samples [start, stop) of the analysis signal (mono or ``channel``, at ``sr`` Hz),
    float32 (stop - start,), zeros outside the file: random access to what
    :func:`analysis_chunks` streams.

    At the native rate this reads exactly those samples. When resampling it reads from a
    native sample that maps to a whole output sample (so nothing is shifted), with
    ~0.1 s of margin on each side for soxr's filter; values then match the streamed
    signal to float32 rounding, except within the margin of the file's ends.
    """
    out = np.zeros(max(0, stop - start), dtype=np.float32)
    native = source.samplerate
    if stop <= max(0, start):
        return out
    if sr == native:
        first = max(0, start)
        block = source.read(first, stop)
        values = to_mono(block, channel) if len(block) else block[:, :0].reshape(0)
        out[first - start : first - start + len(values)] = values
        return out
    import math

    import soxr

    g = math.gcd(native, sr)
    in_step, out_step = native // g, sr // g
    margin = math.ceil(_RESAMPLE_MARGIN_S * sr / out_step) * out_step
    out_first = max(0, (max(0, start) - margin) // out_step * out_step)
    in_first = out_first // out_step * in_step
    in_stop = math.ceil((stop + margin) * native / sr)
    block = source.read(in_first, in_stop)
    if len(block) == 0:
        return out
    resampled = soxr.resample(to_mono(block, channel), native, sr, quality="HQ")
    lo = max(0, start) - out_first
    values = resampled[lo : lo + (stop - max(0, start))]
    first = max(0, start) - start
    out[first : first + len(values)] = values
    return out
