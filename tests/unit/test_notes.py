"""core.notes: note names and note ticks against librosa's note conversions."""

from __future__ import annotations

import math

import librosa
import numpy as np
import pytest

from sonolens.core.notes import hz_to_note_name, is_octave_c, note_ticks


def _librosa_note(hz: float, a4: float) -> tuple[str, int, int]:
    """(note, librosa's cents, cents rounded from librosa's MIDI number): the reference
    through librosa's tuning (fractions of a semitone, ``A4_to_tuning``)."""
    midi = float(librosa.hz_to_midi(hz)) - float(librosa.A4_to_tuning(a4))
    text = str(librosa.midi_to_note(midi, cents=True, unicode=False))
    cut = max(text.rfind("+"), text.rfind("-"))
    return text[:cut], int(text[cut:]), int(np.round(100 * (midi - np.round(midi))))


def _split(ours: str) -> tuple[str, int]:
    name, _, cents = ours.partition(" ")
    return name, int(cents.removesuffix(" c")) if cents else 0


@pytest.mark.parametrize("a4", [440.0, 415.0, 442.0, 432.0])
def test_names_match_librosa_20hz_to_10khz(a4):
    rng = np.random.default_rng(17)
    hz = np.concatenate([np.geomspace(20.0, 10000.0, 3001), rng.uniform(20.0, 10000.0, 2000)])
    for f in hz:
        ours = hz_to_note_name(float(f), a4)
        note, librosa_cents, rounded = _librosa_note(float(f), a4)
        name, cents = _split(ours)
        assert name == note, (f, ours, note)
        assert cents == rounded, (f, ours, rounded)
        assert abs(cents - librosa_cents) <= 1, (f, ours, librosa_cents)
        assert (" " in ours) == (cents != 0) and "+0" not in ours


def test_named_examples_and_exact_notes():
    assert hz_to_note_name(440.0) == "A4"
    assert hz_to_note_name(440.0 * 2 ** (12 / 1200)) == "A4 +12 c"
    c_sharp5 = float(librosa.note_to_hz("C#5"))
    assert hz_to_note_name(c_sharp5 * 2 ** (-3 / 1200)) == "C#5 -3 c"
    for note in ("C0", "A0", "E2", "C4", "F#6", "B8"):
        assert hz_to_note_name(float(librosa.note_to_hz(note))) == note
    assert hz_to_note_name(415.0, a4=415.0) == "A4"
    assert hz_to_note_name(440.0, a4=432.0) == "A4 +32 c"


def test_nothing_for_bad_input():
    for bad in (0.0, -3.0, math.nan, math.inf):
        assert hz_to_note_name(bad) == ""
    assert hz_to_note_name(440.0, a4=0.0) == ""


@pytest.mark.parametrize("a4", [440.0, 432.0, 415.0])
@pytest.mark.parametrize(("fmin", "fmax"), [(20.0, 10000.0), (65.0, 2100.0), (261.0, 262.0)])
def test_note_ticks_every_semitone_in_range(fmin, fmax, a4):
    ticks = note_ticks(fmin, fmax, a4)
    tuning = float(librosa.A4_to_tuning(a4))
    midi = np.arange(0, 128)
    hz = librosa.midi_to_hz(midi + tuning)
    inside = (hz >= fmin) & (hz <= fmax)
    expected_names = [librosa.midi_to_note(m, unicode=False) for m in midi[inside]]
    assert [name for _, name in ticks] == expected_names
    np.testing.assert_allclose([f for f, _ in ticks], hz[inside], rtol=1e-9)


def test_note_ticks_octave_cs_and_empty_ranges():
    ticks = note_ticks(60.0, 1100.0)
    cs = [name for _, name in ticks if is_octave_c(name)]
    assert cs == ["C2", "C3", "C4", "C5", "C6"]
    assert not is_octave_c("C#4")
    assert note_ticks(262.0, 270.0) == []
    assert note_ticks(500.0, 400.0) == []
    assert note_ticks(0.0, 20.0)[0] == (pytest.approx(librosa.note_to_hz("C-1")), "C-1")
