"""The measuring tools' numbers: intervals against librosa's MIDI numbers, harmonics,
the ruler's one-line text, and the top of the content found in a spectrogram."""

from __future__ import annotations

import math

import librosa
import numpy as np
import pytest

from sonolens.dsp.content_range import content_top, fitted_top, nice_ceiling, row_profile
from sonolens.dsp.intervals import (
    RulerReading,
    cents,
    harmonic_text,
    harmonics,
    interval_text,
    level_difference,
    semitones,
    shift_cents,
    split_interval,
)


@pytest.mark.parametrize(("f_a", "f_b"), [(440.0, 880.0), (220.0, 329.63), (1000.0, 250.0),
                                          (100.0, 103.0), (7040.0, 6644.9)])
def test_semitones_and_cents_equal_librosa_midi_differences(f_a, f_b):
    expected = float(librosa.hz_to_midi(f_b) - librosa.hz_to_midi(f_a))
    assert semitones(f_a, f_b) == pytest.approx(expected, abs=1e-9)
    assert cents(f_a, f_b) == pytest.approx(100 * expected, abs=1e-7)


def test_an_interval_is_the_nearest_semitone_and_the_cents_off_it():
    assert split_interval(7.02) == (7, 2)
    assert split_interval(6.6) == (7, -40)
    assert split_interval(-0.3) == (0, -30)
    assert split_interval(-12.0) == (-12, 0)
    # a fifth in just intonation: 701.955 cents
    assert interval_text(200.0, 300.0) == "+7 st +2 c"
    assert interval_text(300.0, 200.0) == "-7 st -2 c"
    assert interval_text(0.0, 300.0) == ""
    assert math.isnan(semitones(-1.0, 10.0))


def test_harmonics_reach_the_top_and_no_further():
    h = harmonics(120.0, 1000.0)
    assert np.allclose(h, 120.0 * np.arange(1, 9))
    assert harmonics(250.0, 1000.0)[-1] == 1000.0  # the top itself is included
    assert len(harmonics(1.0, 1e6)) == 200
    assert len(harmonics(0.0, 1000.0)) == 0


def test_shifting_by_cents_and_the_fundamentals_note():
    assert shift_cents(440.0, 1200.0) == pytest.approx(880.0)
    assert shift_cents(440.0, -100.0) == pytest.approx(float(librosa.midi_to_hz(68)))
    assert harmonic_text(220.0) == "f0 220.0 Hz  " + librosa.hz_to_note(220.0, unicode=False)
    assert harmonic_text(225.0).endswith("A3 +39 c")


def test_level_differences_in_db():
    assert level_difference(-30.0, -10.0, "dB", True) == 20.0
    assert level_difference(1.0, 100.0, "power", False) == pytest.approx(20.0)
    assert level_difference(1.0, 10.0, "amplitude", False) == pytest.approx(20.0)
    assert math.isnan(level_difference(0.0, 10.0, "amplitude", False))


def test_the_ruler_text_on_the_spectrogram_and_elsewhere():
    reading = RulerReading(0.5, 0.75, 200.0, 300.0, f_a=200.0, f_b=300.0, delta_db=-6.04)
    assert reading.text() == ("Δt 250.0 ms   Δf +100.0 Hz (200 → 300 Hz)   +7 st +2 c   "
                              "ΔL -6.0 dB")
    flat = RulerReading(2.0, 0.5, 0.1, -0.2)
    assert flat.text() == "Δt -1.500 s   Δy -0.3 (0.1 → -0.2)"
    named = RulerReading(0.0, 0.002, 0.5, 0.25, y_name="Amplitude")
    assert named.text() == "Δt 2.0 ms   ΔAmplitude -0.25 (0.5 → 0.25)"


def test_nice_ceiling_rounds_up_to_a_quarter_decade():
    assert nice_ceiling(4345.0) == 4500.0
    assert nice_ceiling(22000.0) == 22500.0
    assert nice_ceiling(870.0) == 875.0
    assert nice_ceiling(5000.0) == 5000.0


def _db_of(y: np.ndarray, sr: int, n_fft: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    S = np.abs(librosa.stft(y, n_fft=n_fft))
    return librosa.amplitude_to_db(S, ref=np.max, top_db=80.0), librosa.fft_frequencies(
        sr=sr, n_fft=n_fft)


def test_the_content_of_harmonics_below_4_khz_ends_there():
    sr = 44100
    t = np.arange(2 * sr) / sr
    y = sum(0.3 / k * np.sin(2 * np.pi * 196.0 * k * t) for k in range(1, 21))  # to 3.92 kHz
    levels, freqs = _db_of(y, sr)
    top = content_top(levels, freqs)
    assert 3900.0 <= top <= 4000.0
    assert fitted_top(levels, freqs, sr / 2) == 4500.0


def test_a_few_loud_clicks_do_not_widen_the_range():
    sr = 22050
    y = 0.5 * np.sin(2 * np.pi * 1000.0 * np.arange(3 * sr) / sr)
    y[sr::sr] = 1.0  # two clicks: broadband, in a few frames only
    levels, freqs = _db_of(y, sr)
    assert content_top(levels, freqs) < 1100.0


def test_row_profile_is_a_high_percentile_over_time():
    levels = np.array([[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
                       [-np.inf] * 10])
    assert row_profile(levels)[0] == 8.0  # the 9th of 10 sorted values
    assert row_profile(levels)[1] == -np.inf
    assert content_top(np.full((3, 4), np.nan), np.arange(3.0)) is None
    assert fitted_top(np.full((3, 4), np.nan), np.arange(3.0), 11025.0) == 11025.0
