"""Onset strength, onsets, tempo and beats (dsp/onsets.py, dsp/beats.py) against librosa."""

from __future__ import annotations

import shutil
import subprocess

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.dsp import beats, onsets
from tests.unit.signals import drum_loop, make_signal


def assert_like_librosa(y: np.ndarray, sr: int) -> tuple[np.ndarray, float, np.ndarray]:
    env = onsets.onset_strength(y, sr)
    ref = librosa.onset.onset_strength(y=y, sr=sr)
    assert env.shape == ref.shape
    np.testing.assert_allclose(env, ref, rtol=1e-4, atol=1e-4 * max(float(ref.max()), 1e-12))
    found = onsets.onset_detect(y, sr)
    np.testing.assert_array_equal(found, librosa.onset.onset_detect(y=y, sr=sr))
    bpm, beat_frames = beats.beat_track(y, sr)
    ref_bpm, ref_beats = librosa.beat.beat_track(y=y, sr=sr)
    assert bpm == pytest.approx(float(np.atleast_1d(ref_bpm)[0]), rel=1e-9)
    np.testing.assert_array_equal(beat_frames, ref_beats)
    return found, bpm, beat_frames


@pytest.mark.parametrize(("bpm", "sr"), [(100, 22050), (128, 44100), (128, 8000)])
def test_drum_loop_equals_librosa(bpm: int, sr: int) -> None:
    y = drum_loop(bpm, sr, seconds=10.0)
    found, tempo, beat_frames = assert_like_librosa(y, sr)
    assert tempo == pytest.approx(bpm, rel=0.06)  # the tempogram's lag grid is coarse
    # one onset per kick and per hi-hat, one beat per kick in the steady part
    assert abs(len(found) - 2 * 10.0 * bpm / 60) <= 6
    assert len(beat_frames) >= 10.0 * bpm / 60 - 4


def test_speech_like_and_noise_equal_librosa() -> None:
    assert_like_librosa(make_signal(22050, 4.0).astype(np.float64), 22050)
    noise = 0.1 * np.random.default_rng(3).standard_normal(22050 * 6)
    assert_like_librosa(noise, 22050)


def test_espeak_speech_equals_librosa(tmp_path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path / "speech.wav"
    text = "The quick brown fox jumps over the lazy dog. One, two, three, four."
    subprocess.run(["espeak-ng", "-w", str(wav), text], check=True, capture_output=True)
    y, sr = sf.read(wav, dtype="float64")
    found, _tempo, _beats = assert_like_librosa(y, sr)
    assert len(found) > 5


def test_aggregate_median_equals_librosa() -> None:
    y = drum_loop(110, 16000, seconds=5.0)
    np.testing.assert_allclose(onsets.onset_strength(y, 16000, aggregate="median"),
                               librosa.onset.onset_strength(y=y, sr=16000, aggregate=np.median),
                               rtol=1e-4, atol=1e-8)


@pytest.mark.parametrize(("n_fft", "hop"), [(1024, 256), (4096, 1024)])
def test_other_frames_equal_librosa(n_fft: int, hop: int) -> None:
    y = drum_loop(120, 22050, seconds=4.0)
    np.testing.assert_allclose(
        onsets.onset_strength(y, 22050, n_fft=n_fft, hop_length=hop),
        librosa.onset.onset_strength(y=y, sr=22050, n_fft=n_fft, hop_length=hop),
        rtol=1e-4, atol=1e-8)


def test_silence_has_no_onsets_no_beats_tempo_zero() -> None:
    y = np.zeros(22050 * 2)
    assert not onsets.onset_strength(y, 22050).any()
    assert len(onsets.onset_detect(y, 22050)) == 0
    assert beats.beat_track(y, 22050) == (0.0, pytest.approx(np.zeros(0)))
    ref_bpm, ref_beats = librosa.beat.beat_track(y=y, sr=22050)
    assert ref_bpm == 0.0 and len(ref_beats) == 0


def test_ten_ms_file() -> None:
    y = drum_loop(120, 22050, seconds=0.01)
    assert len(y) == 220
    env = onsets.onset_strength(y, 22050)
    np.testing.assert_allclose(env, librosa.onset.onset_strength(y=y, sr=22050), atol=1e-12)
    assert len(onsets.onset_detect(y, 22050)) == 0
    assert beats.beat_track(y, 22050)[0] == 0.0


def test_peak_pick_equals_librosa_on_random_curves() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        x = rng.random(300) ** 3
        kw = dict(pre_max=3, post_max=2, pre_avg=5, post_avg=4, delta=0.05, wait=4)
        np.testing.assert_array_equal(onsets.peak_pick(x, **kw),
                                      librosa.util.peak_pick(x, **kw))
