"""The window's jobs: plain generators (no Qt) that yield Progress and return a result."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from sonolens.audio.source import AudioSource, open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.dsp.engine import extract_features


def open_job(path: str | Path) -> Generator[Progress, None, AudioSource]:
    """Open and check ``path`` (decoder probe, readable data) off the GUI thread."""
    yield Progress(0, 1, "opening")
    source = open_source(path)
    try:
        yield Progress(1, 1, "opening")
    except GeneratorExit:
        source.close()
        raise
    return source


def features_job(source: AudioSource, params: AnalysisParams):
    """Every per-frame feature of ``source`` (a FeatureTable)."""
    return extract_features(source, params)


def spectrogram_job(source: AudioSource, params: AnalysisParams, kind: str):
    """The display spectrogram of ``kind`` (progressive: partial = the Spectrogram)."""
    from sonolens.dsp.spectrogram import compute_spectrogram

    return compute_spectrogram(source, params, kind)


def envelope_job(source: AudioSource):
    """The waveform min/max pyramid (progressive: partial = the envelope)."""
    from sonolens.dsp.envelope import compute_envelope

    return compute_envelope(source)
