"""Mute/solo (audio.playback.mix), the output tap (audio.playback.tap) and both through a
real PortAudio stream into the ALSA ``file`` PCM (DESIGN §11).

The real-stream cases run ``python test_playback_mix.py <options>`` in a subprocess, as in
test_playback.py, because ALSA_CONFIG_PATH must be set before sounddevice is imported.
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

from sonolens.audio.playback.mix import ChannelMix, copy_channels
from sonolens.audio.playback.tap import OutputTap
from tests.unit.test_playback import (
    FADE,
    RATE,
    _ArraySource,
    _device,
    _faded_in,
    _faded_out,
    _fake_sounddevice,
    _FakeStream,
    _noise,
    _raised_cosine,
    _sound_of,
    _write_wav,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


# -- the rule: who sounds ------------------------------------------------------------------
def test_audible_follows_mute_and_solo_and_mute_wins():
    mix = ChannelMix(4)
    assert mix.audible() == (True,) * 4 and mix.gains() is None
    mix = mix.toggled("mute", 1)
    assert mix.audible() == (True, False, True, True)
    solo = mix.toggled("solo", 2).toggled("solo", 1)  # solo 2 and 3 (1-based), 2 is muted
    assert solo.audible() == (False, False, True, False)
    assert solo.toggled("mute", 1).audible() == (False, True, True, False)
    assert solo.toggled("solo", 2).toggled("solo", 1) == mix  # toggling twice undoes
    gains, weights = solo.gains()
    assert gains.tolist() == [0, 0, 1, 0] and weights.tolist() == [0, 0, 1, 0]
    gains, weights = mix.gains()
    np.testing.assert_allclose(weights, [1 / 3, 0, 1 / 3, 1 / 3])
    with pytest.raises(ValueError, match="channel 4 of 4"):
        mix.toggled("mute", 4)


# -- the callback's copy with gains ------------------------------------------------------
def _copied(samples: np.ndarray, out_channels: int, channel: int | None,
            mix: ChannelMix) -> np.ndarray:
    out = np.full((len(samples), out_channels), np.nan, dtype=np.float32)
    copy_channels(out, samples, channel, np.zeros(len(samples), np.float32), mix.gains())
    return out


def test_copy_silences_muted_channels_and_mixes_the_audible_ones():
    x = _noise(700, 4)
    muted2 = ChannelMix(4).toggled("mute", 1)
    mix = _copied(x, 2, None, muted2)  # 4 channels on 2 outputs: the mean of 1, 3, 4
    want = x[:, [0, 2, 3]].astype(np.float64).mean(axis=1)
    np.testing.assert_allclose(mix[:, 0], want, atol=1e-7)
    np.testing.assert_array_equal(mix[:, 0], mix[:, 1])
    mono = _copied(x, 1, None, muted2)  # the mono mix without channel 2
    np.testing.assert_allclose(mono[:, 0], want, atol=1e-7)
    solo3 = _copied(x, 2, None, ChannelMix(4).toggled("solo", 2))
    np.testing.assert_array_equal(solo3, x[:, [2, 2]])  # solo of one = that channel, exactly
    chosen = _copied(x, 2, 1, muted2)  # the chosen channel is muted: silence
    assert not chosen.any()
    chosen = _copied(x, 2, 3, muted2)
    np.testing.assert_array_equal(chosen, x[:, [3, 3]])
    nothing = _copied(x, 2, None, ChannelMix(4, frozenset(range(4))))
    assert not nothing.any()
    stereo = _noise(300, 2)
    right_muted = _copied(stereo, 2, None, ChannelMix(2).toggled("mute", 1))
    np.testing.assert_array_equal(right_muted[:, 0], stereo[:, 0])
    assert not right_muted[:, 1].any()


# -- the tap ----------------------------------------------------------------------------
def test_tap_returns_the_newest_frames_across_the_wrap():
    tap = OutputTap(256, 2)
    x = _noise(1000, 2)
    buf = np.zeros((128, 2), np.float32)
    since = 0
    got = []
    for block in np.array_split(x, 25):  # 40-frame blocks, read after each one
        tap.put(block)
        n, since = tap.newest(since, buf)
        got.append(buf[:n].copy())
    np.testing.assert_array_equal(np.concatenate(got), x)
    for _ in range(3):
        tap.put(x[:50])
    n, since = tap.newest(0, buf)  # at most capacity // 2: the newest 128
    assert n == 128 and since == 1150
    np.testing.assert_array_equal(buf[:n], np.concatenate([x[:50]] * 3)[-128:])
    assert tap.newest(since, buf)[0] == 0


def test_tap_drops_frames_the_writer_overwrote_while_they_were_read():
    class Racing(OutputTap):
        """The writer puts a block while the reader copies (inside ``newest``)."""

        racing = False

        def __getattribute__(self, name: str) -> Any:
            if name == "samples" and object.__getattribute__(self, "racing"):
                object.__setattr__(self, "racing", False)
                self.put(np.full((100, 1), 9.0, np.float32))
            return object.__getattribute__(self, name)

    tap = Racing(256, 1)
    x = _noise(256, 1)
    tap.put(x)
    buf = np.zeros((128, 1), np.float32)
    tap.racing = True
    n, end = tap.newest(0, buf)  # reads the newest 128 (counters 128..255) meanwhile the
    # writer reaches 356: slots of counters < 356 + 64 - 256 = 164 may be overwritten
    assert end == 256 and n == 256 - 164
    np.testing.assert_array_equal(buf[:n], x[164:])


def test_callback_with_gains_copies_without_allocating_and_feeds_the_tap(monkeypatch):
    import tracemalloc

    from sonolens.audio.playback import Player

    streams: list[_FakeStream] = []
    _fake_sounddevice(monkeypatch, [_device(0, "speakers", 2)],
                      stream=lambda **kw: streams.append(_FakeStream(**kw)) or streams[-1])
    data = _noise(8192, 4)
    with Player(_ArraySource(data), blocksize=512) as player:
        player.set_gains(ChannelMix(4).toggled("mute", 1).gains())
        player.play()
        assert streams[0].started.wait(5)
        callback = streams[0].kwargs["callback"]
        out = np.empty((512, 2), dtype=np.float32)
        callback(out, 512, None, 0)
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            for _ in range(7):
                callback(out, 512, None, 0)
            peak = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
        assert peak < 1024, f"the callback allocated {peak} bytes"
        want = data[:8 * 512][:, [0, 2, 3]].astype(np.float64).mean(axis=1)
        buf = np.zeros((player.tap.capacity // 2, 2), np.float32)
        n, _ = player.tap.newest(0, buf)
        assert n == 8 * 512  # the tap holds exactly what was handed out
        np.testing.assert_allclose(buf[:n, 0], want, atol=1e-7)
        np.testing.assert_array_equal(buf[:n, 1], buf[:n, 0])
        player.set_gains(None)  # unmuted: the plain mean again, from the next block
        callback(out, 512, None, 0)
        np.testing.assert_allclose(out[:, 0], data[4096:4608].mean(axis=1), atol=1e-7)


# -- real stream into ALSA ---------------------------------------------------------------
def _play(tmp_path: Path, data: np.ndarray, out_channels: int, **options: Any) -> np.ndarray:
    wav = _write_wav(tmp_path / "four.wav", data)
    tap = tmp_path / "tap.raw"
    env = dict(os.environ)
    env.update(ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{HERE / 'alsa_tap.conf'}",
               TAP_FILE=str(tap), TAP_FMT="FLOAT_LE", TAP_RATE=str(RATE),
               TAP_CHANNELS=str(out_channels),
               PYTHONPATH=os.pathsep.join([str(ROOT / "app"), str(ROOT)]))
    result = subprocess.run([sys.executable, __file__, str(wav), json.dumps(options)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"error": None, "state": "stopped", "outputs": out_channels}
    return np.fromfile(tap, dtype="<f4").reshape(-1, out_channels)


def test_four_channels_with_channel_2_muted_play_the_mix_of_the_others(tmp_path):
    data = _noise(RATE // 2, 4)
    start, stop = 2000, 2000 + 12000
    played = _sound_of(_play(tmp_path, data, 2, start=start, stop=stop, mute=[1]))
    want = data[start:stop][:, [0, 2, 3]].astype(np.float64).mean(axis=1)
    want[:FADE] *= _raised_cosine()  # a start inside the file fades in...
    want[-FADE:] *= _raised_cosine()[::-1]  # ...and an end inside it fades out
    assert len(played) == stop - start
    np.testing.assert_allclose(played[:, 0], want, atol=1e-7)
    np.testing.assert_array_equal(played[:, 1], played[:, 0])
    # the mono mix (one output) without channel 2, and a solo of channel 3
    mono = _sound_of(_play(tmp_path, data, 1, start=start, stop=stop, mute=[1], outputs=1))
    np.testing.assert_allclose(mono[:, 0], want, atol=1e-7)
    solo = _sound_of(_play(tmp_path, data, 2, start=start, stop=stop, solo=[2]))
    np.testing.assert_array_equal(solo[FADE:-FADE], data[start + FADE:stop - FADE][:, [2, 2]])
    np.testing.assert_allclose(solo, _faded_out(_faded_in(data[start:stop][:, [2, 2]], 0)),
                               atol=1e-7)


def test_stereo_with_channel_2_muted_plays_silence_on_its_output(tmp_path):
    data = _noise(RATE // 2, 2)
    captured = _play(tmp_path, data, 2, start=0, stop=9000, mute=[1])
    assert not captured[:, 1].any()
    left = captured[np.flatnonzero(captured[:, 0])]
    np.testing.assert_array_equal(left[:-FADE, 0], data[:9000 - FADE, 0])
    np.testing.assert_allclose(left[:, 0], _faded_out(data[:9000])[:, 0], atol=1e-7)


def _scenario(wav: str, options: dict[str, Any]) -> dict[str, Any]:
    from sonolens.audio.playback import Player
    from sonolens.audio.source import open_source

    source = open_source(wav)
    player = Player(source, blocksize=512, max_outputs=options.get("outputs", 2))
    mix = ChannelMix(source.channels, frozenset(options.get("mute", ())),
                     frozenset(options.get("solo", ())))
    player.set_gains(mix.gains())
    player.set_region(options["start"], options["stop"])
    player.play()
    deadline = time.monotonic() + 20
    while player.state != "stopped" and time.monotonic() < deadline:
        time.sleep(0.001)
    report = {"error": player.error, "state": player.state, "outputs": player.output_channels}
    player.close()
    return report


if __name__ == "__main__":
    print(json.dumps(_scenario(sys.argv[1], json.loads(sys.argv[2]))))
