"""Level-meter math (audio.playback.levels) against numpy: dBFS, peak, RMS window, fall,
hold and clip, on signals whose levels are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from sonolens.audio.playback.levels import LevelMeter, peak_rms, to_dbfs

SR = 48000


def _sine(amplitude: float, seconds: float, freq: float = 997.0, channels: int = 2,
          phase: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    wave = amplitude * np.sin(2 * np.pi * freq * t + phase)
    return np.repeat(wave[:, None], channels, axis=1).astype(np.float32)


def test_peak_and_rms_equal_numpy_per_channel():
    rng = np.random.default_rng(4)
    x = rng.uniform(-0.8, 0.8, (5000, 3)).astype(np.float32)
    peak, rms = peak_rms(x)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(peak, np.abs(x64).max(axis=0), rtol=0)
    np.testing.assert_allclose(rms, np.sqrt((x64 ** 2).mean(axis=0)), rtol=1e-12)
    np.testing.assert_allclose(to_dbfs(rms), 20 * np.log10(np.sqrt((x64 ** 2).mean(axis=0))),
                               rtol=1e-12)
    assert to_dbfs(0.0) == -np.inf
    empty_peak, empty_rms = peak_rms(np.zeros((0, 2), np.float32))
    assert empty_peak.tolist() == [0, 0] and empty_rms.tolist() == [0, 0]


def test_sine_at_minus_6_dbfs_reads_minus_6_peak_minus_9_rms():
    amplitude = 10 ** (-6 / 20)
    meter = LevelMeter(2, SR)
    y = _sine(amplitude, 1.0)
    for block in np.array_split(y, 30):  # 30 updates of ~33 ms, as the window polls
        reading = meter.feed(block, len(block) / SR)
    last = y[-round(0.3 * SR):].astype(np.float64)  # the 300 ms RMS window
    np.testing.assert_allclose(reading.rms, 20 * np.log10(np.sqrt((last ** 2).mean(axis=0))),
                               atol=1e-9)
    assert reading.rms == pytest.approx([-6 - 10 * np.log10(2)] * 2, abs=0.01)  # -9.01
    np.testing.assert_allclose(reading.peak, 20 * np.log10(np.abs(y[-len(block):]).max(0)),
                               atol=1e-6)
    assert reading.peak == pytest.approx([-6.0, -6.0], abs=0.01)
    assert reading.hold == pytest.approx([-6.0, -6.0], abs=0.01)
    assert not reading.clipped.any()


def test_rms_window_slides_over_the_last_300_ms_fed_in_any_pieces():
    rng = np.random.default_rng(9)
    x = rng.uniform(-0.5, 0.5, (SR, 2)) * np.linspace(1, 0.1, SR)[:, None]
    window = round(0.3 * SR)
    for pieces in (1, 7, 113):
        meter = LevelMeter(2, SR)
        for block in np.array_split(x, pieces):
            reading = meter.feed(block, len(block) / SR)
        expected = 20 * np.log10(np.sqrt((x[-window:] ** 2).mean(axis=0)))
        np.testing.assert_allclose(reading.rms, expected, atol=1e-9)
    meter = LevelMeter(1, SR)
    part = x[:1000, :1]  # less than a window so far: the mean of what came
    reading = meter.feed(part, 0.02)
    np.testing.assert_allclose(reading.rms, 20 * np.log10(np.sqrt((part ** 2).mean())))


def test_peak_falls_at_the_fall_rate_and_hold_waits_then_falls():
    meter = LevelMeter(1, SR, hold=2.0, fall=12.0)
    meter.feed(_sine(0.5, 0.05, channels=1), 0.05)
    top = 20 * np.log10(np.abs(_sine(0.5, 0.05, channels=1)).max())
    quiet = _sine(0.01, 0.1, channels=1)  # -40 dBFS
    reading = meter.feed(quiet, 0.5)
    assert reading.peak[0] == pytest.approx(top - 12.0 * 0.5)
    assert reading.hold[0] == pytest.approx(top)  # still held
    reading = meter.feed(quiet, 1.0)  # 1.5 s since the peak
    assert reading.hold[0] == pytest.approx(top)
    assert reading.peak[0] == pytest.approx(top - 12.0 * 1.5)
    reading = meter.feed(quiet, 1.0)  # 2.5 s: held 2 s, then 0.5 s of fall
    assert reading.hold[0] == pytest.approx(top - 12.0 * 0.5)
    reading = meter.feed(quiet, 5.0)  # fallen to the quiet signal's own peak
    quiet_db = 20 * np.log10(np.abs(quiet).max())
    assert reading.peak[0] == pytest.approx(quiet_db) and reading.hold[0] >= quiet_db
    meter.reset_hold()
    assert meter.reading().hold[0] == pytest.approx(meter.reading().peak[0])


def test_clip_latches_at_full_scale_until_reset_and_silence_empties_rms():
    meter = LevelMeter(2, SR)
    x = _sine(0.5, 0.1)
    x[100, 1] = 1.0  # one full-scale sample on the second channel
    reading = meter.feed(x, 0.1)
    assert reading.clipped.tolist() == [False, True]
    reading = meter.feed(_sine(0.1, 0.1), 0.1)
    assert reading.clipped.tolist() == [False, True]  # latched
    meter.reset_clip()
    assert not meter.reading().clipped.any()
    reading = meter.feed_silence(0.4)  # longer than the RMS window: nothing left
    assert np.all(reading.rms == -np.inf)
    with pytest.raises(ValueError, match="frames must be"):
        meter.feed(np.zeros((10, 3)), 0.01)
