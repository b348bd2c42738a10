"""Playback through a real PortAudio stream into an ALSA ``file`` plugin (DESIGN §11).

Each real-stream case runs in a subprocess (``python test_playback.py <scenario> ...``) because
ALSA_CONFIG_PATH must be set before sounddevice is imported. The ALSA ``null`` slave is not
paced in real time, so scenarios wait on frame counters and states, never on the wall clock.
The no-device paths run in-process with a stand-in for the sounddevice module.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RATE = 44100


# -- signals and captures ------------------------------------------------------------------
def _noise(frames: int, channels: int, seed: int = 7) -> np.ndarray:
    """float32 noise with no zero sample, so silence in a capture is never signal."""
    rng = np.random.default_rng(seed)
    magnitude = rng.uniform(0.05, 0.45, (frames, channels))
    sign = np.where(rng.random((frames, channels)) < 0.5, -1.0, 1.0)
    return (magnitude * sign).astype(np.float32)


def _write_wav(path: Path, data: np.ndarray) -> Path:
    import soundfile as sf

    sf.write(path, data, RATE, subtype="FLOAT")
    return path


def _sound(frames: int, channels: int, seed: int = 7) -> np.ndarray:
    """The samples written to the test file (what open_source reads back, bit for bit)."""
    return _noise(frames, channels, seed)


def _run(tmp_path: Path, scenario: str, data: np.ndarray, out_channels: int = 2,
         **options: Any) -> tuple[dict[str, Any], np.ndarray]:
    """Run ``scenario`` against a WAV of ``data``; return its report and the capture."""
    wav = _write_wav(tmp_path / "sound.wav", data)
    tap = tmp_path / "tap.raw"
    env = dict(os.environ)
    env.update(ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{HERE / 'alsa_tap.conf'}",
               TAP_FILE=str(tap), TAP_FMT="FLOAT_LE", TAP_RATE=str(RATE),
               TAP_CHANNELS=str(out_channels), PYTHONPATH=str(ROOT / "app"))
    result = subprocess.run([sys.executable, __file__, scenario, str(wav), json.dumps(options)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    captured = np.fromfile(tap, dtype="<f4").reshape(-1, out_channels)
    return report, captured


def _sound_of(captured: np.ndarray) -> np.ndarray:
    """The capture without its silent frames (start-up, pauses, underflows, the tail)."""
    return captured[np.any(captured != 0, axis=1)]


def _from_first_sound(captured: np.ndarray) -> np.ndarray:
    """The capture from its first non-zero frame on (alignment of DESIGN §11)."""
    loud = np.flatnonzero(np.any(captured != 0, axis=1))
    assert loud.size, "nothing was played"
    return captured[loud[0]:]


FADE = round(0.01 * RATE)  # frames of a stop's / pause's / start's fade (10 ms)


def _raised_cosine(length: int = FADE) -> np.ndarray:
    """The rising fade, from its definition: 0.5 - 0.5 cos(pi n / (length + 1)), n = 1..length."""
    n = np.arange(1, length + 1)
    return 0.5 - 0.5 * np.cos(np.pi * n / (length + 1))


def _faded_in(data: np.ndarray, *at: int) -> np.ndarray:
    """``data`` (float32) with the rising fade over FADE frames from each index in ``at``."""
    out = data.copy()
    for first in at:
        out[first:first + FADE] *= _raised_cosine()[:len(out[first:first + FADE]), None]
    return out.astype(np.float32)


def _faded_out(data: np.ndarray) -> np.ndarray:
    """``data`` (float32) with its last FADE frames under the falling fade: a region that
    ends inside the file fades out (the same ramp, reversed)."""
    out = data.astype(np.float64)
    k = min(FADE, len(out))
    out[len(out) - k:] *= _raised_cosine()[::-1][FADE - k:, None]
    return out.astype(np.float32)


def _assert_report_clean(report: dict[str, Any]) -> None:
    assert report["error"] is None
    assert report["state"] == "stopped"


# -- real stream into ALSA ---------------------------------------------------------------
def test_selection_plays_bit_exact_and_moves_the_playhead(tmp_path):
    data = _sound(RATE, 2)
    start, stop = 4410, 4410 + 13230  # fits the read-ahead: played without any gap
    report, captured = _run(tmp_path, "selection", data, start=start, stop=stop)
    _assert_report_clean(report)
    assert report["position"] == stop
    assert report["played"] == stop - start
    assert report["finished_calls"] == 1
    assert report["positions_monotonic"]
    played = _from_first_sound(captured)
    n = stop - start
    np.testing.assert_array_equal(played[FADE:n - FADE], data[start + FADE:stop - FADE])
    # a start and an end inside the file fade in and out
    np.testing.assert_allclose(played[:n], _faded_out(_faded_in(data[start:stop], 0)),
                               rtol=0, atol=1e-7)
    assert not played[n:].any()


def test_volume_half_halves_every_sample(tmp_path):
    data = _sound(RATE // 2, 2)
    report, captured = _run(tmp_path, "selection", data, start=0, stop=8000, volume=0.5)
    _assert_report_clean(report)
    played = _from_first_sound(captured)[:8000]
    np.testing.assert_array_equal(played[:8000 - FADE], data[:8000 - FADE] * 0.5)
    np.testing.assert_allclose(played, _faded_out(data[:8000] * 0.5), rtol=0, atol=1e-7)


def test_chosen_channel_goes_to_both_outputs(tmp_path):
    data = _sound(RATE // 2, 2)
    report, captured = _run(tmp_path, "selection", data, start=1000, stop=9000, channel=1)
    _assert_report_clean(report)
    played = _from_first_sound(captured)[:8000]
    want = _faded_out(_faded_in(data[1000:9000, [1, 1]], 0))
    np.testing.assert_array_equal(played[FADE:-FADE], want[FADE:-FADE])
    np.testing.assert_allclose(played, want, rtol=0, atol=1e-7)


def test_more_than_two_channels_play_their_mean_on_both_outputs(tmp_path):
    data = _sound(RATE // 2, 3)
    report, captured = _run(tmp_path, "selection", data, start=0, stop=6000)
    _assert_report_clean(report)
    assert report["output_channels"] == 2
    played = _from_first_sound(captured)[:6000]
    mix = _faded_out(data[:6000].mean(axis=1, keepdims=True))[:, 0]
    np.testing.assert_allclose(played[:, 0], mix, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(played[:, 0], played[:, 1])


def test_whole_file_plays_to_the_end_through_refills(tmp_path):
    data = _sound(3 * RATE, 2)  # four times the read-ahead: the feeder must keep refilling
    report, captured = _run(tmp_path, "whole", data)
    _assert_report_clean(report)
    assert report["position"] == len(data)
    assert report["played"] == len(data)
    np.testing.assert_array_equal(_sound_of(captured), data)


def test_pause_holds_the_playhead_and_resume_continues(tmp_path):
    data = _sound(RATE, 2)
    start, gate, stop = 2000, 12000, 30000
    report, captured = _run(tmp_path, "pause", data, start=start, gate=gate, stop=stop)
    _assert_report_clean(report)
    assert report["at_gate"] == gate  # the playhead is exact: it stops where the data stops
    assert report["paused_state"] == "paused"
    assert report["paused_positions"] == [gate, gate]
    assert report["position"] == stop
    assert report["played"] == stop - start
    # the start fades in, and so does the resume (the pause came when nothing was left to
    # fade out: the gate had already cut the sound)
    want = _faded_out(_faded_in(data[start:stop], 0, gate - start))  # and the end fades out
    played = _sound_of(captured)
    np.testing.assert_allclose(played, want, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(played[FADE:gate - start], data[start + FADE:gate])
    np.testing.assert_array_equal(played[gate - start + FADE:-FADE],
                                  data[gate + FADE:stop - FADE])


def test_seek_jumps_without_playing_stale_samples(tmp_path):
    data = _sound(RATE, 2)
    start, gate, target, stop = 1000, 9000, 20000, 26000
    report, captured = _run(tmp_path, "seek", data, start=start, gate=gate, target=target,
                            stop=stop)
    _assert_report_clean(report)
    assert report["after_seek"] == target
    assert report["position"] == stop
    expected = np.concatenate([data[start:gate], data[target:stop]])  # a seek is not faded
    played = _sound_of(captured)
    np.testing.assert_array_equal(played[FADE:-FADE], expected[FADE:-FADE])
    np.testing.assert_allclose(played, _faded_out(_faded_in(expected, 0)), rtol=0, atol=1e-7)


def test_stop_returns_to_the_selection_start(tmp_path):
    data = _sound(RATE, 2)
    report, _ = _run(tmp_path, "stop", data, start=5000, gate=12000, stop=20000)
    assert report["before_stop"] == 12000
    assert report["state"] == "stopped"
    assert report["position"] == 5000


@pytest.mark.parametrize("readahead", [0.75, 0.02], ids=["cached-region", "streamed-region"])
def test_loop_wraps_seamlessly(tmp_path, readahead):
    data = _sound(RATE, 2)
    start, stop = 3000, 3000 + 4410
    length = stop - start
    report, captured = _run(tmp_path, "loop", data, start=start, stop=stop, readahead=readahead,
                            repeats=3)
    assert report["error"] is None
    assert report["played"] >= 3 * length
    assert report["position"] == start  # stop() returns to the selection start
    expected = _faded_in(np.tile(data[start:stop], (3, 1)), 0)  # the start only: wraps
    if readahead == 0.75:  # 2.5 repetitions fit the first read-ahead: no underflow gap at all
        played = _from_first_sound(captured)
        head = int(2.5 * length)
        np.testing.assert_array_equal(played[FADE:head], expected[FADE:head])
    played = _sound_of(captured)[:3 * length]
    np.testing.assert_array_equal(played[FADE:], expected[FADE:])
    np.testing.assert_allclose(played[:FADE], expected[:FADE], rtol=0, atol=1e-7)


def _tone(frames: int, amplitude: float = 0.8, freq: float = 997.0) -> np.ndarray:
    """A loud steady stereo tone (phases chosen so no sample is exactly zero)."""
    t = np.arange(frames) / RATE
    return np.stack([amplitude * np.sin(2 * np.pi * freq * t + 0.3),
                     amplitude * np.sin(2 * np.pi * freq * t + 1.9)], axis=1).astype(np.float32)


def _assert_fades_out(fade: np.ndarray, source: np.ndarray, amplitude: float,
                      freq: float) -> None:
    """``fade`` (what was played) is ``source`` under a falling raised cosine: the gain
    falls monotonically from ~1 to ~0, and no step between samples is larger than the
    tone's own steepest step plus the ramp's steepest slope allow."""
    np.testing.assert_allclose(fade, source * _raised_cosine()[::-1, None], rtol=0, atol=1e-6)
    loud = np.abs(source) > 0.2 * amplitude
    for c in range(source.shape[1]):
        gain = fade[loud[:, c], c] / source[loud[:, c], c]
        assert gain[0] > 0.99 and gain[-1] < 0.01
        assert np.all(np.diff(gain) <= 1e-6), "the fade's gain rises somewhere"
    edge = np.concatenate([fade, np.zeros((1, fade.shape[1]), np.float32)])
    steepest = amplitude * (2 * np.pi * freq / RATE + np.pi / (2 * FADE)) + 1e-6
    assert np.abs(np.diff(edge, axis=0)).max() <= steepest


def test_stop_fades_out_in_the_callback_and_the_playhead_stops_at_once(tmp_path):
    data = _tone(2 * RATE)
    start, hold = 4000, 30000  # the callback is held at the first block from 30000 on
    report, captured = _run(tmp_path, "stop_faded", data, start=start, stop=len(data),
                            hold=hold)
    assert report["error"] is None and report["state"] == "stopped"
    held = report["held_at"]
    assert hold <= held < hold + 512 < len(data) - FADE  # stopped in the middle
    assert report["right_after_stop"] == {"state": "stopped", "position": start}
    assert report["closed"]  # the feeder thread closed the stream after the fade
    played = _from_first_sound(captured)
    k = held - start
    np.testing.assert_array_equal(played[FADE:k], data[start + FADE:held])  # before: exact
    _assert_fades_out(played[k:k + FADE], data[held:held + FADE], 0.8, 997.0)
    assert not played[k + FADE:].any()  # then silence


def test_pause_fades_out_keeps_the_place_and_resume_fades_in(tmp_path):
    data = _tone(RATE)
    start, hold, stop = 2000, 12000, 20000
    report, captured = _run(tmp_path, "pause_faded", data, start=start, stop=stop, hold=hold)
    _assert_report_clean(report)
    held = report["held_at"]
    assert report["paused_positions"] == [held, held]  # the playhead held where paused
    played = _from_first_sound(captured)
    k = held - start
    np.testing.assert_array_equal(played[FADE:k], data[start + FADE:held])
    _assert_fades_out(played[k:k + FADE], data[held:held + FADE], 0.8, 997.0)
    rest = played[k + FADE:]
    resumed = rest[np.flatnonzero(np.any(rest != 0, axis=1))[0]:]
    # the faded frames play again, rising: the resume fades in from the place it held
    np.testing.assert_allclose(resumed[:FADE], _faded_in(data[held:held + FADE], 0),
                               rtol=0, atol=1e-6)
    np.testing.assert_array_equal(resumed[FADE:stop - held - FADE], data[held + FADE:stop - FADE])
    np.testing.assert_allclose(resumed[FADE:stop - held], _faded_out(data[held + FADE:stop]),
                               rtol=0, atol=1e-6)  # the region's end fades out
    assert not resumed[stop - held:].any()


# -- no device, failing devices, the callback (in-process, sounddevice stood in for) -------
class _FakePortAudioError(Exception):
    pass


class _FakeStream:
    """Records what the player asks of an OutputStream; never calls back on its own."""

    latency = 0.02

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.active = False
        self.started = threading.Event()
        self.closed = False

    def start(self) -> None:
        self.active = True
        self.started.set()

    def stop(self) -> None:
        self.active = False

    abort = stop

    def close(self) -> None:
        self.closed = True


def _fake_sounddevice(monkeypatch: pytest.MonkeyPatch, devices: list[dict[str, Any]],
                      stream: Callable[..., Any] = _FakeStream) -> types.ModuleType:
    module = types.ModuleType("sounddevice")

    def query_devices(device: Any = None, kind: str | None = None) -> Any:
        if device is None and kind is None:
            return list(devices)
        outputs = [d for d in devices if d["max_output_channels"] > 0]
        if not outputs:
            raise _FakePortAudioError("Error querying device -1")
        return outputs[0]

    module.PortAudioError = _FakePortAudioError  # type: ignore[attr-defined]
    module.query_devices = query_devices  # type: ignore[attr-defined]
    module.OutputStream = stream  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", module)
    return module


def _device(index: int, name: str, outputs: int) -> dict[str, Any]:
    return {"index": index, "name": name, "max_output_channels": outputs,
            "max_input_channels": 2, "default_samplerate": 48000.0}


class _ArraySource:
    def __init__(self, data: np.ndarray, samplerate: int = RATE) -> None:
        self.data, self.samplerate = data, samplerate
        self.frames, self.channels = data.shape

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.data[start:stop]


def test_missing_portaudio_disables_playback_with_a_reason(monkeypatch):
    from sonolens.audio.playback import PlaybackUnavailable, Player, output_devices

    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    reason = r"^PortAudio \(libportaudio2\) is not installed$"
    with pytest.raises(PlaybackUnavailable, match=reason):
        output_devices()
    with pytest.raises(PlaybackUnavailable, match=reason):
        Player(_ArraySource(_noise(100, 2)))


@pytest.mark.parametrize("devices", [[], [_device(0, "mic", 0)]], ids=["none", "input-only"])
def test_no_output_device_disables_playback_with_a_reason(monkeypatch, devices):
    from sonolens.audio.playback import PlaybackUnavailable, Player, output_devices

    _fake_sounddevice(monkeypatch, devices)
    with pytest.raises(PlaybackUnavailable, match=r"^no audio output device$"):
        output_devices()
    with pytest.raises(PlaybackUnavailable, match=r"^no audio output device$"):
        Player(_ArraySource(_noise(100, 2)))


def test_output_devices_lists_outputs_and_the_default(monkeypatch):
    from sonolens.audio.playback import OutputDevice, output_devices

    _fake_sounddevice(monkeypatch, [_device(0, "mic", 0), _device(1, "speakers", 2),
                                    _device(2, "hdmi", 8)])
    assert output_devices() == [OutputDevice(1, "speakers", 48000.0, 2, True),
                                OutputDevice(2, "hdmi", 48000.0, 8, False)]


def test_device_that_cannot_open_sets_error_instead_of_raising(monkeypatch):
    from sonolens.audio.playback import Player

    def refuse(**kwargs: Any) -> Any:
        raise _FakePortAudioError(
            "Error opening OutputStream: Device unavailable [PaErrorCode -9985]")

    _fake_sounddevice(monkeypatch, [_device(0, "speakers", 2)], stream=refuse)
    with Player(_ArraySource(_noise(1000, 2))) as player:
        player.play()
        assert player.state == "stopped"
        assert player.error == ("cannot open the audio output: Error opening OutputStream: "
                                "Device unavailable [PaErrorCode -9985]")


def test_device_dying_mid_playback_stops_with_a_message(monkeypatch):
    from sonolens.audio.playback import Player

    streams: list[_FakeStream] = []
    _fake_sounddevice(monkeypatch, [_device(0, "speakers", 2)],
                      stream=lambda **kw: streams.append(_FakeStream(**kw)) or streams[-1])
    finished = threading.Event()
    with Player(_ArraySource(_noise(RATE, 2)), finished=finished.set) as player:
        player.play()
        assert streams[0].started.wait(5)
        assert streams[0].kwargs["dtype"] == "float32"
        assert streams[0].kwargs["samplerate"] == RATE
        assert player.state == "playing"
        assert player.latency == pytest.approx(0.02)
        streams[0].active = False  # PortAudio aborted the stream (device unplugged)
        assert finished.wait(5)
        assert player.state == "stopped"
        assert player.error == "the audio device stopped during playback"
        assert streams[0].closed


def test_callback_copies_without_allocating(monkeypatch):
    import tracemalloc

    from sonolens.audio.playback import Player

    streams: list[_FakeStream] = []
    _fake_sounddevice(monkeypatch, [_device(0, "speakers", 2)],
                      stream=lambda **kw: streams.append(_FakeStream(**kw)) or streams[-1])
    data = _noise(8192, 2)
    with Player(_ArraySource(data), blocksize=512) as player:
        player.set_volume(0.5)
        player.play()
        assert streams[0].started.wait(5)
        callback = streams[0].kwargs["callback"]
        out = np.empty((512, 2), dtype=np.float32)
        callback(out, 512, None, 0)  # the first call switches to the new generation
        got = [out.copy()]
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            for _ in range(8):
                callback(out, 512, None, 0)
            peak = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
        assert peak < 1024, f"the callback allocated {peak} bytes"
        assert player.position == 9 * 512
        np.testing.assert_array_equal(got[0], data[:512] * np.float32(0.5))
        np.testing.assert_array_equal(out, data[8 * 512:9 * 512] * np.float32(0.5))
        for _ in range(8):  # the rest of the file, then one callback past its end
            callback(out, 512, None, 0)
        assert not out.any()
        _wait(lambda: player.state == "stopped", "the natural end")
        assert player.position == len(data) and player.error is None
        player.play()  # from the end: starts again at the beginning
        assert player.position == 0 and player.state == "playing"


@contextlib.contextmanager
def _played_from(monkeypatch, data: np.ndarray, frame: int, blocksize: int,
                 region: tuple[int, int] | None = None):
    """A Player of ``data`` on a stood-in device, playing from ``frame`` (in ``region``):
    (player, its stream's callback, the streams opened); the test calls the callback."""
    from sonolens.audio.playback import Player

    streams: list[_FakeStream] = []
    _fake_sounddevice(monkeypatch, [_device(0, "speakers", 2)],
                      stream=lambda **kw: streams.append(_FakeStream(**kw)) or streams[-1])
    with Player(_ArraySource(data), blocksize=blocksize) as player:
        if region is not None:
            player.set_region(*region)
        player.play(frame)
        assert streams[0].started.wait(5)
        yield player, streams[0].kwargs["callback"], streams


def test_fades_allocate_nothing_and_the_feeder_closes_a_stopped_stream(monkeypatch):
    import tracemalloc

    from sonolens.audio.playback.stream import flushed

    data = _noise(RATE, 2)
    ramp = _raised_cosine()
    with _played_from(monkeypatch, data, 1000, 512) as (player, callback, streams):
        # (a start inside the file: fades in)
        out = np.empty((512, 2), dtype=np.float32)
        got = np.empty((12 * 512, 2), dtype=np.float32)
        peaks = []
        tracemalloc.start()
        try:
            for step in range(12):
                if step == 3:
                    player.pause()  # fades out over the next 441 frames, keeps the place
                if step == 6:
                    player.resume()  # fades in from that place
                if step == 9:
                    player.stop()  # fades out, then silence until the stream is closed
                    assert player.position == 0 and player.state == "stopped"
                tracemalloc.reset_peak()
                base = tracemalloc.get_traced_memory()[0]
                callback(out, 512, None, 0)
                peaks.append(tracemalloc.get_traced_memory()[1] - base)
                got[step * 512:(step + 1) * 512] = out
        finally:
            tracemalloc.stop()
        # (the first call also switches to the new generation, as in the test above)
        assert max(peaks[1:]) < 1024, f"the callback allocated {peaks} bytes"
        want = np.concatenate([
            _faded_in(data[1000:1000 + 3 * 512], 0),
            data[2536:2536 + FADE] * ramp[::-1, None], np.zeros((3 * 512 - FADE, 2)),
            _faded_in(data[2536:2536 + 3 * 512], 0),
            data[4072:4072 + FADE] * ramp[::-1, None], np.zeros((3 * 512 - FADE, 2))])
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)
        # the fade is still to be heard (the pause's silence before does not count): not cut
        assert not flushed(streams[0], player._output, RATE) and not streams[0].closed
        for _ in range(4):  # the device's latency (0.02 s) and a block of silence after it
            callback(out, 512, None, 0)
        _wait(lambda: streams[0].closed, "the feeder thread to close the stream")
        player.play()  # a new stream; the old one took no part
        assert len(streams) == 2 and streams[1].started.wait(5)


