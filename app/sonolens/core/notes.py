"""Note names, stated once: the twelve pitch classes from C, with sharps, as librosa names
them (chroma rows ``chroma_C .. chroma_B``, the readout's nearest note ``C#5``)."""

from __future__ import annotations

PITCH_CLASSES: tuple[str, ...] = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
