"""The difference spectrogram B - A against librosa on the aligned signals, its mean
pooling, and the image the views ask for."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.audio.shifted import ShiftedSource
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import drive
from sonolens.dsp.difference import DifferenceImage, difference_job
from tests.unit.test_align import SR, melody


def librosa_difference(y_a: np.ndarray, y_b: np.ndarray, **stft) -> np.ndarray:
    def db(y):
        return librosa.amplitude_to_db(np.abs(librosa.stft(y, **stft)), ref=1.0, amin=1e-5,
                                       top_db=None)

    a, b = db(y_a), db(y_b)
    n = min(a.shape[1], b.shape[1])
    return b[:, :n] - a[:, :n]


@pytest.fixture
def takes(tmp_path):
    rng = np.random.default_rng(4)
    y_a = melody(5.0, seed=8) + 0.02 * rng.standard_normal(int(5.0 * SR)).astype(np.float32)
    shift = 3000  # B holds 3000 samples of something else, then A quieter and filtered
    y_b = np.concatenate((0.1 * rng.standard_normal(shift).astype(np.float32),
                          0.5 * np.convolve(y_a, np.ones(4) / 4, mode="same")))
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    sf.write(a, y_a, SR, subtype="FLOAT")
    sf.write(b, y_b.astype(np.float32), SR, subtype="FLOAT")
    return a, b, shift


@pytest.mark.parametrize("params", [AnalysisParams(), AnalysisParams(n_fft=1024, hop_length=256,
                                                                     window="hamming")])
def test_difference_equals_librosa_on_the_aligned_signals(takes, params):
    a, b, shift = takes
    with open_source(a) as sa, open_source(b) as sb:
        result = drive(difference_job(sa, ShiftedSource(sb, shift), params,
                                      max_columns=10**6), lambda p: None)
    y_a, _ = librosa.load(a, sr=None)
    y_b, _ = librosa.load(b, sr=None)
    expected = librosa_difference(y_a, y_b[shift:], n_fft=params.n_fft,
                                  hop_length=params.hop_length, window=params.window)
    assert result.factor == 1 and result.first == 0
    assert result.values.shape == expected.shape
    np.testing.assert_allclose(result.values, expected, atol=1e-3)
    # a quieter B: about -6 dB where A has energy
    assert np.median(result.values[5:100]) == pytest.approx(-6.0, abs=1.5)
    np.testing.assert_allclose(result.freqs, librosa.fft_frequencies(sr=SR, n_fft=params.n_fft))
    lsd = np.mean(np.sqrt(np.mean(np.square(expected), axis=0)))
    assert result.lsd == pytest.approx(lsd, rel=1e-4)


def test_pooled_columns_are_means_of_a_frame_range(takes):
    a, b, shift = takes
    with open_source(a) as sa, open_source(b) as sb:
        full = drive(difference_job(sa, ShiftedSource(sb, shift), AnalysisParams(),
                                    max_columns=10**6), lambda p: None)
        part = drive(difference_job(sa, ShiftedSource(sb, shift), AnalysisParams(),
                                    first=10, stop=200, max_columns=50), lambda p: None)
    assert part.factor == 4 and part.first == 10
    frames = full.values[:, 10:200]
    expected = np.stack([frames[:, k : k + 4].mean(axis=1) for k in range(0, 190, 4)], axis=1)
    np.testing.assert_allclose(part.values, expected, atol=1e-4)
    dt = 512 / SR
    np.testing.assert_allclose(part.times[:2], [(10 + 1.5) * dt, (14 + 1.5) * dt])


def test_image_averages_to_the_width_asked(takes):
    a, b, shift = takes
    with open_source(a) as sa, open_source(b) as sb:
        full = drive(difference_job(sa, ShiftedSource(sb, shift), AnalysisParams(),
                                    max_columns=10**6), lambda p: None)
    dt = 512 / SR
    image, (x0, x1) = DifferenceImage(full).image(0.0, full.values.shape[1] * dt, 20)
    group = int(np.ceil(full.values.shape[1] / 20))
    assert image.shape[1] <= 20
    np.testing.assert_allclose(image[:, 0], full.values[:, :group].mean(axis=1), atol=1e-4)
    assert x0 == pytest.approx(-0.5 * dt)
    assert x1 == pytest.approx(x0 + image.shape[1] * group * dt)
