"""The difference of a range of frames (what the compare window computes for the visible
range when zoomed in) against the whole-overlap pass: the same frames, the same values."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile as sf
import soxr

from sonolens.audio import open_source
from sonolens.audio.shifted import ShiftedSource
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import drive
from sonolens.dsp.difference import difference_job, difference_range_job
from tests.unit.test_align import SR, melody

OFFSET = 0.2371  # s: B's shared audio starts this much later than A's


def write_takes(tmp_path, sr_b: int):
    """A (SR) and B: 0.2371 s of other noise, then A quieter, low-passed, at ``sr_b``."""
    rng = np.random.default_rng(11)
    y_a = melody(6.0, seed=5) + 0.02 * rng.standard_normal(int(6.0 * SR)).astype(np.float32)
    y_b = 0.5 * np.convolve(y_a, np.ones(5) / 5, mode="same")
    if sr_b != SR:
        y_b = soxr.resample(y_b, SR, sr_b, quality="HQ")
    lead = 0.1 * rng.standard_normal(round(OFFSET * sr_b))
    a, b = tmp_path / "a.wav", tmp_path / f"b{sr_b}.wav"
    sf.write(a, y_a.astype(np.float32), SR, subtype="FLOAT")
    sf.write(b, np.concatenate((lead, y_b)).astype(np.float32), sr_b, subtype="FLOAT")
    return a, b


def passes(a, b, params, first, stop, factor=1):
    """(the whole pass unpooled, the range [first, stop), ``factor`` frames a column)."""
    with open_source(a) as sa, open_source(b) as sb:
        whole = drive(difference_job(sa, ShiftedSource.by_offset(sb, OFFSET), params,
                                     max_columns=10**6), lambda p: None)
        part = drive(difference_range_job(sa, ShiftedSource.by_offset(sb, OFFSET), params,
                                          first=first, stop=stop, factor=factor),
                     lambda p: None)
    assert whole.factor == 1 and whole.first == 0
    return whole, part


@pytest.mark.parametrize("first, stop", [(0, 40), (97, 403), (200, 10**6)])
@pytest.mark.parametrize("params", [AnalysisParams(),
                                    AnalysisParams(n_fft=1024, hop_length=300, window="hamming")])
def test_range_equals_the_whole_pass_bit_for_bit(tmp_path, params, first, stop):
    a, b = write_takes(tmp_path, SR)
    whole, part = passes(a, b, params, first, stop)
    stop = min(stop, whole.values.shape[1])
    assert (part.first, part.factor) == (first, 1)
    assert part.values.shape == (whole.values.shape[0], stop - first)
    np.testing.assert_array_equal(part.values, whole.values[:, first:stop])
    np.testing.assert_array_equal(part.freqs, whole.freqs)
    assert part.frame_seconds == whole.frame_seconds
    np.testing.assert_allclose(part.times, whole.times[first:stop])
    # the features are there: B is quieter (about -6 dB) where A has energy
    assert np.median(part.values[5:100]) == pytest.approx(-6.0, abs=2.0)


@pytest.mark.parametrize("sr_b, sr", [(44100, None), (48000, None), (44100, 16000)])
def test_range_equals_the_whole_pass_when_resampled(tmp_path, sr_b, sr):
    """B at another rate (resampled to A's analysis rate), or both resampled."""
    a, b = write_takes(tmp_path, sr_b)
    params = AnalysisParams(sr=sr)
    whole, part = passes(a, b, params, 120, 333)
    assert (part.first, part.factor) == (120, 1)
    expected = whole.values[:, 120:333]
    assert part.values.shape == expected.shape
    # the resampled signals agree to float32 rounding (~3e-8), which moves a bin's dB in
    # proportion to how far it lies below its frame's peak: where both sides are within
    # 50 dB of their frame's peak (A's level from librosa, B's = A's + B - A), < 0.001 dB
    y_a, _ = librosa.load(a, sr=sr, res_type="soxr_hq")
    level_a = librosa.amplitude_to_db(np.abs(librosa.stft(y_a)), ref=1.0, amin=1e-5,
                                      top_db=None)[:, 120:333]
    level_b = level_a + expected
    strong = ((level_a > level_a.max(axis=0) - 50) & (level_b > level_b.max(axis=0) - 50))
    error = np.abs(part.values - expected)
    assert strong.mean() > 0.2
    assert error[strong].max() < 1e-3
    assert np.median(error) < 1e-4


def test_range_pooled_to_a_width_averages_whole_pass_frames(tmp_path):
    a, b = write_takes(tmp_path, SR)
    whole, part = passes(a, b, AnalysisParams(), 50, 250, factor=7)
    assert (part.first, part.factor) == (50, 7)
    assert part.values.shape[1] == 29  # ceil(200 / 7): the last column holds 4 frames
    frames = whole.values[:, 50:250].astype(np.float64)
    expected = np.stack([frames[:, k : k + 7].mean(axis=1) for k in range(0, 200, 7)], axis=1)
    np.testing.assert_allclose(part.values, expected, atol=1e-4)
    dt = 512 / SR
    np.testing.assert_allclose(part.times[:2], [(50 + 3) * dt, (57 + 3) * dt])
