"""Selection measurements: zero crossings as librosa, levels as numpy, feature statistics."""

from __future__ import annotations

import math

import librosa
import numpy as np
import pytest

from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.dsp.measure import SelectionMeter, feature_stats
from sonolens.dsp.table import FeatureTable
from tests.unit.signals import make_signal
from tests.unit.streamed import measure_selection


def librosa_count(y: np.ndarray) -> int:
    return int(np.sum(librosa.zero_crossings(y, pad=False)))


def zero_crossing_count(y: np.ndarray) -> int:
    """Sign changes the selection meter counts in mono ``y`` (n,)."""
    return measure_selection(y, 8000).channels[0].zero_crossings


def test_zero_crossings_hand_counted():
    # 0 counts as positive (zero_pos=True): 1 -> 0 no change, 0 -> -1 change, -1 -> 1 change
    y = np.array([1, 0, -1, 1, 1e-11, -1e-11, -2e-10, 0.5], dtype=np.float32)
    assert zero_crossing_count(y) == 4  # 0->-1, -1->1, -1e-11(=0)->-2e-10, -2e-10->0.5
    assert zero_crossing_count(y) == librosa_count(y)
    assert zero_crossing_count(np.zeros(5, np.float32)) == 0
    assert zero_crossing_count(np.array([-0.0, 0.0, -0.0], np.float32)) == 0
    assert zero_crossing_count(np.array([0.3], np.float32)) == 0
    assert zero_crossing_count(np.zeros(0, np.float32)) == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_zero_crossings_equal_librosa(seed):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(20000).astype(np.float32)
    y[rng.integers(0, len(y), 500)] = 0.0  # exact zeros
    y[rng.integers(0, len(y), 500)] = -0.0
    y[rng.integers(0, len(y), 500)] = rng.uniform(-2e-10, 2e-10, 500)  # around the threshold
    y[5000:5100] = 0.0
    assert zero_crossing_count(y) == librosa_count(y)
    assert zero_crossing_count(y.astype(np.float64)) == librosa_count(y.astype(np.float64))
    signal = make_signal(22050, 2.0, seed=seed)
    assert zero_crossing_count(signal) == librosa_count(signal)


def test_zero_crossings_of_a_sine():
    sr, f = 8000, 100.0
    t = (np.arange(sr) + 0.5) / sr  # one second, no sample exactly at zero
    y = np.sin(2 * np.pi * f * t).astype(np.float32)
    assert zero_crossing_count(y) == 2 * 100 - 1 == librosa_count(y)


def test_measure_selection_levels_and_mix():
    rng = np.random.default_rng(3)
    samples = rng.uniform(-0.5, 0.5, (30001, 2)).astype(np.float32)
    samples[100, 1] = -0.9
    m = measure_selection(samples, 48000)
    assert m.n_samples == 30001
    assert m.duration == pytest.approx(30001 / 48000)
    mix = librosa.to_mono(samples.T)
    for level, y in [(m.channels[0], samples[:, 0]), (m.channels[1], samples[:, 1]),
                     (m.mix, mix)]:
        peak = float(np.max(np.abs(y)))
        rms = float(np.sqrt(np.mean(y.astype(np.float64) ** 2)))
        assert level.peak == peak
        assert level.peak_dbfs == pytest.approx(20 * np.log10(peak))
        assert level.rms == pytest.approx(rms, rel=1e-12)
        assert level.rms_dbfs == pytest.approx(20 * np.log10(rms), rel=1e-12)
        assert level.zero_crossings == librosa_count(y)
    assert m.channels[1].peak_dbfs == pytest.approx(20 * np.log10(0.9))
    assert m.selected is m.mix
    assert measure_selection(samples, 48000, channel=1).selected == m.channels[1]


def test_full_scale_sine_levels():
    sr = 44100
    y = np.sin(2 * np.pi * 441.0 * np.arange(sr) / sr).astype(np.float32)
    m = measure_selection(y[:, np.newaxis], sr)
    assert m.mix.peak_dbfs == pytest.approx(0.0, abs=1e-4)
    assert m.mix.rms_dbfs == pytest.approx(-3.0103, abs=1e-3)
    assert m.mix == m.channels[0]


def test_blocks_give_the_same_result():
    samples = np.stack([make_signal(22050, 3.0, seed=4), make_signal(22050, 3.0, seed=5)], 1)
    whole = measure_selection(samples, 22050)
    meter = SelectionMeter(22050, 2)
    for first in range(0, len(samples), 777):
        meter.add(samples[first : first + 777])
    blocked = meter.result()
    assert blocked.n_samples == whole.n_samples
    for a, b in zip((*blocked.channels, blocked.mix), (*whole.channels, whole.mix),
                    strict=True):
        assert a.zero_crossings == b.zero_crossings
        assert a.peak == b.peak
        assert a.rms == pytest.approx(b.rms, rel=1e-12)


def test_empty_and_silent_selection():
    m = measure_selection(np.zeros((0, 2), np.float32), 44100)
    assert m.n_samples == 0 and m.duration == 0.0
    assert m.mix.peak_dbfs == m.mix.rms_dbfs == -200.0
    assert m.mix.zero_crossings == 0
    silent = measure_selection(np.zeros((100, 1), np.float32), 44100)
    assert silent.mix.rms_dbfs == -200.0


def test_bad_arguments():
    samples = np.zeros((10, 2), np.float32)
    with pytest.raises(ParameterError, match="channel 3 does not exist"):  # of 2, from 1
        measure_selection(samples, 44100, channel=2)
    with pytest.raises(ParameterError, match="sr=0"):
        measure_selection(samples, 0)
    with pytest.raises(ParameterError, match="shape"):
        SelectionMeter(44100, 2).add(np.zeros((10, 3), np.float32))


def make_table() -> FeatureTable:
    times = np.arange(10) * 0.5
    a = np.arange(10, dtype=np.float64)
    b = np.where(np.arange(10) % 2 == 0, np.nan, 1.0)
    return FeatureTable(times=times, columns={"rms": a, "spectral_centroid": b}, sr=22050,
                        params=AnalysisParams())


def test_feature_stats():
    stats = feature_stats(make_table(), 1.0, 2.5)  # frames 2..5, both ends inclusive
    assert list(stats) == ["rms", "spectral_centroid"]
    assert stats["rms"] == pytest.approx((np.mean([2, 3, 4, 5]), np.std([2, 3, 4, 5])))
    assert stats["spectral_centroid"] == (1.0, 0.0)  # NaN frames ignored
    assert feature_stats(make_table(), 2.5, 1.0) == stats


def test_feature_stats_empty():
    stats = feature_stats(make_table(), 1.1, 1.4)  # no frame centre inside
    assert all(math.isnan(m) and math.isnan(s) for m, s in stats.values())
    only_nan = feature_stats(make_table(), 2.0, 2.0)  # frame 4: centroid is NaN
    assert only_nan["rms"] == (4.0, 0.0)
    assert all(math.isnan(v) for v in only_nan["spectral_centroid"])
