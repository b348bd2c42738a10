"""Test signals: deterministic, music/speech-like enough to exercise every feature."""

from __future__ import annotations

import numpy as np


def make_signal(sr: int = 22050, seconds: float = 4.0, *, seed: int = 0) -> np.ndarray:
    """float32 mono: a gliding harmonic tone, a second tone entering, noise, and silence.

    Starts with 0.15 s of exact silence (zero frames must match librosa too).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(int(sr * seconds)) / sr
    f0 = 220.0 * (1 + 0.25 * t / seconds)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = sum(0.3 / k * np.sin(k * phase) for k in range(1, 6))
    y = y + 0.2 * np.sin(2 * np.pi * 1318.5 * t) * (t > seconds / 2)
    y = y + 0.02 * rng.standard_normal(len(t))
    y[: int(0.15 * sr)] = 0.0
    return y.astype(np.float32)


def drum_loop(bpm: float, sr: int = 22050, seconds: float = 8.0, *, seed: int = 0
              ) -> np.ndarray:
    """float64 mono: kicks (a falling 150 -> 50 Hz sine) on the beats of ``bpm`` and
    decaying noise bursts (hi-hats) half-way between them."""
    rng = np.random.default_rng(seed)
    n = int(sr * seconds)
    y = np.zeros(n)
    t = np.arange(int(0.25 * sr)) / sr
    kick = np.sin(2 * np.pi * (50 + 100 * np.exp(-t * 30)) * t) * np.exp(-t * 12)
    hat = 0.3 * rng.standard_normal(len(t)) * np.exp(-t * 60)
    half = 30.0 / bpm
    for k in range(int(seconds / half) + 1):
        start = int(k * half * sr)
        seg = kick if k % 2 == 0 else hat
        m = max(0, min(len(seg), n - start))
        y[start:start + m] += seg[:m]
    return y


def piano_notes(sr: int = 22050, *, notes: tuple[int, ...] = (48, 55, 60, 64, 67, 72, 69),
                note_seconds: float = 0.6, overlap: float = 0.5, seed: int = 0
                ) -> np.ndarray:
    """float32 mono, piano-like: MIDI ``notes`` struck one after another (each ringing on
    under the next for ``overlap`` of its length), 8 slightly inharmonic partials with
    faster decay for higher ones and a short hammer click; peak 0.5. 69 is A4 = 440 Hz."""
    rng = np.random.default_rng(seed)
    step = int(note_seconds * sr)
    ring = int(note_seconds * (1 + overlap) * sr)
    y = np.zeros(step * len(notes) + ring)
    t = np.arange(ring) / sr
    for i, midi in enumerate(notes):
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        tone = np.zeros(ring)
        for k in range(1, 9):
            fk = k * f0 * np.sqrt(1 + 0.0004 * k * k)
            if fk < sr / 2:
                tone += np.exp(-t * (1.5 + 0.8 * k)) / k * np.sin(2 * np.pi * fk * t)
        click = np.exp(-t * 400) * rng.standard_normal(ring) * 0.05
        y[i * step : i * step + ring] += (tone + click) * np.minimum(1.0, t / 0.003)
    return (0.5 * y / np.abs(y).max()).astype(np.float32)
