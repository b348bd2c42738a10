"""The spectrogram kinds the window shows, computed in blocks, equal to librosa.

Per frame (same ``y`` as librosa.load, exact float64 FFT rounded to complex64):

- ``magnitude``: ``np.abs(librosa.stft(y, center=True))``
- ``power``: magnitude**2
- ``db``: ``librosa.amplitude_to_db(magnitude, ref=1.0, amin=1e-5, top_db=None)``
- ``mel_db``: ``librosa.power_to_db(melspectrogram(S=power, ...), ref=1.0, amin=1e-10,
  top_db=None)``

No global reference (``ref=1.0``, no ``top_db``): every block is final when computed, so
the view can show it at once. The colour range is chosen by the view.

This module computes; the pieces live beside it: the kind's plan
(:mod:`~sonolens.dsp.spectrogram_plan`), the store and its writer
(:mod:`~sonolens.dsp.spectrogram_store`), the lock-free reader
(:mod:`~sonolens.dsp.spectrogram_reader`), the overviews
(:mod:`~sonolens.dsp.spectrogram_overview`), the detail tiles
(:mod:`~sonolens.dsp.spectrogram_tiles`) and the value lookup
(:mod:`~sonolens.dsp.spectrogram_values`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Generator, Iterator

import numpy as np

from sonolens.audio import SpanReadable
from sonolens.audio.protocol import AudioSource
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.core.view_settings import SPECTROGRAM_UNITS
from sonolens.dsp.framing import frame_count
from sonolens.dsp.pass_blocks import frame_results
from sonolens.dsp.signal import analysis_chunks, check_channel
from sonolens.dsp.spectrogram_overview import OVERVIEW_STEP
from sonolens.dsp.spectrogram_plan import SpectrogramPlan, make_spectrogram_plan
from sonolens.dsp.spectrogram_store import Spectrogram, pooling_factor
from sonolens.dsp.tiles import DEFAULT_TILE_BYTES, TileCache

__all__ = [
    "OVERVIEW_STEP", "SPECTROGRAM_UNITS", "STORED_BYTES", "Spectrogram", "SpectrogramPlan",
    "compute_spectrogram", "expected_frames", "make_spectrogram_plan", "new_spectrogram",
    "pooling_factor", "spectrogram_blocks",
]

STORED_BYTES = 64 * 2**20  # ~3 min of 44.1 kHz audio at full resolution (n_fft 2048, hop 512)


def expected_frames(source: AudioSource, params: AnalysisParams, sr: int) -> int:
    """Frames the file should give at ``sr`` (from the header's frame count)."""
    n_samples = round(source.frames * sr / source.samplerate)
    return frame_count(n_samples, n_fft=params.n_fft, hop_length=params.hop_length)


def spectrogram_blocks(
    source: AudioSource, plan: SpectrogramPlan, *, workers: int = 2
) -> Iterator[tuple[int, np.ndarray]]:
    """``(first_frame, values (n, n_rows) float32)`` per block, in order; close() cancels."""
    if plan.own_frames:  # a kind computing its own frames from the signal (catalog blocks)
        chunks = analysis_chunks(source.blocks(), native_sr=source.samplerate, sr=plan.sr,
                                 channel=plan.params.channel)
        own = plan.own.blocks(chunks)
        with contextlib.closing(own):
            yield from own
        return
    results = frame_results(source, plan.params, plan.sr, plan.compute, workers=workers)
    with contextlib.closing(results):
        for block, values in results:
            yield block.start, values


def new_spectrogram(
    source: AudioSource, params: AnalysisParams | None, kind: str, *,
    max_bytes: int | None = None, tile_bytes: int = DEFAULT_TILE_BYTES,
) -> tuple[SpectrogramPlan, Spectrogram, int]:
    """(plan, empty Spectrogram sized for the file, expected frame count) for ``kind``.

    Columns are stored full resolution up to ``max_bytes`` (default STORED_BYTES),
    max-pooled beyond; then
    finer columns for zoomed-in views come from tiles cached up to ``tile_bytes``.
    """
    params = (params or AnalysisParams()).validate()
    check_channel(params.channel, source.channels)
    sr = params.sr or source.samplerate
    plan = make_spectrogram_plan(params, kind, sr)
    expected = max(1, expected_frames(source, params, sr))
    budget = STORED_BYTES if max_bytes is None else max_bytes
    if budget < plan.n_rows * 4:
        raise ParameterError(f"max_bytes={budget} cannot hold one column of "
                             f"{plan.n_rows} rows ({plan.n_rows * 4} bytes)")
    k = pooling_factor(expected, plan.n_rows, budget)
    spec = Spectrogram(
        kind=kind, sr=sr, hop_length=params.hop_length, params=params, freqs=plan.freqs,
        values=np.zeros((math.ceil(expected / k), plan.n_rows), dtype=np.float32),
        frames_per_column=k, max_bytes=budget, tile_bytes=tile_bytes, plan=plan,
    )
    if isinstance(source, SpanReadable) and source.reads_spans and sr == source.samplerate:
        spec.frames_expected = expected  # the stated length is the real one
    spec.init_overview(len(spec.values))
    if k > 1:
        spec.tiles = TileCache(tile_bytes)
    return plan, spec, expected


def compute_spectrogram(
    source: AudioSource, params: AnalysisParams | None = None, kind: str = "db", *,
    max_bytes: int | None = None, workers: int = 2,
) -> Generator[Progress, None, Spectrogram]:
    """The ``kind`` spectrogram of ``source``; yields Progress(partial=spectrogram) per block.

    Stores full resolution unless that exceeds ``max_bytes``; then the smallest whole
    ``frames_per_column`` that fits (max-pooled; for dB kinds the dB values are pooled).
    """
    plan, spec, expected = new_spectrogram(source, params, kind, max_bytes=max_bytes)
    with contextlib.closing(spectrogram_blocks(source, plan, workers=workers)) as blocks:
        for _start, values in blocks:
            spec.append(values)
            total = max(expected, spec.n_frames)
            yield Progress(spec.n_frames, total, "spectrogram", partial=spec)
    spec.finish()
    return spec
