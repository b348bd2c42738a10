"""The pitch-preserving stretch (dsp.stretch) equals librosa's phase vocoder / time_stretch."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.core.errors import ParameterError
from sonolens.dsp.stretch import phase_vocoder, stft, time_stretch

SR = 22050


def _speechlike(seconds: float = 1.5, dtype=np.float32) -> np.ndarray:
    """A gliding harmonic tone with noise: every bin's phase moves."""
    t = np.arange(round(SR * seconds)) / SR
    rng = np.random.default_rng(4)
    f0 = 140 * (1 + 0.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    y = sum(0.3 / h * np.sin(h * phase) for h in range(1, 6))
    return (y + 0.02 * rng.standard_normal(len(t))).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stft_equals_librosa(dtype):
    y = _speechlike(dtype=dtype)
    ours, theirs = stft(y), librosa.stft(y)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6 * np.abs(theirs).max())


@pytest.mark.parametrize("rate", [0.5, 0.1, 1 / 32, 1.5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_time_stretch_equals_librosa(rate, dtype):
    y = _speechlike(dtype=dtype)
    ours, theirs = time_stretch(y, rate), librosa.effects.time_stretch(y, rate=rate)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape == (round(len(y) / rate),)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-4 * np.abs(theirs).max())


def test_phase_vocoder_equals_librosa_with_a_hop():
    d = librosa.stft(_speechlike(dtype=np.float64), n_fft=1024, hop_length=128)
    np.testing.assert_allclose(phase_vocoder(d, rate=0.25, hop_length=128),
                               librosa.phase_vocoder(d, rate=0.25, hop_length=128),
                               rtol=0, atol=1e-9)


def test_slowed_ten_times_keeps_the_pitch():
    t = np.arange(SR) / SR
    y = 0.5 * np.sin(2 * np.pi * 440 * t)
    slow = time_stretch(y, 0.1)
    assert len(slow) == 10 * SR
    spectrum = np.abs(np.fft.rfft(slow[SR:9 * SR]))
    assert np.argmax(spectrum) / 8 == pytest.approx(440, abs=1)  # 8 s: bins of 1/8 Hz


@pytest.mark.filterwarnings("ignore:n_fft=2048 is too large")
def test_bad_rate_is_refused_and_a_short_signal_stretches_as_librosa():
    with pytest.raises(ParameterError, match="rate"):
        time_stretch(np.zeros(4096), 0)
    y = _speechlike(0.05, np.float64)  # 1102 samples: less than one window
    np.testing.assert_allclose(time_stretch(y, 0.25),
                               librosa.effects.time_stretch(y, rate=0.25), atol=1e-9)


# -- the Playable that plays a span stretched (dsp.stretched) ------------------------------
class _Array:
    def __init__(self, data: np.ndarray, samplerate: int = SR) -> None:
        self.data, self.samplerate = data, samplerate
        self.frames, self.channels = data.shape

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.data[max(start, 0):stop]


def test_stretched_span_is_librosa_time_stretch_at_its_place_and_silence_elsewhere():
    from sonolens.dsp.stretched import Stretched

    y = np.stack([_speechlike(), _speechlike()[::-1].copy()], axis=1)
    lo, hi, k = 5000, 16000, 4
    view = Stretched(_Array(y), (lo, hi), slowdown=k)
    assert view.frames == len(y) * k and view.to_source(view.to_output(lo)) == lo
    out = np.concatenate([view.read(a, a + 3000) for a in range(0, view.frames, 3000)])
    for c in range(2):
        expected = librosa.effects.time_stretch(y[lo:hi, c], rate=1 / k)
        np.testing.assert_allclose(out[lo * k:hi * k, c], expected, atol=1e-6)
    assert not out[:lo * k].any() and not out[hi * k:].any()


def test_stretch_stream_computes_only_as_far_as_asked():
    from sonolens.dsp.stretch import StretchStream

    y = _speechlike(3.0)
    stream = StretchStream(y[:, None], 0.1)
    stream.produce(5000)
    assert 5000 <= stream.ready < 5000 + StretchStream.BLOCK * 512
    whole = librosa.effects.time_stretch(y, rate=0.1)
    np.testing.assert_allclose(stream.produce(5000)[:stream.ready, 0], whole[:stream.ready],
                               atol=1e-6)
    np.testing.assert_allclose(stream.produce(len(whole))[:, 0], whole, atol=1e-6)


def test_stretched_in_a_band_and_too_long_a_span_refused():
    from scipy.signal import butter, sosfiltfilt

    from sonolens.audio.playback.transforms import Band
    from sonolens.dsp.stretched import Stretched

    y = _speechlike(dtype=np.float64)[:, None]
    view = Stretched(_Array(y), (0, len(y)), slowdown=2, band=Band(300, 900))
    sos = butter(4, [300, 900], btype="bandpass", fs=SR, output="sos")
    band = sosfiltfilt(sos, y[:, 0]).astype(np.float32)
    # float32 phases accumulate to ~1e5 rad: inputs 1e-8 apart come out ~1e-4 apart
    np.testing.assert_allclose(view.read(0, 2 * len(y))[:, 0],
                               librosa.effects.time_stretch(band, rate=0.5), atol=2e-3)
    long = _Array(np.zeros((SR * 60, 1), dtype=np.float32))
    with pytest.raises(ParameterError, match=r"at most 9\.375 s at 1/32 speed"):
        Stretched(long, (0, SR * 10), slowdown=32)
