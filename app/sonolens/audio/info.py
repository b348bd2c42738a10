"""What the status bar and the CLI say about a file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sonolens.core.units import format_time

_BIT_DEPTHS = {
    "PCM_S8": 8, "PCM_U8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32,
    "FLOAT": 32, "DOUBLE": 64, "ALAC_16": 16, "ALAC_20": 20, "ALAC_24": 24, "ALAC_32": 32,
}


@dataclass(frozen=True)
class AudioInfo:
    """File facts. ``frames`` is what the header promises (``frames_exact`` says if trusted)."""

    path: Path
    samplerate: int
    channels: int
    frames: int
    format: str
    subtype: str
    frames_exact: bool = True

    @property
    def duration(self) -> float:
        """Length in seconds (from ``frames``)."""
        return self.frames / self.samplerate if self.samplerate else 0.0

    @property
    def bit_depth(self) -> int | None:
        """Bits per sample for PCM/float storage; None for lossy codecs."""
        return _BIT_DEPTHS.get(self.subtype.upper())

    @property
    def is_float(self) -> bool:
        return self.subtype.upper() in {"FLOAT", "DOUBLE"} or self.subtype in {"flt", "fltp", "dbl"}

    def describe(self) -> str:
        """One line, e.g. ``speech.wav — WAV PCM_16, 44100 Hz, 2 ch, 16-bit, 3.20 s``."""
        depth = f", {self.bit_depth}-bit" if self.bit_depth else ""
        approx = "" if self.frames_exact else "≈"
        return (
            f"{self.path.name} — {self.format} {self.subtype}, {self.samplerate} Hz, "
            f"{self.channels} ch{depth}, {approx}{_duration_text(self.duration)}"
        )


def _duration_text(seconds: float) -> str:
    """"7.25 s" under a minute, else a clock: "12:05.500", "3:00:00.000"."""
    return f"{seconds:.2f} s" if seconds < 60 else format_time(seconds)