@pytest.mark.parametrize("before_end", [1000, 300, 150, 40])
@pytest.mark.parametrize("action", ["pause", "stop"])
def test_a_pause_or_stop_in_a_selections_end_fade_does_not_click(monkeypatch, action,
                                                                   before_end):
    """Pausing or stopping as a selection ends: the two fades multiply, so the sound falls
    from the gain it had reached, never back up or cut (a steady full-scale signal: any
    step between samples is a click)."""
    data = np.ones((RATE, 2), dtype=np.float32)
    lo, hi = 10000, 20000
    ramp = _raised_cosine()
    steepest = np.abs(np.diff(ramp)).max()
    with _played_from(monkeypatch, data, lo, 100, (lo, hi)) as (player, callback, _streams):
        ring, feeder = player._ring, player._feeder
        out = np.empty((100, 2), dtype=np.float32)
        got = []
        for step in range(150):
            _wait(lambda: ring.write - ring.read >= 100 or feeder.eof_at >= 0, "the feeder")
            if step * 100 == hi - lo - before_end:
                getattr(player, action)()
            callback(out, 100, None, 0)
            got.append(out[:, 0].copy())
    y = np.concatenate(got)
    sounding = np.flatnonzero(y)
    assert len(sounding) >= hi - lo - before_end  # it played up to the action
    y = y[: sounding[-1] + 2]
    assert np.abs(np.diff(y[sounding[0] + FADE:])).max() <= 2 * steepest + 1e-6


