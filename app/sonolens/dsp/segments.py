"""The analysis pass in independent segments, computed on several threads at once.

A source that reads any span cheaply (:class:`sonolens.audio.SpanReadable`: a seekable
file of stated length) analysed at its own rate needs no stream: frames [f0, f1) of the
centred STFT cover samples [f0*hop - n_fft//2, (f1-1)*hop + n_fft//2) (zeros outside the
file), so a worker reads exactly those, mixes them to mono, frames and computes them --
decoding included, on every core. The frames and the results are bit-identical to
:func:`sonolens.dsp.framing.frame_blocks` over the stream; the caller adds them in order.

A read that comes back short (a file cut short: the source then serves what is really
there) ends the pass there, as the stream would end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from sonolens.audio import AudioSource, SpanReadable
from sonolens.dsp.framing import FRAMES_PER_BLOCK, FrameBlock, frame_count
from sonolens.dsp.parallel import ordered_map
from sonolens.dsp.signal import to_mono

FRAMES_PER_SEGMENT = 4 * FRAMES_PER_BLOCK  # ~12 s at 44.1 kHz, hop 512


@dataclass
class SegmentResult:
    """What one segment gave, in the order the caller adds it.

    results: (FrameBlock, compute(block)) per block of the segment's frames;
    samples: float32 (n, channels) native frames [first, first + n) that the segment owns
    (its share of the file: [f0*hop, f1*hop), the last one to the end), for the waveform;
    mono: the same span mixed (n,), for a spool; prepared: ``prepare(samples)`` or None;
    end: the end of the data when this segment found it (a short read), else None.
    """

    results: list[tuple[FrameBlock, Any]]
    first: int
    samples: np.ndarray
    mono: np.ndarray
    prepared: Any
    end: int | None


def reads_segments(source: AudioSource, sr: int) -> bool:
    """Whether :func:`segment_results` can analyse ``source`` at ``sr`` Hz."""
    return (sr == source.samplerate and isinstance(source, SpanReadable)
            and source.reads_spans and source.frames > 0)


def segment_results(source: AudioSource, *, n_fft: int, hop_length: int, channel: int | None,
                    compute: Callable[[FrameBlock], Any],
                    prepare: Callable[[np.ndarray], Any] | None = None, workers: int = 2,
                    frames_per_segment: int = FRAMES_PER_SEGMENT) -> Iterator[SegmentResult]:
    """Each segment's results in order (see the module doc); close() cancels the rest."""
    n_samples = source.frames
    total = frame_count(n_samples, n_fft=n_fft, hop_length=hop_length)
    starts = range(0, total, frames_per_segment)

    def run(f0: int) -> SegmentResult:
        return _segment(source, f0, min(total, f0 + frames_per_segment), n_samples,
                        n_fft=n_fft, hop_length=hop_length, channel=channel,
                        compute=compute, prepare=prepare, last=f0 + frames_per_segment >= total)

    end = None  # the earliest end of the data a short read found
    results = ordered_map(run, starts, workers=workers, ahead=2 * workers)
    try:
        for f0, result in results:
            if end is not None and f0 >= frame_count(end, n_fft=n_fft, hop_length=hop_length):
                break  # past the data's end (a segment's read reaches into the next one)
            if result.end is not None:
                end = result.end if end is None else min(end, result.end)
            yield result
    finally:
        results.close()
    if end is None:
        confirm = getattr(source, "confirm_length", None)
        if confirm is not None:
            confirm(n_samples)


def _segment(source: AudioSource, f0: int, f1: int, n_samples: int, *, n_fft: int,
             hop_length: int, channel: int | None, compute: Callable[[FrameBlock], Any],
             prepare: Callable[[np.ndarray], Any] | None, last: bool) -> SegmentResult:
    pad = n_fft // 2
    # padded sample indices: padded p is sample p - pad
    p0, p1 = f0 * hop_length, (f1 - 1) * hop_length + n_fft
    own0, own1 = f0 * hop_length, n_samples if last else f1 * hop_length
    read0, read1 = max(0, min(p0 - pad, own0)), min(n_samples, max(p1 - pad, own1))
    raw = source.read(read0, read1)
    end = read0 + len(raw) if len(raw) < read1 - read0 else None
    data_end = n_samples if end is None else end
    mono = to_mono(raw, channel) if len(raw) else np.zeros(0, dtype=np.float32)
    # the padded segment [p0, p1): zeros before 0 and after the data's end
    segment = np.zeros(p1 - p0, dtype=np.float32)
    lo, hi = max(read0, p0 - pad), min(read0 + len(mono), p1 - pad)
    if hi > lo:
        segment[lo + pad - p0 : hi + pad - p0] = mono[lo - read0 : hi - read0]
    if end is not None:  # frames past the data's end do not exist
        f1 = min(f1, max(f0, frame_count(end, n_fft=n_fft, hop_length=hop_length)))
    results = []
    for b0 in range(f0, f1, FRAMES_PER_BLOCK):
        b1 = min(f1, b0 + FRAMES_PER_BLOCK)
        offset = (b0 - f0) * hop_length
        block = FrameBlock(start=b0, n_frames=b1 - b0,
                           segment=segment[offset : offset + (b1 - b0 - 1) * hop_length + n_fft],
                           n_fft=n_fft, hop_length=hop_length, signal_begin=pad,
                           signal_end=pad + data_end)
        results.append((block, compute(block)))
    own1 = min(own1, data_end)
    samples = raw[own0 - read0 : max(own0, own1) - read0]
    owned = mono[own0 - read0 : max(own0, own1) - read0]
    prepared = None
    if prepare is not None:  # the analysis mix is the envelope's mix when it is the mean
        prepared = prepare(samples, owned) if channel is None else prepare(samples)
    return SegmentResult(results, own0, samples, owned, prepared, end)
