"""Note names, stated once: the twelve pitch classes from C, with sharps, as librosa names
them (chroma rows ``chroma_C .. chroma_B``, the readout's nearest note ``C#5``)."""

from __future__ import annotations

import math

PITCH_CLASSES: tuple[str, ...] = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

A4_HZ = 440.0


def hz_to_note_name(hz: float, a4: float = A4_HZ) -> str:
    """The nearest equal-tempered note to ``hz`` and the deviation from it in whole cents,
    as ``librosa.hz_to_note(hz, cents=True)`` writes it with a space: 220 Hz -> ``'A3 +0 c'``,
    445 Hz -> ``'A4 +20 c'``; ``''`` for a frequency that is not positive and finite (an
    unvoiced frame's NaN). ``a4``: the tuning reference in Hz."""
    try:
        hz = float(hz)  # numpy scalars too
    except (TypeError, ValueError):
        return ""
    if not (math.isfinite(hz) and hz > 0):
        return ""
    midi = 12.0 * (math.log2(hz) - math.log2(a4)) + 69.0  # librosa.hz_to_midi
    nearest = round(midi)  # halves to even, as numpy.round in librosa
    # librosa.midi_to_note: int(100 * np.around(midi - nearest, 2)), truncation included
    cents = int(100 * (round((midi - nearest) * 100) / 100))
    octave = int(nearest / 12) - 1
    return f"{PITCH_CLASSES[nearest % 12]}{octave} {cents:+d} c"
