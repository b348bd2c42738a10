"""The reassigned spectrogram port equals librosa.reassigned_spectrogram, block by block;
its pixel-grid image equals an independent np.histogram2d of the same energy."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.dsp.reassigned import reassigned_spectrogram
from sonolens.dsp.reassigned_image import PixelGrid, range_image, reassigned_image

SR = 22050


def chirp(seconds: float = 1.5) -> np.ndarray:
    """Linear chirp 200 Hz -> 200 + 3000 * seconds Hz, amplitude 0.5."""
    t = np.arange(int(SR * seconds)) / SR
    return (0.5 * np.sin(2 * np.pi * (200 * t + 1500 * t**2))).astype(np.float32)


def harmonic(seconds: float = 1.2) -> np.ndarray:
    t = np.arange(int(SR * seconds)) / SR
    y = sum(0.4 / k * np.sin(2 * np.pi * 220.0 * k * t + k) for k in range(1, 8))
    return y.astype(np.float32)


def noise(seconds: float = 1.0) -> np.ndarray:
    y = 0.1 * np.random.default_rng(3).standard_normal(int(SR * seconds))
    y[: SR // 10] = 0.0  # exact silence: 0/0 corrections must be NaN as librosa's
    return y.astype(np.float32)


SIGNALS = {"chirp": chirp, "harmonic": harmonic, "noise": noise}
SETTINGS = [
    {},
    {"n_fft": 1024, "hop_length": 300, "window": "hamming"},
    {"n_fft": 2048, "hop_length": 512, "win_length": 1500, "window": "blackmanharris"},
    {"n_fft": 511, "hop_length": 128},  # odd n_fft: other time weights
]


def librosa_reassigned(y: np.ndarray, **kwargs):
    with warnings.catch_warnings():  # librosa's own "where without out" warning
        warnings.simplefilter("ignore")
        return librosa.reassigned_spectrogram(y=y, sr=SR, **kwargs)


def assert_equal_to_librosa(ours, ref) -> None:
    for name, a, b in zip(("freqs", "times", "mags"), ours, ref, strict=True):
        assert a.shape == b.shape, name
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=name)
        finite = np.isfinite(b)
        np.testing.assert_allclose(a[finite], b[finite], rtol=1e-4, atol=0, err_msg=name)


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: str(s.get("n_fft", "default")))
@pytest.mark.parametrize("signal", sorted(SIGNALS))
def test_equals_librosa(signal, settings):
    y = SIGNALS[signal]()
    ours = reassigned_spectrogram(y, sr=SR, frames_per_block=37, **settings)
    ref = librosa_reassigned(y, **settings)
    assert_equal_to_librosa(ours, ref)
    freqs = ref[0]
    assert np.isfinite(freqs).mean() > 0.02  # something is reassigned, not all NaN
    if signal != "chirp":
        assert np.isnan(freqs).any()  # and the threshold / silence made NaNs


@pytest.mark.parametrize("options", [
    {"fill_nan": True}, {"clip": False}, {"ref_power": 0.0}, {"ref_power": 1e-2},
])
def test_options_equal_librosa(options):
    y = noise()
    assert_equal_to_librosa(reassigned_spectrogram(y, sr=SR, **options),
                            librosa_reassigned(y, **options))


def test_blocks_equal_one_shot():
    """Any block size gives the same numbers (bit for bit) as one block of every frame."""
    y = harmonic()
    whole = reassigned_spectrogram(y, sr=SR, frames_per_block=10_000)
    for size in (1, 7, 256):
        for a, b in zip(reassigned_spectrogram(y, sr=SR, frames_per_block=size), whole,
                        strict=True):
            np.testing.assert_array_equal(a, b)


def test_chirp_is_reassigned_onto_its_line():
    """The strong bins of a linear chirp land within a few Hz of f(t) = 200 + 3000 t."""
    freqs, times, mags = reassigned_spectrogram(chirp(), sr=SR)
    strong = np.isfinite(freqs) & (mags > 0.5 * mags.max())
    inside = strong & (times > 0.1) & (times < 1.4)
    error = freqs[inside] - (200 + 3000 * times[inside])
    assert inside.sum() > 100
    assert np.median(np.abs(error)) < 5.0


# -- the pixel grid ----------------------------------------------------------------------
def independent_image(freqs, times, mags, t0, t1, n_cols, f0, f1, n_rows, scale):
    """np.histogram2d over the axis the test maps itself (librosa's mel, np.log10)."""
    axis = {"linear": lambda f: f, "log": np.log10,
            "mel": lambda f: librosa.hz_to_mel(f, htk=False)}[scale]
    f, t, m = freqs.ravel(), times.ravel(), mags.ravel().astype(np.float64)
    ok = np.isfinite(f) & np.isfinite(t) & (f >= f0) & (f <= f1)
    edges = np.linspace(axis(f0), axis(f1), n_rows + 1)
    energy, _, _ = np.histogram2d(axis(f[ok]), t[ok], bins=[edges, np.linspace(t0, t1,
                                  n_cols + 1)], weights=m[ok] ** 2)
    return 10 * np.log10(np.maximum(1e-10, energy))


@pytest.mark.parametrize("scale,f0,f1", [("linear", 0.0, SR / 2), ("log", 100.0, 8000.0),
                                          ("mel", 50.0, 6000.0)])
def test_image_equals_histogram2d(scale, f0, f1):
    y = chirp() + harmonic(1.5)
    freqs, times, mags = reassigned_spectrogram(y, sr=SR)
    grid = PixelGrid(0.2, 1.1, 173, f0, f1, 97, scale)
    image = reassigned_image(freqs, times, mags, grid)
    expected = independent_image(freqs, times, mags, 0.2, 1.1, 173, f0, f1, 97, scale)
    assert image.shape == (97, 173) and image.dtype == np.float32
    np.testing.assert_allclose(image, expected, rtol=1e-5, atol=1e-4)
    assert (image > -100).sum() > 173  # lit pixels: the test is not about empty images


class ArraySource:
    """A mono Playable over an array (what analysis_segment reads)."""

    samplerate, channels = SR, 1

    def __init__(self, y: np.ndarray) -> None:
        self.y = y

    @property
    def frames(self) -> int:
        return len(self.y)

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.y[start:stop, np.newaxis]


def drive(job):
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value


def test_range_image_equals_the_whole_signal_image():
    """The view's job (frames near the range, chunk by chunk) draws what the whole
    signal's reassigned bins give in that grid."""
    y = chirp(3.0)
    freqs, times, mags = reassigned_spectrogram(y, sr=SR)
    grid = PixelGrid(1.0, 2.0, 120, 0.0, SR / 2, 80, "linear")
    image = drive(range_image(ArraySource(y), AnalysisParams(), SR, grid, len(y)))
    np.testing.assert_allclose(image, reassigned_image(freqs, times, mags, grid),
                               rtol=1e-5, atol=1e-3)


def test_range_image_refuses_too_long_a_range():
    y = np.zeros(SR, dtype=np.float32)
    grid = PixelGrid(0.0, 10_000.0, 100, 0.0, SR / 2, 50)
    with pytest.raises(ParameterError, match="frames is more than"):
        drive(range_image(ArraySource(y), AnalysisParams(), SR, grid, 10_000 * SR))
