"""The blocks of frames of an analysis pass and their results, in order, on every core.

One loop for the passes that read a file (the engine's pass 1, the display spectrogram):
:mod:`sonolens.dsp.segments` where the source reads spans (decoding on every worker),
else the decoded stream cut by :func:`sonolens.dsp.framing.frame_blocks`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from sonolens.audio import AudioSource
from sonolens.core.params import AnalysisParams
from sonolens.dsp.framing import FrameBlock, frame_blocks
from sonolens.dsp.parallel import ordered_map
from sonolens.dsp.segments import reads_segments, segment_results
from sonolens.dsp.signal import analysis_chunks
from sonolens.dsp.spool import SignalSpool


def frame_results(source: AudioSource, p: AnalysisParams, sr: int,
                  compute: Callable[[FrameBlock], Any], spool: SignalSpool | None = None, *,
                  workers: int = 2, see: Callable[[Any], None] | None = None,
                  prepare: Callable[[np.ndarray], Any] | None = None,
                  frames_per_segment: int | None = None,
                  ) -> Iterator[tuple[FrameBlock, Any]]:
    """(block, compute(block)) of every block of frames of the analysis signal (``p``'s
    channel at ``sr`` Hz), in order, computed on ``workers`` threads; the source's samples
    go to ``see`` (after ``prepare``, which may run on a worker) and the analysis signal to
    ``spool`` on the way. Segments (decoding on every thread) where the source allows,
    else a stream (its decoding in order). ``frames_per_segment`` (default: segments'
    own) a multiple of FRAMES_PER_BLOCK keeps every block the stream's own shape."""
    if reads_segments(source, sr):
        sizing = {} if frames_per_segment is None else {
            "frames_per_segment": frames_per_segment}
        segments = segment_results(source, n_fft=p.n_fft, hop_length=p.hop_length,
                                   channel=p.channel, compute=compute,
                                   prepare=prepare if see is not None else None,
                                   workers=workers, **sizing)
        with contextlib.closing(segments):
            for segment in segments:
                if see is not None and len(segment.samples):
                    see(segment.prepared if prepare is not None else segment.samples)
                if spool is not None:
                    spool.write(segment.mono)
                yield from segment.results
        return
    decoded = source.blocks()
    if see is not None:
        decoded = _tapped(decoded, see, prepare)
    chunks = analysis_chunks(decoded, native_sr=source.samplerate, sr=sr,
                             channel=p.channel)
    blocks = frame_blocks(spool.tee(chunks) if spool else chunks, n_fft=p.n_fft,
                          hop_length=p.hop_length)
    with contextlib.closing(ordered_map(compute, blocks, workers=workers)) as results:
        yield from results


def _tapped(blocks: Iterable[np.ndarray], see: Callable[[Any], None],
            prepare: Callable[[np.ndarray], Any] | None) -> Iterator[np.ndarray]:
    for block in blocks:
        see(prepare(block) if prepare is not None else block)
        yield block
