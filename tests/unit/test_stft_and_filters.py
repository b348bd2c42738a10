"""Blocked STFT, windows and filterbanks equal librosa/scipy exactly."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest
import scipy.signal

from sonolens.core.params import WINDOWS
from sonolens.dsp import filterbanks
from sonolens.dsp.framing import FrameBlocker, frame_count
from sonolens.dsp.stft import stft_block
from sonolens.dsp.windows import periodic_window, stft_window
from tests.unit.signals import make_signal
from tests.unit.streamed import stft


def pitch_tuning(frequencies: np.ndarray) -> float:
    """librosa.pitch_tuning from the engine's pieces: bins per block, then the fullest."""
    bins = filterbanks.tuning_bins(np.atleast_1d(frequencies))
    return filterbanks.tuning_from_bins(bins[bins >= 0])


@pytest.mark.parametrize("name", sorted(WINDOWS))
@pytest.mark.parametrize("length", [1, 2, 255, 512, 2048])
def test_windows_equal_scipy(name, length):
    expected = scipy.signal.get_window(WINDOWS[name], length, fftbins=True)
    np.testing.assert_array_equal(periodic_window(name, length), expected)


@pytest.mark.parametrize(
    "n_fft,hop,win_length,window,n",
    [
        (2048, 512, None, "hann", 22050 * 3 + 17),
        (512, 128, None, "hann", 9999),
        (4096, 1024, 3000, "hamming", 50000),
        (1024, 300, 1024, "blackmanharris", 30011),
        (2048, 512, None, "hann", 700),  # shorter than n_fft
        (2047, 512, None, "hann", 20000),  # odd n_fft
    ],
)
def test_blocked_stft_equals_librosa_exactly(n_fft, hop, win_length, window, n):
    y = make_signal(22050, n / 22050 + 0.01)[:n]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = librosa.stft(y, n_fft=n_fft, hop_length=hop, win_length=win_length,
                           window=window)
    ours = stft(y, n_fft=n_fft, hop_length=hop, win_length=win_length, window=window)
    assert ours.shape == ref.shape == (1 + n_fft // 2, frame_count(n, n_fft=n_fft, hop_length=hop))
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("frames_per_block,chunk", [(1, 777), (7, 4096), (256, 100_000)])
def test_block_and_chunk_sizes_do_not_change_frames(frames_per_block, chunk):
    """Concatenated blocks equal the frames of the whole padded signal, whatever the sizes."""
    y = make_signal(22050, 2.0)
    blocker = FrameBlocker(n_fft=2048, hop_length=512, frames_per_block=frames_per_block)
    blocks = []
    for first in range(0, len(y), chunk):
        blocks += list(blocker.push(y[first : first + chunk]))
    blocks += list(blocker.finish())
    assert [b.start for b in blocks] == list(np.cumsum([0] + [b.n_frames for b in blocks[:-1]]))
    frames = np.concatenate([b.frames() for b in blocks])
    padded = np.pad(y, 1024)
    expected = np.lib.stride_tricks.sliding_window_view(padded, 2048)[::512]
    np.testing.assert_array_equal(frames, expected)
    window = stft_window("hann", 2048, 2048)
    spectra = np.concatenate([stft_block(b.frames(), window) for b in blocks]).T
    np.testing.assert_array_equal(spectra, librosa.stft(y))


@pytest.mark.parametrize("sr,n_fft,n_mels,fmin,fmax", [
    (22050, 2048, 128, 0.0, None), (48000, 4096, 64, 50.0, 8000.0), (8000, 512, 40, 0.0, None),
])
def test_mel_filterbank_equals_librosa(sr, n_fft, n_mels, fmin, fmax):
    ours = filterbanks.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("tuning", [0.0, -0.21, 0.37])
@pytest.mark.parametrize("sr,n_fft", [(22050, 2048), (44100, 1024)])
def test_chroma_filterbank_equals_librosa(sr, n_fft, tuning):
    ours = filterbanks.chroma_filterbank(sr=sr, n_fft=n_fft, tuning=tuning)
    np.testing.assert_array_equal(ours, librosa.filters.chroma(sr=sr, n_fft=n_fft, tuning=tuning))


def test_pitch_tuning_equals_librosa():
    rng = np.random.default_rng(0)
    freqs = (440.0 * 2 ** (rng.integers(-24, 24, 500) / 12 + 0.13 / 12)).astype(np.float32)
    freqs = np.concatenate([freqs, rng.uniform(100, 3000, 200).astype(np.float32)])
    assert pitch_tuning(freqs) == librosa.pitch_tuning(freqs)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tuning_histogram_bins_equal_numpy_histogram(seed, dtype):
    """Binning peak by peak (as the engine does, per block) picks np.histogram's bins."""
    rng = np.random.default_rng(seed)
    deviation = rng.choice(np.linspace(-0.5, 0.5, 101), 300) + rng.normal(0, 1e-9, 300)
    freqs = 440.0 * 2 ** (rng.integers(-30, 30, 300) / 12 + deviation / 12)
    freqs = np.concatenate([freqs, rng.uniform(20, 8000, 300), [0.0, -1.0]]).astype(dtype)
    bins = filterbanks.tuning_bins(freqs)
    positive = freqs > 0
    assert (bins[~positive] == -1).all()
    residual = np.mod(12 * filterbanks.hz_to_octs(freqs[positive]), 1.0)
    residual[residual >= 0.5] -= 1.0
    counts, _ = np.histogram(residual, filterbanks.tuning_edges())
    np.testing.assert_array_equal(np.bincount(bins[positive], minlength=100), counts)
    assert pitch_tuning(freqs) == librosa.pitch_tuning(freqs)


def test_tuning_estimate_equals_librosa():
    from sonolens.dsp.tuning import TuningPeaks

    sr = 22050
    t = np.arange(sr * 3) / sr
    y = sum(np.sin(2 * np.pi * f * 2 ** (0.3 / 12) * t) for f in (261.6, 329.6, 392.0))
    y = (y + 0.01 * np.random.default_rng(1).standard_normal(len(t))).astype(np.float32)
    power = np.abs(librosa.stft(y)) ** 2
    peaks = TuningPeaks(sr=sr, n_fft=2048)
    for first in range(0, power.shape[1], 50):  # in blocks, frames-major
        peaks.add(peaks.find(np.ascontiguousarray(power[:, first : first + 50].T)))
    assert peaks.estimate() == librosa.estimate_tuning(S=power, sr=sr)