def test_a_pause_during_the_fade_in_falls_from_the_gain_reached(monkeypatch):
    data = _noise(RATE, 2)
    ramp = _raised_cosine()
    with _played_from(monkeypatch, data, 1000, 128) as (player, callback, _streams):
        out = np.empty((128, 2), dtype=np.float32)
        got = np.empty((6 * 128, 2), dtype=np.float32)
        for step in range(6):
            if step == 1:
                player.pause()  # 128 of the 441 frames of the fade-in were played
            if step == 4:
                player.resume()
            callback(out, 128, None, 0)
            got[step * 128:(step + 1) * 128] = out
        assert player.position == 1128 + 2 * 128
    # down from the gain reached (over as many frames as the rise had), no jump to full
    # level; the resume rises again from the place the pause kept
    want = np.concatenate([data[1000:1128] * ramp[:128, None],
                           data[1128:1256] * ramp[::-1][FADE - 128:, None],
                           np.zeros((2 * 128, 2)),
                           data[1128:1384] * ramp[:256, None]])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)


# -- scenarios (run in the subprocess) ---------------------------------------------------
class _GatedSource:
    """A source that holds back frames from ``gate`` on until released (no wall clock)."""

    def __init__(self, source: Any, gate: int) -> None:
        self._source = source
        self.gate = gate
        self.released = threading.Event()
        self.frames, self.samplerate, self.channels = (source.frames, source.samplerate,
                                                       source.channels)

    def read(self, start: int, stop: int) -> np.ndarray:
        if not self.released.is_set():
            if start >= self.gate:
                self.released.wait(10)
            else:
                stop = min(stop, self.gate)
        return self._source.read(start, stop)


