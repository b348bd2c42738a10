"""Note names, time formatting and dBFS conversion for readouts."""

from __future__ import annotations

import math

import pytest

from sonolens.core.units import DB_FLOOR, amplitude_to_dbfs, format_time, hz_to_note


@pytest.mark.parametrize(
    ("hz", "expected"),
    [
        (440.0, "A4 +0¢"),
        (261.6255653005986, "C4 +0¢"),
        (8.175798915643707, "C-1 +0¢"),
        (880.0, "A5 +0¢"),
        (27.5, "A0 +0¢"),
        (554.3652619537442 * 2 ** (-12 / 1200), "C#5 -12¢"),
        (440.0 * 2 ** (30 / 1200), "A4 +30¢"),
        (440.0 * 2 ** (-49 / 1200), "A4 -49¢"),
        (4186.009044809578, "C8 +0¢"),
    ],
)
def test_hz_to_note(hz, expected):
    assert hz_to_note(hz) == expected


def test_hz_to_note_matches_librosa_names():
    librosa = pytest.importorskip("librosa")
    for midi in range(12, 120):
        hz = float(librosa.midi_to_hz(midi))
        assert hz_to_note(hz) == librosa.midi_to_note(midi, unicode=False) + " +0¢"


def test_hz_to_note_reference_pitch_and_nothing():
    assert hz_to_note(432.0, a4=432.0) == "A4 +0¢"
    assert hz_to_note(440.0, a4=432.0) == "A4 +32¢"
    for bad in (0.0, -5.0, math.nan, math.inf):
        assert hz_to_note(bad) == ""


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, "0.000 s"),
        (1.234, "1.234 s"),
        (1.2345678, "1.235 s"),
        (59.999, "59.999 s"),
        (59.9996, "1:00.000"),
        (61.5, "1:01.500"),
        (754.25, "12:34.250"),
        (3599.9994, "59:59.999"),
        (3600.0, "1:00:00.000"),
        (3723.004, "1:02:03.004"),
        (-1.5, "-1.500 s"),
        (-0.0001, "0.000 s"),
        (math.nan, ""),
    ],
)
def test_format_time(seconds, expected):
    assert format_time(seconds) == expected


def test_amplitude_to_dbfs():
    assert amplitude_to_dbfs(1.0) == 0.0
    assert amplitude_to_dbfs(-0.5) == pytest.approx(-6.0206, abs=1e-4)
    assert amplitude_to_dbfs(0.1) == pytest.approx(-20.0)
    assert amplitude_to_dbfs(0.0) == DB_FLOOR == -200.0
    assert amplitude_to_dbfs(1e-300) == DB_FLOOR
    assert math.isnan(amplitude_to_dbfs(math.nan))


def test_file_facts_read_long_durations_as_a_clock():
    from pathlib import Path

    from sonolens.audio.info import AudioInfo

    def info(frames: int) -> AudioInfo:
        return AudioInfo(Path("x.flac"), 44100, 2, frames, "FLAC", "PCM_16")

    assert info(66150).describe().endswith("2 ch, 16-bit, 1.50 s")
    assert info(44100 * 725 + 22050).describe().endswith(", 12:05.500")
    assert info(44100 * 10800).describe().endswith(", 3:00:00.000")
