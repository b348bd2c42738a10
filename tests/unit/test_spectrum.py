"""Spectrum view numbers: levels against numpy's rfft, peaks, and Welch against scipy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.signal

from sonolens.core.errors import ParameterError
from sonolens.dsp.spectrum import (
    LONG_INPUT,
    WelchAccumulator,
    find_peaks,
    magnitude_spectrum,
)


def tone(freqs_amps, sr, n):
    t = np.arange(n) / sr
    return sum(a * np.sin(2 * np.pi * f * t) for f, a in freqs_amps).astype(np.float32)


def numpy_level_db(y, window, n_fft):
    """The documented scaling, written out with numpy: 20 log10(2|X| / sum(w))."""
    X = np.fft.rfft(y.astype(np.float64) * window, n=n_fft)
    amplitude = 2.0 * np.abs(X) / window.sum()
    amplitude[0] /= 2.0
    amplitude[-1] /= 2.0
    with np.errstate(divide="ignore"):
        return np.maximum(20.0 * np.log10(amplitude), -200.0)


@pytest.mark.parametrize("n", [44100, 30000, 12345, 4096])
@pytest.mark.parametrize("freq", [1000.0, 1000.37])
def test_full_scale_sine_reads_0_db_at_its_frequency(n, freq):
    sr = 44100
    spectrum = magnitude_spectrum(tone([(freq, 1.0)], sr, n), sr, window="hann")
    peak_freq, peak_level = find_peaks(spectrum, max_peaks=1)[0]
    assert abs(peak_freq - freq) <= spectrum.bin_hz / 4
    assert peak_level == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("window", ["hann", "hamming", "rectangular", "bartlett", "flattop"])
def test_half_bin_sine_without_zero_padding(window):
    """The worst case for interpolation: window = FFT length, tone between two bins."""
    sr, n = 44100, 4096
    freq = (93 + 0.5) * sr / n
    spectrum = magnitude_spectrum(tone([(freq, 0.5)], sr, n), sr, window=window)
    assert spectrum.n_fft == n == spectrum.window_length
    peak_freq, peak_level = find_peaks(spectrum, max_peaks=1)[0]
    assert abs(peak_freq - freq) <= spectrum.bin_hz / 4
    assert peak_level == pytest.approx(20 * np.log10(0.5), abs=0.1)


def test_bin_centred_sine_reads_exactly_0_db():
    sr, n = 48000, 48000
    spectrum = magnitude_spectrum(tone([(1500.0, 1.0)], sr, n), sr, n_fft=n)
    k = int(np.argmax(spectrum.level_db))
    assert spectrum.freqs[k] == 1500.0
    assert spectrum.level_db[k] == pytest.approx(0.0, abs=1e-4)


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "rectangular", "flattop"])
def test_levels_equal_numpy_rfft(window):
    sr, n = 22050, 5000
    rng = np.random.default_rng(0)
    y = (tone([(440.0, 0.5), (3000.0, 0.1)], sr, n) + 0.01 * rng.standard_normal(n))
    y = y.astype(np.float32)
    spectrum = magnitude_spectrum(y, sr, window=window)
    assert spectrum.n_fft == 8192 and spectrum.segments == 1 and spectrum.window_length == n
    name = {"rectangular": "boxcar"}.get(window, window)
    w = scipy.signal.get_window(name, n, fftbins=True)
    np.testing.assert_allclose(spectrum.level_db, numpy_level_db(y, w, 8192), atol=1e-9)
    np.testing.assert_array_equal(spectrum.freqs, np.fft.rfftfreq(8192, 1 / sr))


def test_default_n_fft():
    sr = 8000
    assert magnitude_spectrum(np.zeros(10, np.float32), sr).n_fft == 1024
    assert magnitude_spectrum(np.zeros(1025, np.float32), sr).n_fft == 2048
    assert magnitude_spectrum(np.zeros(2048, np.float32), sr).n_fft == 2048
    silent = magnitude_spectrum(np.zeros(3000, np.float32), sr)
    assert np.all(silent.level_db == -200.0)
    empty = magnitude_spectrum(np.zeros(0, np.float32), sr)
    assert len(empty.freqs) == 513 and np.all(empty.level_db == -200.0)


def test_two_tones_are_the_two_highest_peaks():
    sr, n = 44100, 44100
    y = tone([(440.0, 0.5), (2637.0, 0.25)], sr, n)
    y = y + 1e-4 * np.random.default_rng(1).standard_normal(n).astype(np.float32)
    spectrum = magnitude_spectrum(y, sr)
    peaks = find_peaks(spectrum, max_peaks=2)
    assert len(peaks) == 2
    (f1, l1), (f2, l2) = peaks
    assert abs(f1 - 440.0) <= spectrum.bin_hz / 4 and abs(f2 - 2637.0) <= spectrum.bin_hz / 4
    assert l1 == pytest.approx(20 * np.log10(0.5), abs=0.1)
    assert l2 == pytest.approx(20 * np.log10(0.25), abs=0.1)


def test_peak_distance_and_prominence():
    sr, n = 8000, 8000
    y = tone([(1000.0, 0.5), (1010.0, 0.4)], sr, n)
    spectrum = magnitude_spectrum(y, sr)
    assert len(find_peaks(spectrum, max_peaks=2, min_distance_hz=1.0)) == 2
    close = find_peaks(spectrum, max_peaks=2, min_distance_hz=20.0)  # 1010 Hz is too close
    assert len(close) == 1 and abs(close[0][0] - 1000.0) < 1.0
    assert find_peaks(spectrum, max_peaks=0) == []
    assert find_peaks(magnitude_spectrum(np.zeros(100, np.float32), sr)) == []


def quantized(y, bits=16):
    """``y`` rounded to ``bits``-bit PCM steps (what a 16-bit file holds)."""
    scale = 2.0 ** (bits - 1) - 1
    return (np.round(y.astype(np.float64) * scale) / scale).astype(np.float32)


def backgrounds(n, seed):
    """What a tone may sit on: digital zero, -120 dBFS dither, 16-bit quantization."""
    rng = np.random.default_rng(seed)
    return {
        "zero": lambda y: y,
        "dither-120dB": lambda y: (y + 10 ** (-120 / 20) * rng.standard_normal(n)).astype(
            np.float32),
        "pcm16": quantized,
    }


@pytest.mark.parametrize("background", ["zero", "dither-120dB", "pcm16"])
@pytest.mark.parametrize(("sr", "n", "freq"), [(22050, 22050, 1000.0), (44100, 30000, 1234.5),
                                               (16000, LONG_INPUT + 5000, 440.0)])
def test_tone_in_silence_marks_the_tone_and_nothing_else(background, sr, n, freq):
    y = backgrounds(n, 5)[background](tone([(freq, 0.5)], sr, n))
    spectrum = magnitude_spectrum(y, sr)
    peaks = find_peaks(spectrum, max_peaks=6)
    assert len(peaks) == 1, peaks
    peak_freq, peak_level = peaks[0]
    assert abs(peak_freq - freq) <= spectrum.bin_hz / 4
    assert peak_level == pytest.approx(20 * np.log10(0.5), abs=0.1)


@pytest.mark.parametrize("background", ["zero", "dither-120dB", "pcm16"])
@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "rectangular", "flattop"])
def test_two_tones_mark_both_and_nothing_else(background, window):
    sr, n = 44100, 44100
    made = [(440.0, 0.5), (3520.0, 0.02)]  # -6 dB and -34 dB
    y = backgrounds(n, 6)[background](tone(made, sr, n))
    spectrum = magnitude_spectrum(y, sr, window=window)
    peaks = find_peaks(spectrum, max_peaks=6)
    assert len(peaks) == 2, peaks
    for (freq, amplitude), (peak_freq, peak_level) in zip(made, peaks, strict=True):
        assert abs(peak_freq - freq) <= spectrum.bin_hz / 4
        assert peak_level == pytest.approx(20 * np.log10(amplitude), abs=0.1)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [22050, 2 * LONG_INPUT])
def test_white_noise_marks_no_peaks(seed, n):
    y = (0.1 * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)
    assert find_peaks(magnitude_spectrum(y, 22050), max_peaks=6) == []


def test_tone_over_noise_is_marked_and_the_noise_is_not():
    sr, n = 22050, 44100
    rng = np.random.default_rng(8)
    y = (tone([(2500.0, 0.1)], sr, n) + 0.01 * rng.standard_normal(n)).astype(np.float32)
    spectrum = magnitude_spectrum(y, sr)
    peaks = find_peaks(spectrum, max_peaks=6)
    assert len(peaks) == 1, peaks
    assert abs(peaks[0][0] - 2500.0) <= spectrum.bin_hz / 4
    assert peaks[0][1] == pytest.approx(-20.0, abs=0.5)


def test_peaks_lie_within_the_range_below_the_maximum():
    """A tone 80 dB under a louder one is real, but not within the marked 60 dB."""
    sr, n = 22050, 22050
    spectrum = magnitude_spectrum(tone([(500.0, 1.0), (5000.0, 1e-4)], sr, n), sr)
    assert [round(f) for f, _ in find_peaks(spectrum, max_peaks=6)] == [500]
    wide = find_peaks(spectrum, max_peaks=6, range_db=100.0)
    assert [round(f) for f, _ in wide] == [500, 5000]
    assert wide[1][1] == pytest.approx(-80.0, abs=0.1)


def scipy_welch(y, sr, n_fft, window="hann"):
    return scipy.signal.welch(y.astype(np.float64), fs=sr, window=window, nperseg=n_fft,
                              noverlap=n_fft // 2, detrend=False, scaling="spectrum")


def test_long_input_equals_scipy_welch():
    sr = 16000
    rng = np.random.default_rng(2)
    n = LONG_INPUT + 40000
    y = (tone([(1234.5, 0.3)], sr, n) + 0.05 * rng.standard_normal(n)).astype(np.float32)
    spectrum = magnitude_spectrum(y, sr)
    freqs, power = scipy_welch(y, sr, 65536)
    assert spectrum.n_fft == 65536 and spectrum.segments == 1 + (n - 65536) // 32768
    np.testing.assert_array_equal(spectrum.freqs, freqs)
    np.testing.assert_allclose(spectrum.power, power, rtol=1e-6)
    peak_freq, peak_level = find_peaks(spectrum, max_peaks=1)[0]
    assert abs(peak_freq - 1234.5) <= spectrum.bin_hz / 4
    assert peak_level == pytest.approx(20 * np.log10(0.3), abs=0.1)


@pytest.mark.parametrize("window", ["hann", "blackmanharris"])
def test_streamed_blocks_equal_scipy_welch(window):
    sr, n_fft = 8000, 1024
    y = np.random.default_rng(3).standard_normal(50000).astype(np.float32)
    sizes = np.random.default_rng(4).integers(1, 3000, 100)
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    blocks = [y[a:b] for a, b in itertools.pairwise(bounds) if a < len(y)]
    seen = []
    accumulator = WelchAccumulator(sr, window=window, n_fft=n_fft)
    for block in blocks:  # streamed in order, as the spectrum job feeds it
        accumulator.add(block)
        seen.append(accumulator.samples)
    spectrum = accumulator.result()
    assert seen[-1] == len(y)
    _, power = scipy_welch(y, sr, n_fft, window)
    np.testing.assert_allclose(spectrum.power, power, rtol=1e-6)
    explicit = magnitude_spectrum(y, sr, window=window, n_fft=n_fft)  # n_fft < n: Welch
    np.testing.assert_allclose(explicit.power, power, rtol=1e-6)
    level = 10 * np.log10(np.where(np.arange(len(power)) % 512 == 0, power, 2 * power))
    np.testing.assert_allclose(spectrum.level_db, level, atol=1e-9)


def test_welch_shorter_than_a_segment_falls_back_to_one_fft():
    sr = 8000
    y = tone([(500.0, 1.0)], sr, 3000)
    acc = WelchAccumulator(sr, n_fft=4096)
    acc.add(y)
    short = acc.result()
    assert short.segments == 1 and short.window_length == 3000
    np.testing.assert_allclose(short.level_db, magnitude_spectrum(y, sr, n_fft=4096).level_db)


def test_bad_arguments():
    y = np.zeros(100, np.float32)
    with pytest.raises(ParameterError, match="window='nope'"):
        magnitude_spectrum(y, 8000, window="nope")
    with pytest.raises(ParameterError, match="sr=0"):
        magnitude_spectrum(y, 0)
    with pytest.raises(ParameterError, match="n_fft=1"):
        magnitude_spectrum(y, 8000, n_fft=1)
    with pytest.raises(ParameterError, match="mono"):
        magnitude_spectrum(np.zeros((100, 2), np.float32), 8000)
