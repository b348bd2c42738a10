"""Every feature column equals librosa's own function on the same file and parameters."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.features import PITCH_CLASSES
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from tests.unit.signals import make_signal

TOLERANCE = 1e-4


def librosa_reference(path: Path, p: AnalysisParams) -> tuple[dict[str, np.ndarray], int]:
    """The tutorial pipeline: librosa.load, then each librosa.feature.* on y."""
    y, sr = librosa.load(path, sr=p.sr, mono=p.channel is None)
    if p.channel is not None:
        y = y[p.channel]
    stft_kw = dict(n_fft=p.n_fft, hop_length=p.hop_length, win_length=p.win_length,
                   window=_scipy_window(p.window))
    ref = {
        "rms": librosa.feature.rms(y=y, frame_length=p.n_fft, hop_length=p.hop_length),
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(
            y, frame_length=p.n_fft, hop_length=p.hop_length),
        "spectral_centroid": librosa.feature.spectral_centroid(y=y, sr=sr, **stft_kw),
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(y=y, sr=sr, p=p.p, **stft_kw),
        "spectral_rolloff": librosa.feature.spectral_rolloff(
            y=y, sr=sr, roll_percent=p.roll_percent, **stft_kw),
        "spectral_flatness": librosa.feature.spectral_flatness(y=y, **stft_kw),
    }
    out = {k: v[0] for k, v in ref.items()}
    contrast = librosa.feature.spectral_contrast(y=y, sr=sr, **stft_kw)
    out.update({f"spectral_contrast_{i + 1}": contrast[i] for i in range(len(contrast))})
    chroma = librosa.feature.chroma_stft(y=y, sr=sr, **stft_kw)
    out.update({f"chroma_{name}": chroma[i] for i, name in enumerate(PITCH_CLASSES)})
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=p.n_mfcc, n_mels=p.n_mels, fmin=p.fmin,
                                fmax=p.fmax, **stft_kw)
    out.update({f"mfcc_{i + 1}": mfcc[i] for i in range(p.n_mfcc)})
    return out, sr


def _scipy_window(name: str) -> str:
    return "boxcar" if name == "rectangular" else name


def worst_relative_error(ours: np.ndarray, ref: np.ndarray) -> float:
    """max |ours - ref| relative to the column's scale (max |ref|), as a 1e-4 check."""
    scale = max(float(np.abs(ref).max()), 1e-12)
    return float(np.abs(ours - ref).max()) / scale


def assert_matches_librosa(path: Path, params: AnalysisParams) -> None:
    with open_source(path) as source:
        table = run_to_end(extract_features(source, params))
    ref, sr = librosa_reference(path, params)
    assert table.sr == sr
    expected_times = librosa.frames_to_time(
        np.arange(len(ref["rms"])), sr=sr, hop_length=params.hop_length)
    np.testing.assert_array_equal(table.times, expected_times)
    errors = {}
    for name, want in ref.items():
        got = table.columns[name]
        assert got.shape == want.shape, name
        errors[name] = worst_relative_error(got, want)
    worst = max(errors, key=errors.get)
    assert errors[worst] <= TOLERANCE, f"{worst}: {errors[worst]:.2e} ({errors})"


def write(tmp_path: Path, y: np.ndarray, sr: int, name: str = "x.wav", **kw) -> Path:
    path = tmp_path / name
    sf.write(path, y, sr, **kw)
    return path


def test_defaults_match_librosa(tmp_path):
    path = write(tmp_path, make_signal(22050, 4.0), 22050, subtype="FLOAT")
    assert_matches_librosa(path, AnalysisParams())


@pytest.mark.parametrize(
    "changes",
    [
        dict(n_fft=512),
        dict(n_fft=4096),
        dict(hop_length=128),
        dict(hop_length=1024),
        dict(n_mels=64, n_mfcc=13),
        dict(fmin=50.0, fmax=8000.0),
        dict(win_length=1024, window="hamming"),
        dict(window="blackmanharris", n_fft=1024, hop_length=256),
        dict(window="rectangular"),
        dict(p=3.0, roll_percent=0.5),
        dict(hop_length=300),
    ],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()),
)
def test_non_default_parameters_match_librosa(tmp_path, changes):
    path = write(tmp_path, make_signal(22050, 3.0, seed=1), 22050, subtype="FLOAT")
    assert_matches_librosa(path, AnalysisParams(**changes))


def test_48k_pcm24_file(tmp_path):
    path = write(tmp_path, make_signal(48000, 3.0, seed=2), 48000, subtype="PCM_24")
    assert_matches_librosa(path, AnalysisParams())


def test_stereo_mix_and_channel(tmp_path):
    left = make_signal(44100, 2.5, seed=3)
    right = np.roll(make_signal(44100, 2.5, seed=4), 1000) * 0.5
    path = write(tmp_path, np.stack([left, right], axis=1), 44100, subtype="PCM_16")
    assert_matches_librosa(path, AnalysisParams())
    assert_matches_librosa(path, AnalysisParams(channel=1))


def test_resampled_analysis(tmp_path):
    path = write(tmp_path, make_signal(44100, 2.5, seed=5), 44100, subtype="FLOAT")
    assert_matches_librosa(path, AnalysisParams(sr=22050))


def test_8k_contrast_bands_above_nyquist_are_empty(tmp_path):
    """librosa raises for its default contrast bands at 8 kHz; we keep the bands that fit."""
    y = make_signal(8000, 3.0, seed=6)
    path = write(tmp_path, y, 8000, subtype="FLOAT")
    with open_source(path) as source:
        table = run_to_end(extract_features(source, AnalysisParams()))
    with pytest.raises(librosa.util.exceptions.ParameterError):
        librosa.feature.spectral_contrast(y=y, sr=8000)
    fitting = librosa.feature.spectral_contrast(y=y, sr=8000, n_bands=5)
    for i in range(6):
        assert worst_relative_error(table.columns[f"spectral_contrast_{i + 1}"], fitting[i]) < 1e-6
    assert np.isnan(table.columns["spectral_contrast_7"]).all()
    assert any("Nyquist" in w for w in table.warnings)


def test_silence_gives_librosa_values_not_nan(tmp_path):
    path = write(tmp_path, np.zeros(22050, dtype=np.float32), 22050, subtype="FLOAT")
    with open_source(path) as source:
        table = run_to_end(extract_features(source, AnalysisParams()))
    y, sr = librosa.load(path, sr=None)
    for name, fn in [("spectral_centroid", librosa.feature.spectral_centroid),
                     ("spectral_rolloff", librosa.feature.spectral_rolloff)]:
        np.testing.assert_array_equal(table.columns[name], fn(y=y, sr=sr)[0])
    np.testing.assert_allclose(table.columns["spectral_flatness"],
                               librosa.feature.spectral_flatness(y=y)[0], rtol=1e-6)
    np.testing.assert_allclose(table.columns["mfcc_1"], librosa.feature.mfcc(y=y, sr=sr)[0],
                               rtol=1e-6)
    assert all(np.isfinite(v).all() for v in table.columns.values())


def test_file_shorter_than_n_fft(tmp_path):
    t = np.arange(1000) / 22050
    y = (0.5 * np.sin(2 * np.pi * 700 * t) + 0.1 * np.sin(2 * np.pi * 2900 * t)).astype("f4")
    path = write(tmp_path, y, 22050, subtype="FLOAT")
    with pytest.warns(UserWarning):  # librosa warns that n_fft is too large; we match anyway
        assert_matches_librosa(path, AnalysisParams())