def _wait(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.0005)


def _hold_callback(player: Any, frame: int) -> tuple[threading.Event, threading.Event]:
    """Make the stream's callback wait (before filling its block) once the playhead
    reached ``frame``, until released: the un-paced ALSA null device then stops exactly
    there (events: held, release)."""
    output = player._output
    real = type(output).callback.__get__(output)
    held, release = threading.Event(), threading.Event()

    def callback(outdata: np.ndarray, frames: int, when: Any, status: Any) -> None:
        if not release.is_set() and output.position >= frame:
            held.set()
            release.wait(10)
        real(outdata, frames, when, status)

    output.callback = callback
    return held, release


def _scenario(name: str, wav: str, options: dict[str, Any]) -> dict[str, Any]:
    from sonolens.audio.playback import Player
    from sonolens.audio.source import open_source

    source: Any = open_source(wav)
    if "gate" in options:  # the gate lies beyond the first read-ahead, which plays first
        source = _GatedSource(source, options["gate"])
        options.setdefault("readahead", 0.1)
    calls: list[int] = []
    player = Player(source, blocksize=512, readahead=options.get("readahead", 0.75),
                    finished=lambda: calls.append(1))
    report: dict[str, Any] = {"output_channels": player.output_channels}
    if "stop" in options:
        player.set_region(options["start"], options["stop"], loop=name == "loop")
    if "volume" in options:
        player.set_volume(options["volume"])
    if "channel" in options:
        player.set_channel(options["channel"])
    if "hold" in options:
        held, release = _hold_callback(player, options["hold"])
    player.play()
    if name in ("selection", "whole"):
        positions = [player.position]
        while player.state != "stopped":
            positions.append(player.position)
            time.sleep(0.0005)
        positions.append(player.position)
        report["positions_monotonic"] = positions == sorted(positions)
    elif name == "pause":
        _wait(lambda: player.position == source.gate and player.underflows > 0, "the gate")
        report["at_gate"] = player.position
        player.pause()
        source.released.set()
        _wait(lambda: player._ring.write - player._ring.read >= 4096, "the ring to refill")
        report["paused_state"] = player.state
        report["paused_positions"] = [player.position]
        time.sleep(0.01)
        report["paused_positions"].append(player.position)
        player.resume()
    elif name == "seek":
        _wait(lambda: player.position == source.gate and player.underflows > 0, "the gate")
        player.seek(options["target"])
        report["after_seek"] = player.position
        source.released.set()
    elif name == "stop":
        _wait(lambda: player.position == source.gate and player.underflows > 0, "the gate")
        report["before_stop"] = player.position
        player.stop()
        source.released.set()
    elif name == "stop_faded":
        assert held.wait(10)
        report["held_at"] = player.position
        player.stop()
        report["right_after_stop"] = {"state": player.state, "position": player.position}
        release.set()
        _wait(lambda: player._closing is None, "the stream to close after the fade")
        report["closed"] = True
    elif name == "pause_faded":
        assert held.wait(10)
        report["held_at"] = player.position
        player.pause()
        release.set()
        _wait(lambda: player._output.silent, "the pause's fade")
        report["paused_positions"] = [player.position]
        time.sleep(0.01)
        report["paused_positions"].append(player.position)
        player.resume()
    elif name == "loop":
        length = options["stop"] - options["start"]
        _wait(lambda: player.played_frames >= options["repeats"] * length, "the repeats")
        player.stop()
    _wait(lambda: player.state == "stopped", "the end")
    report.update(state=player.state, position=player.position, error=player.error,
                  played=player.played_frames, finished_calls=len(calls),
                  underflows=player.underflows)
    player.close()
    return report


if __name__ == "__main__":
    print(json.dumps(_scenario(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
