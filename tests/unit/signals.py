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
