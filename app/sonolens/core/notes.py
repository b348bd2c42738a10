"""Note names, stated once: the twelve pitch classes from C, with sharps, as librosa names
them (chroma rows ``chroma_C .. chroma_B``, the readout's nearest note ``C#5``), and the
equal-tempered notes of a frequency range for a note axis.

Scientific pitch notation: MIDI 69 = A4 = ``a4`` Hz (default 440), MIDI 60 = C4,
MIDI 0 = C-1; a semitone is a factor 2 ** (1/12).
"""

from __future__ import annotations

import math

PITCH_CLASSES: tuple[str, ...] = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
A4_DEFAULT = 440.0
A4_RANGE: tuple[float, float] = (400.0, 480.0)  # Hz: the reference the settings allow


def hz_to_midi(hz: float, a4: float = A4_DEFAULT) -> float:
    """Fractional MIDI number of ``hz`` (Hz > 0) with A4 = ``a4`` Hz."""
    return 69.0 + 12.0 * math.log2(hz / a4)


def midi_to_hz(midi: float, a4: float = A4_DEFAULT) -> float:
    """Frequency (Hz) of MIDI number ``midi`` with A4 = ``a4`` Hz."""
    return a4 * 2.0 ** ((midi - 69.0) / 12.0)


def midi_name(midi: int) -> str:
    """``'C4'`` for 60, ``'A#-1'`` for 10: pitch class with sharps, then the octave."""
    return f"{PITCH_CLASSES[midi % 12]}{midi // 12 - 1}"


def hz_to_note_name(hz: float, a4: float = A4_DEFAULT) -> str:
    """Nearest note of ``hz`` (Hz) and its deviation: ``'A4'``, ``'A4 +12 c'``, ``'C#5 -3 c'``.

    The note is ``librosa.hz_to_note``'s (sharps, nearest semitone rounded half to even);
    cents are ``round(100 * (midi - nearest))`` in [-50, +50], which can differ by 1 from
    ``hz_to_note(cents=True)`` (librosa truncates ``100 * round(x, 2)``, so 0.29 semitone
    reads "+28"). A deviation that rounds to 0 cents is left out: the name alone means
    "in tune to the cent". ``''`` for ``hz <= 0``, non-finite input or a bad ``a4``.
    """
    if not (math.isfinite(hz) and hz > 0 and math.isfinite(a4) and a4 > 0):
        return ""
    midi = hz_to_midi(hz, a4)
    nearest = round(midi)
    cents = round(100.0 * (midi - nearest))
    name = midi_name(nearest)
    return name if cents == 0 else f"{name} {cents:+d} c"


def note_ticks(fmin: float, fmax: float, a4: float = A4_DEFAULT) -> list[tuple[float, str]]:
    """Every equal-tempered semitone in [fmin, fmax] Hz, ascending: ``(hz, 'C#4')``.

    The C of each octave (``name.startswith('C')`` without ``#``) is the axis' major tick.
    Notes start at MIDI 0 (C-1, 8.2 Hz at A4 = 440). Empty if the range holds none.
    """
    lo = max(float(fmin), 1e-3)
    if not (math.isfinite(lo) and math.isfinite(fmax) and fmax > lo and a4 > 0):
        return []
    first = max(0, math.ceil(hz_to_midi(lo, a4) - 1e-9))
    last = math.floor(hz_to_midi(float(fmax), a4) + 1e-9)
    return [(midi_to_hz(m, a4), midi_name(m)) for m in range(first, last + 1)]


def is_octave_c(name: str) -> bool:
    """True for the C of an octave (``'C4'``, ``'C-1'``), not ``'C#4'``."""
    return name.startswith("C") and not name.startswith("C#")
