"""Regenerate resources/demo.flac: a synthesized piano-like phrase, a chirp and spoken words.

Everything is made here (numpy additive synthesis + espeak-ng speech), so the file is ours
to ship. Run: python packaging/make_demo_sound.py  (needs espeak-ng for the speech part).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 22050
OUT = Path(__file__).resolve().parents[1] / "resources" / "demo.flac"


def note(freq: float, seconds: float) -> np.ndarray:
    """A decaying tone with a few inharmonic-free partials (a simple piano-ish timbre)."""
    t = np.arange(int(seconds * SR)) / SR
    tone = sum((0.6 / k) * np.sin(2 * np.pi * k * freq * t) * np.exp(-t * (2.0 + k)) for k in range(1, 7))
    attack = np.minimum(1.0, t / 0.005)
    return tone * attack


def melody() -> np.ndarray:
    midi = [60, 64, 67, 72, 71, 67, 64, 62, 60]  # C major arpeggio and back
    parts = [note(440.0 * 2 ** ((m - 69) / 12), 0.45) for m in midi]
    return np.concatenate(parts)


def chirp(seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    f0, f1 = 100.0, 8000.0
    phase = 2 * np.pi * f0 * seconds / np.log(f1 / f0) * (np.exp(t / seconds * np.log(f1 / f0)) - 1)
    return 0.4 * np.sin(phase) * np.hanning(len(t))


def speech(text: str) -> np.ndarray:
    if shutil.which("espeak-ng") is None:
        return np.zeros(0)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True)
        y, sr = sf.read(wav, dtype="float64")
    import soxr

    return 0.8 * soxr.resample(y, sr, SR) / max(1e-9, np.abs(y).max())


def main() -> None:
    gap = np.zeros(int(0.3 * SR))
    y = np.concatenate([speech("Welcome to Sonolens."), gap, melody(), gap, chirp(), gap,
                        speech("Look, and listen.")])
    y = 0.9 * y / np.abs(y).max()
    OUT.parent.mkdir(exist_ok=True)
    sf.write(OUT, y.astype(np.float32), SR, subtype="PCM_16")
    print(f"{OUT}: {len(y) / SR:.2f} s, {OUT.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
