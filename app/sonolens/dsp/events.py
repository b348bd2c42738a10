"""Onsets, beats and tempo of an audio source: one generator job (no Qt), and the
annotation tiers they become.

``detect_events(source, channel)`` reads the analysis signal (the channel mix, as
``librosa.to_mono``, or one channel) at the file's rate, computes one mel spectrogram
and from it both envelopes (mean: onsets; median: beats and tempo), then librosa's
``onset_detect`` and ``beat_track`` with their defaults (n_fft 2048, hop 512).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.progress import Progress
from sonolens.dsp import beats, onsets
from sonolens.dsp.signal import analysis_chunks, check_channel

N_FFT = 2048
HOP_LENGTH = 512
ONSET_TIER = "onsets"
BEAT_TIER = "beats"


@dataclass(frozen=True)
class Events:
    """``onsets``/``beats``: times in s (frame * hop / sr); ``tempo`` in BPM (0: none);
    ``strength``: the onset strength (n_frames,) (mean over mel bands) at ``hop/sr``."""

    onsets: np.ndarray
    beats: np.ndarray
    tempo: float
    strength: np.ndarray
    sr: int
    hop_length: int = HOP_LENGTH


def events_of_signal(y: np.ndarray, sr: int) -> Generator[Progress, None, Events]:
    """Events of mono ``y`` at ``sr`` Hz (see module doc); yields Progress per run."""
    steps = onsets.mel_power_steps(y, sr, n_fft=N_FFT, hop_length=HOP_LENGTH)
    while True:
        try:
            done, total = next(steps)
        except StopIteration as stop:
            mel = stop.value
            break
        yield Progress(done, total + total // 4, "onsets and beats")
    strength = onsets.strength_from_mel(mel, n_fft=N_FFT, hop_length=HOP_LENGTH)
    found = onsets.detect_from_strength(strength, sr, hop_length=HOP_LENGTH)
    median = onsets.strength_from_mel(mel, n_fft=N_FFT, hop_length=HOP_LENGTH,
                                      aggregate="median")
    yield Progress(len(mel), len(mel) + len(mel) // 4, "tempo and beats")
    tempo, beat_frames = beats.beats_from_strength(median, sr, hop_length=HOP_LENGTH)
    seconds = HOP_LENGTH / float(sr)
    return Events(found * seconds, beat_frames * seconds, float(tempo), strength, sr)


def detect_events(source: AudioSource, channel: int | None = None
                  ) -> Generator[Progress, None, Events]:
    """Events of ``source`` (channel mix, or 0-based ``channel``) at its own rate."""
    check_channel(channel, source.channels)
    sr = int(source.samplerate)
    parts = []
    for chunk in analysis_chunks(source.blocks(), native_sr=sr, sr=sr, channel=channel):
        parts.append(chunk)
        yield Progress(0, 1, "reading")
    y = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return (yield from events_of_signal(y, sr))


def tempo_of_source(source: AudioSource, *, sr: int, channel: int | None
                    ) -> Generator[Progress, None, float]:
    """``librosa.beat.beat_track(y=y, sr=sr)``'s tempo (BPM, 0.0 for none) of the
    analysis signal of ``source`` (at ``sr``, channel mix or ``channel``)."""
    check_channel(channel, source.channels)
    chunks = analysis_chunks(source.blocks(), native_sr=int(source.samplerate), sr=sr,
                             channel=channel)
    parts = list(chunks)
    y = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    yield Progress(1, 1, "tempo")
    mel = onsets.mel_power(y, sr, n_fft=N_FFT, hop_length=HOP_LENGTH)
    median = onsets.strength_from_mel(mel, n_fft=N_FFT, hop_length=HOP_LENGTH,
                                      aggregate="median")
    if not median.any():
        return 0.0
    return beats.tempo(median, sr, hop_length=HOP_LENGTH)


def event_tiers(events: Events) -> AnnotationSet:
    """Point tiers ``onsets`` and ``beats`` holding the events (empty labels)."""
    return AnnotationSet(
        [Tier(ONSET_TIER, points=True), Tier(BEAT_TIER, points=True)],
        [Annotation(float(t), float(t), "", name)
         for name, times in ((ONSET_TIER, events.onsets), (BEAT_TIER, events.beats))
         for t in times])


def with_event_tiers(into: AnnotationSet, tiers: AnnotationSet) -> AnnotationSet:
    """A copy of ``into`` whose tiers ``onsets`` and ``beats`` hold ``tiers``' annotations
    (existing tiers keep their place, colour and visibility; new ones are appended)."""
    base = into.copy()
    names = {t.name for t in tiers.tiers}
    base.annotations = [a for a in base.annotations if a.tier not in names]
    for tier in tiers.tiers:
        old = base.tier(tier.name)
        if old is None:
            base.tiers.append(tier)
        elif not old.points:
            base.tiers[base.tiers.index(old)] = Tier(old.name, True, old.color, old.visible)
    base.annotations.extend(tiers.annotations)
    return base


def event_annotations(events: Events, into: AnnotationSet | None = None) -> AnnotationSet:
    """``into`` (or an empty set) with the events as point tiers ``onsets`` and ``beats``."""
    return with_event_tiers(into or AnnotationSet(), event_tiers(events))
