"""Slowed and band-limited playback (audio.playback.transforms), in-process and through a
real PortAudio stream into the ALSA ``file`` plugin (DESIGN §11; as tests/unit/test_playback).

Expectations are computed here with soxr and scipy on the whole signal or the selection:
slowed k = the selection resampled ×k (soxr), band-limited = scipy's zero-phase 4th-order
Butterworth band-pass (``sosfiltfilt``), band-stop = the signal minus that band-pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soxr
from scipy.signal import butter, sosfiltfilt

from sonolens.audio.playback.transforms import Band, Transformed
from sonolens.core.errors import ParameterError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RATE = 44100


class _Array:
    def __init__(self, data: np.ndarray, samplerate: int = RATE) -> None:
        self.data, self.samplerate = data, samplerate
        self.frames, self.channels = data.shape

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.data[max(start, 0):stop]


def _mixture(frames: int, channels: int = 2, seed: int = 5) -> np.ndarray:
    """Tones at 300 Hz, 2 kHz and 6 kHz plus a little noise (float32, never exactly 0)."""
    t = np.arange(frames) / RATE
    rng = np.random.default_rng(seed)
    tones = (0.25 * np.sin(2 * np.pi * 300 * t) + 0.2 * np.sin(2 * np.pi * 2000 * t + 0.3)
             + 0.15 * np.sin(2 * np.pi * 6000 * t + 1.1))
    data = tones[:, None] + 0.02 * rng.standard_normal((frames, channels))
    return data.astype(np.float32)


def _bandpass(x: np.ndarray, low: float, high: float) -> np.ndarray:
    sos = butter(4, [low, high], btype="bandpass", fs=RATE, output="sos")
    return sosfiltfilt(sos, x.astype(np.float64), axis=0)


def _read_scattered(view: Transformed, chunk: int, seed: int = 0) -> np.ndarray:
    """Every frame of ``view``, read in chunks in a shuffled order, put back in place."""
    starts = np.arange(0, view.frames, chunk)
    out = np.zeros((view.frames, view.channels), dtype=np.float32)
    for start in np.random.default_rng(seed).permutation(starts):
        block = view.read(int(start), int(start) + chunk)
        out[start:start + len(block)] = block
    return out


# -- in-process: the numbers ------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 10, 32])
def test_slowed_is_the_signal_resampled_k_times_in_any_read_order(k):
    data = _mixture(RATE, 2)
    view = Transformed(_Array(data), slowdown=k)
    assert view.frames == RATE * k and view.samplerate == RATE
    expected = soxr.resample(data.astype(np.float64), RATE, RATE * k)
    np.testing.assert_allclose(_read_scattered(view, 3000), expected, atol=2e-6)
    assert view.to_source(view.to_output(12345)) == 12345


def test_band_pass_and_band_stop_equal_scipy_zero_phase_butterworth():
    data = _mixture(RATE * 2, 2)
    passed = _bandpass(data, 1500, 3000)
    got = _read_scattered(Transformed(_Array(data), band=Band(1500, 3000)), 4096)
    np.testing.assert_allclose(got, passed, atol=1e-6)
    rest = _read_scattered(Transformed(_Array(data), band=Band(1500, 3000, stop=True)), 4096)
    np.testing.assert_allclose(rest, data - passed, atol=1e-6)
    # the 2 kHz tone alone passes (its level), the 300 Hz and 6 kHz tones are gone
    spectrum = np.abs(np.fft.rfft(got[:RATE, 0]))
    assert spectrum[2000] > 0.9 * 0.2 * RATE / 2
    assert spectrum[300] < 1e-3 * spectrum[2000] and spectrum[6000] < 1e-3 * spectrum[2000]


def test_open_bands_are_low_and_high_pass():
    data = _mixture(RATE, 1)
    low = _read_scattered(Transformed(_Array(data), band=Band(None, 1000)), 5000)
    sos = butter(4, 1000, btype="lowpass", fs=RATE, output="sos")
    np.testing.assert_allclose(low, sosfiltfilt(sos, data.astype(np.float64), axis=0),
                               atol=1e-6)
    whole = Transformed(_Array(data), band=Band(0, RATE / 2))
    np.testing.assert_array_equal(whole.read(0, RATE), data)
    nothing = Transformed(_Array(data), band=Band(None, None, stop=True))
    assert not nothing.read(0, RATE).any()


def test_band_and_slowdown_together():
    data = _mixture(RATE // 2, 2)
    got = _read_scattered(Transformed(_Array(data), slowdown=4, band=Band(1500, 3000)), 7000)
    expected = soxr.resample(_bandpass(data, 1500, 3000), RATE, RATE * 4)
    np.testing.assert_allclose(got, expected, atol=2e-6)


def test_fades_ramp_the_region_edges_only():
    data = np.full((RATE, 1), 0.5, dtype=np.float32)
    view = Transformed(_Array(data), slowdown=2)
    lo, hi = 10000, 60000
    view.set_fades(lo, hi)
    out = view.read(0, view.frames)[:, 0]
    fade = round(0.01 * RATE)
    assert 0 < out[lo] < 0.001 and 0 < out[hi - 1] < 0.001
    np.testing.assert_allclose(out[lo + fade:hi - fade], 0.5, atol=1e-5)
    ramp = out[lo:lo + fade]
    assert np.all(np.diff(ramp) > 0) and np.max(np.abs(np.diff(out[lo:hi]))) < 0.5 * 2 / fade
    np.testing.assert_allclose(out[hi - fade:hi], ramp[::-1], atol=1e-6)


def test_bad_speed_and_band_are_refused():
    source = _Array(_mixture(1000, 1))
    for bad in (0, 1.5, -2):
        with pytest.raises(ParameterError):
            Transformed(source, slowdown=bad)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="empty"):
        Transformed(source, band=Band(3000, 1000))
    with pytest.raises(ParameterError, match="Nyquist"):
        Transformed(source, band=Band(RATE, None))


# -- a real stream into ALSA (subprocess: ALSA_CONFIG_PATH before sounddevice) ---------------
def _run(tmp_path: Path, data: np.ndarray, **options: Any) -> tuple[dict[str, Any], np.ndarray]:
    import soundfile as sf

    wav = tmp_path / "sound.wav"
    sf.write(wav, data, RATE, subtype="FLOAT")
    tap = tmp_path / "tap.raw"
    channels = data.shape[1]
    env = dict(os.environ)
    env.update(ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{HERE / 'alsa_tap.conf'}",
               TAP_FILE=str(tap), TAP_FMT="FLOAT_LE", TAP_RATE=str(RATE),
               TAP_CHANNELS=str(channels), PYTHONPATH=str(ROOT / "app"))
    result = subprocess.run([sys.executable, __file__, str(wav), json.dumps(options)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report, np.fromfile(tap, dtype="<f4").reshape(-1, channels)


def _sound_of(captured: np.ndarray) -> np.ndarray:
    return captured[np.any(captured != 0, axis=1)]


def _aligned_correlation(played: np.ndarray, expected: np.ndarray, search: int = 64) -> float:
    """Highest normalised correlation of the two over lags in [-search, search]."""
    best = -1.0
    n = min(len(played), len(expected)) - 2 * search
    a = expected[search:search + n].ravel()
    for lag in range(-search, search + 1):
        b = played[search + lag:search + lag + n].ravel()
        best = max(best, float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b))))
    return best


def test_slowed_tenfold_plays_the_selection_resampled_and_the_playhead_maps_back(tmp_path):
    data = _mixture(RATE, 2)
    lo, hi = 4410, 4410 + 22050  # 0.5 s, 5 s slowed (its 10 ms fades weigh little)
    report, captured = _run(tmp_path, data, slowdown=10, lo=lo, hi=hi)
    assert report["error"] is None and report["state"] == "stopped"
    assert report["played"] == (hi - lo) * 10
    assert report["position"] == hi * 10 and report["file_position"] == hi
    assert report["positions_monotonic"] and report["positions_in_region"]
    played = _sound_of(captured)
    assert len(played) == (hi - lo) * 10
    expected = soxr.resample(data[lo:hi].astype(np.float64), RATE, RATE * 10)
    assert _aligned_correlation(played, expected) > 0.999
    # between the fades: the whole file resampled ×10 (what its neighbours add included)
    whole = soxr.resample(data.astype(np.float64), RATE, RATE * 10)[lo * 10:hi * 10]
    fade = round(0.01 * RATE)
    np.testing.assert_allclose(played[fade:-fade], whole[fade:-fade], atol=1e-5)


def test_pause_at_one_tenth_holds_the_file_position_of_what_was_played(tmp_path):
    data = _mixture(RATE, 1)
    lo, hi = 8000, 28000  # long after the pause point: a busy machine cannot play it all first
    report, captured = _run(tmp_path, data, slowdown=10, lo=lo, hi=hi, pause_after=9000)
    paused, played = report["paused_position"], report["paused_played"]
    assert played >= 9000 and paused == lo * 10 + played  # frames, not the wall clock
    assert report["paused_file_position"] == pytest.approx(lo + played / 10)
    assert report["paused_positions"][0] == report["paused_positions"][1]
    # what was heard up to the pause, and the pause's 10 ms fade-out after it (the place
    # is kept: those frames are not counted as played)
    assert played < len(_sound_of(captured)) <= played + round(0.01 * RATE)


@pytest.mark.parametrize("stop", [False, True], ids=["band-pass", "band-stop"])
def test_band_limited_plays_the_band_passed_selection(tmp_path, stop):
    data = _mixture(RATE, 2)
    lo, hi = 11025, 11025 + 22050
    report, captured = _run(tmp_path, data, low=1500, high=3000, stop=stop, lo=lo, hi=hi)
    assert report["error"] is None and report["played"] == hi - lo
    passed = _bandpass(data, 1500, 3000)
    expected = (data - passed if stop else passed)[lo:hi]
    played = _sound_of(captured)
    assert len(played) == hi - lo
    assert _aligned_correlation(played, expected) > 0.99  # all but the two 10 ms fades
    fade = round(0.01 * RATE)  # raised-cosine fades of 10 ms, in and out
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, fade + 1) / (fade + 1))
    gains = np.ones(hi - lo)
    gains[:fade], gains[-fade:] = ramp, ramp[::-1]
    np.testing.assert_allclose(played, expected * gains[:, None], atol=1e-5)
    assert _aligned_correlation(played, expected * gains[:, None]) > 0.999


def test_slowed_keeping_the_pitch_plays_librosa_time_stretch(tmp_path):
    import librosa

    data = _mixture(RATE // 2, 1)
    lo, hi, k = 2000, 2000 + 8820, 4
    report, captured = _run(tmp_path, data, slowdown=k, lo=lo, hi=hi, keep_pitch=True)
    assert report["error"] is None and report["played"] == (hi - lo) * k
    assert report["position"] == hi * k and report["file_position"] == hi
    expected = librosa.effects.time_stretch(data[lo:hi, 0], rate=1 / k)
    played = _sound_of(captured)[:, 0]
    assert len(played) == len(expected)
    fade = round(0.01 * RATE)  # raised-cosine fades of 10 ms, in and out
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, fade + 1) / (fade + 1))
    gains = np.ones(len(expected))
    gains[:fade], gains[-fade:] = ramp, ramp[::-1]
    np.testing.assert_allclose(played, expected * gains, atol=1e-5)
    assert _aligned_correlation(played[:, None], (expected * gains)[:, None]) > 0.999
    # the pitch stays: the 2 kHz tone is still at 2 kHz (resampling puts it at 500 Hz)
    spectrum = np.abs(np.fft.rfft(played))
    hz = len(played) / RATE  # bins per Hz
    assert spectrum[round(2000 * hz)] > 100 * spectrum[round(500 * hz)]


def _steps(captured: np.ndarray) -> tuple[float, float]:
    """(largest jump between consecutive played samples, largest jump from or to silence)."""
    loud = np.any(captured != 0, axis=1)
    idx = np.flatnonzero(loud)
    sound = captured[idx[0]:idx[-1] + 1]
    # drop underflow gaps (runs of silent frames), keep the signal's own zero samples
    zero = ~loud[idx[0]:idx[-1] + 1]
    runs = np.convolve(zero, np.ones(9), mode="same") >= 9
    sound = sound[~(zero & np.convolve(runs, np.ones(9), mode="same").astype(bool))]
    inner = float(np.max(np.abs(np.diff(sound, axis=0))))
    return inner, float(max(np.max(np.abs(sound[0])), np.max(np.abs(sound[-1]))))


@pytest.mark.parametrize("options", [dict(slowdown=10), dict(low=500, high=2000),
                                     dict(slowdown=4, low=2000, high=5000, stop=True)],
                         ids=["slowed", "band", "slowed-band-stop"])
def test_no_click_at_start_end_and_loop_wrap(tmp_path, options):
    t = np.arange(RATE) / RATE
    data = (0.5 * np.sin(2 * np.pi * 1000 * t))[:, None].astype(np.float32)
    lo = 4410  # the tone crosses zero here and peaks a quarter period after ``hi``
    hi = lo + 2205 + 11
    assert abs(data[hi - 1, 0]) > 0.45
    k = options.get("slowdown", 1)
    # the tone's own steepest step (1 kHz at 0.5, slowed k times) plus the fade's
    bound = 2 * np.pi * 1000 / k / RATE * 0.5 + 0.5 * np.pi / (2 * 0.01 * RATE) + 0.002
    report, captured = _run(tmp_path, data, lo=lo, hi=hi, **options)  # once, to its end
    assert report["error"] is None and report["played"] == (hi - lo) * k
    inner, edge = _steps(captured)
    assert inner < bound and edge < 0.01  # from silence and back into it: no step
    report, captured = _run(tmp_path, data, lo=lo, hi=hi, loop=3, **options)
    assert report["error"] is None and report["played"] >= 3 * (hi - lo) * k
    sound = _sound_of(captured)
    assert len(sound) >= 3 * (hi - lo) * k
    inner, _ = _steps(captured)  # every wrap (Stop then cuts, as it does unshaped)
    assert inner < bound


# -- the scenario (run in the subprocess) -------------------------------------------------
def _scenario(wav: str, options: dict[str, Any]) -> dict[str, Any]:
    from sonolens.audio.playback import Player
    from sonolens.audio.source import open_source

    source = open_source(wav)
    band = None
    if "low" in options:
        band = Band(options["low"], options["high"], options.get("stop", False))
    view: Any = Transformed(source, slowdown=options.get("slowdown", 1), band=band)
    if options.get("keep_pitch"):
        from sonolens.dsp.stretched import Stretched

        view = Stretched(source, (options["lo"], options["hi"]),
                         slowdown=options["slowdown"], band=band)
    lo, hi = view.to_output(options["lo"]), view.to_output(options["hi"])
    view.set_fades(lo, hi)
    player = Player(view, blocksize=512, readahead=2.0)
    repeats = options.get("loop", 0)
    player.set_region(lo, hi, loop=bool(repeats))
    player.play()
    report: dict[str, Any] = {}
    positions = [player.position]

    def wait(condition, what: str) -> None:
        deadline = time.monotonic() + 20
        while not condition():
            positions.append(player.position)
            if time.monotonic() > deadline:
                raise TimeoutError(what)
            time.sleep(0.0005)

    if "pause_after" in options:
        wait(lambda: player.played_frames >= options["pause_after"], "the pause point")
        player.pause()
        time.sleep(0.005)  # a callback may be copying: it then hands over silence
        report["paused_played"] = player.played_frames
        report["paused_position"] = player.position
        report["paused_file_position"] = view.to_source(player.position)
        report["paused_positions"] = [player.position]
        time.sleep(0.01)
        report["paused_positions"].append(player.position)
        player.stop()
    elif repeats:
        wait(lambda: player.played_frames >= repeats * (hi - lo), "the repeats")
        player.stop()
    wait(lambda: player.state == "stopped", "the end")
    report.update(state=player.state, position=player.position, error=player.error,
                  played=player.played_frames, file_position=view.to_source(player.position),
                  positions_monotonic=positions == sorted(positions) or bool(repeats),
                  positions_in_region=all(lo <= p <= hi for p in positions))
    player.close()
    return report


if __name__ == "__main__":
    print(json.dumps(_scenario(sys.argv[1], json.loads(sys.argv[2]))))
