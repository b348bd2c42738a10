"""Snapping an annotation's edges: zero crossings (against librosa.zero_crossings) and
analysis frame centres (against librosa.frames_to_time)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.dsp.snapping import snap_to_frame, snap_to_zero_crossing, zero_crossings


def test_zero_crossings_match_librosa_on_a_noisy_tone():
    rng = np.random.default_rng(3)
    sr = 8000
    t = np.arange(4000) / sr
    x = (np.sin(2 * np.pi * 123.0 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
    expected = np.flatnonzero(librosa.zero_crossings(x, pad=False))
    assert np.array_equal(zero_crossings(x), expected)


def test_a_stereo_file_snaps_on_its_mono_mix():
    sr = 1000
    n = np.arange(1000)
    left = np.sin(2 * np.pi * 7.0 * n / sr)
    right = 0.5 * np.sin(2 * np.pi * 7.0 * n / sr + 0.3)
    stereo = np.stack([left, right], axis=1)
    expected = np.flatnonzero(librosa.zero_crossings(stereo.mean(axis=1), pad=False))
    assert np.array_equal(zero_crossings(stereo), expected)


@pytest.mark.parametrize("seconds", [0.1234, 0.3, 0.4999])
def test_snap_to_zero_crossing_picks_the_nearest_sign_change(seconds):
    sr = 8000
    first = 1000  # the samples read start at frame 1000 (0.125 s)
    n = np.arange(first, first + 4000)
    x = np.sin(2 * np.pi * 55.0 * n / sr + 0.2)
    crossings = (np.flatnonzero(librosa.zero_crossings(x, pad=False)) + first) / sr
    nearest = crossings[np.argmin(np.abs(crossings - seconds))]
    snapped = snap_to_zero_crossing(seconds, x, first, sr)
    assert snapped == pytest.approx(nearest, abs=1e-12)
    k = round(snapped * sr)
    assert np.signbit(np.sin(2 * np.pi * 55.0 * k / sr + 0.2)) != np.signbit(
        np.sin(2 * np.pi * 55.0 * (k - 1) / sr + 0.2))


def test_no_crossing_leaves_the_time_alone():
    assert snap_to_zero_crossing(0.5, np.ones(100), 0, 1000) == 0.5


@pytest.mark.parametrize(("seconds", "sr", "hop"), [(1.234, 22050, 512), (0.01, 44100, 256),
                                                    (0.0, 16000, 160), (7.77, 48000, 1024)])
def test_snap_to_frame_is_the_nearest_librosa_frame_time(seconds, sr, hop):
    frames = np.arange(0, int(seconds * sr / hop) + 3)
    times = librosa.frames_to_time(frames, sr=sr, hop_length=hop)
    expected = times[np.argmin(np.abs(times - seconds))]
    assert snap_to_frame(seconds, sr, hop) == pytest.approx(expected, abs=1e-12)
