"""Offsets between takes of the same audio built with sox: delayed, trimmed, noisier,
low-passed, at another rate and channel count -- found within 2 ms; unrelated audio gets a
low confidence."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.audio.shifted import ShiftedSource
from sonolens.dsp.align import find_offset, pearson_by_lag

SR = 22050
needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")


def melody(seconds: float, seed: int) -> np.ndarray:
    """Notes with harmonics, varying pitch and loudness, and noise bursts: structure in
    time and across the spectrum, as speech or music has."""
    rng = np.random.default_rng(seed)
    y = np.zeros(int(seconds * SR))
    t = 0.0
    while t < seconds:
        length = rng.uniform(0.08, 0.5)
        n0, n1 = int(t * SR), min(len(y), int((t + length) * SR))
        tt = np.arange(n1 - n0) / SR
        f0 = 110 * 2 ** (rng.integers(0, 30) / 12)
        note = sum(np.sin(2 * np.pi * k * f0 * tt) / k for k in range(1, 8))
        if rng.random() < 0.3:
            note = rng.standard_normal(len(tt)) * 0.5
        y[n0:n1] += rng.uniform(0.1, 0.6) * note * np.hanning(len(tt))
        t += length + rng.uniform(0.0, 0.2)
    return (0.5 * y / np.abs(y).max()).astype(np.float32)


def sox(*args: str | Path) -> None:
    subprocess.run(["sox", *map(str, args)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("takes") / "a.wav"
    sf.write(path, melody(12.0, seed=3), SR, subtype="PCM_16")
    return path


def offset_of(a: Path, b: Path):
    with open_source(a) as sa, open_source(b) as sb:
        return find_offset(sa, sb)


@needs_sox
@pytest.mark.parametrize(("effect", "expected"), [
    (("pad", "0.25"), 0.25),  # B delayed by 250 ms
    (("trim", "0.4"), -0.4),  # B starts 400 ms into A
    (("pad", "1.3037", "trim", "0", "9"), 1.3037),  # delayed and cut short
    (("trim", "2.5", "4"), -2.5),  # an excerpt
])
def test_delayed_and_trimmed_takes(original, tmp_path, effect, expected):
    b = tmp_path / "b.wav"
    sox(original, b, *effect)
    found = offset_of(original, b)
    assert found.offset == pytest.approx(expected, abs=0.002)
    assert found.confidence > 0.95


@needs_sox
def test_noisy_lowpassed_resampled_stereo_take(original, tmp_path):
    noise = tmp_path / "noise.wav"
    sox("-n", "-r", SR, "-b", "16", noise, "synth", "13", "whitenoise", "vol", "0.08")
    mixed = tmp_path / "mixed.wav"
    sox("-m", original, noise, mixed)
    b = tmp_path / "b.flac"
    # delayed 0.1234 s, low-passed at 2 kHz, 48 kHz, two channels
    sox(mixed, "-r", "48000", "-c", "2", b, "pad", "0.1234", "lowpass", "2000")
    found = offset_of(original, b)
    assert found.offset == pytest.approx(0.1234, abs=0.002)
    assert 0.3 < found.confidence < 0.999
    reverse = offset_of(b, original)  # the other way round: the opposite offset
    assert reverse.offset == pytest.approx(-0.1234, abs=0.002)


def test_unrelated_audio_has_low_confidence(original, tmp_path):
    other = tmp_path / "other.wav"
    sf.write(other, melody(12.0, seed=99), SR, subtype="PCM_16")
    assert offset_of(original, other).confidence < 0.3


def test_pearson_by_lag_equals_numpy_corrcoef():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(50), rng.standard_normal(70)
    lags, r = pearson_by_lag(a, b, min_overlap=10)
    for k, value in zip(lags, r, strict=True):
        lo, hi = max(0, -k), min(len(a), len(b) - k)
        assert hi - lo >= 10
        expected = np.corrcoef(a[lo:hi], b[lo + k : hi + k])[0, 1]
        assert value == pytest.approx(expected, abs=1e-9)
    assert len(lags) == sum(1 for k in range(-49, 70)
                            if min(50, 70 - k) - max(0, -k) >= 10)


def test_shifted_source_reads_as_the_source_moved(original):
    with open_source(original) as source:
        whole = source.read(0, source.frames)
        later = ShiftedSource(source, 1000)
        earlier = ShiftedSource(source, -500)
        assert later.frames == source.frames - 1000
        np.testing.assert_array_equal(later.read(0, 300), whole[1000:1300])
        np.testing.assert_array_equal(np.concatenate(list(later.blocks(4096))), whole[1000:])
        got = np.concatenate(list(earlier.blocks(128)))
        assert len(got) == source.frames + 500
        np.testing.assert_array_equal(got[:500], 0)
        np.testing.assert_array_equal(got[500:], whole)
        np.testing.assert_array_equal(earlier.read(490, 510)[10:], whole[:10])
        np.testing.assert_array_equal(earlier.read(490, 510)[:10], 0)
