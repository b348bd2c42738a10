"""Mute/solo in sessions, driven in the window: a session saved with channel 2 muted and
channel 1 soloed reopens in a fresh window with those buttons pressed and plays only
channel 1 (captured through ALSA, DESIGN §11); each kept tab gets its own back; a
session from before mute/solo were saved, or saved for another channel count (the file
changed since), opens with every channel playing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from sonolens.audio.playback.mix import ChannelMix
from tests.qt.conftest import faded_in, faded_out

SR = 44100


def _stereo(path: Path, seed: int = 3) -> Path:
    rng = np.random.default_rng(seed)
    t = np.arange(SR) / SR
    left = 0.4 * np.sin(2 * np.pi * 440 * t + 0.3) + 0.05 * rng.standard_normal(len(t))
    right = 0.3 * np.sin(2 * np.pi * 660 * t + 1.1)
    sf.write(path, np.stack([left, right], axis=1).astype(np.float32), SR, subtype="FLOAT")
    return path


def _open(qtbot, window, path: Path) -> None:
    window.open_path(path)
    qtbot.waitUntil(lambda: window.document.source is not None
                    and Path(window.document.source.path) == Path(path)
                    and window.is_settled(), timeout=30000)


def _open_session(qtbot, window, target: Path) -> None:
    with qtbot.waitSignal(window.sessions.opened, timeout=30000):
        window.open_path(target)
    qtbot.waitUntil(window.is_settled, timeout=30000)


def _pressed(window) -> tuple[list[bool], list[bool]]:
    buttons = window.meter_strip.buttons
    return [b.isChecked() for b in buttons.mute], [b.isChecked() for b in buttons.solo]


def _play(qtbot, window, tap: Path, monkeypatch) -> np.ndarray:
    """Play 0.5–0.75 s; what the device received (stereo), from its first sound."""
    monkeypatch.setenv("TAP_FILE", str(tap))
    monkeypatch.setenv("TAP_RATE", str(SR))
    monkeypatch.setenv("TAP_CHANNELS", "2")
    window.document.set_selection((0.5, 0.75))
    window.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
    data = np.fromfile(tap, dtype="<f4").reshape(-1, 2)
    loud = np.flatnonzero(np.any(data != 0, axis=1))
    return data[loud[0]:loud[-1] + 1]


def _expected(path: Path, gains: tuple[float, float]) -> np.ndarray:
    """What the device must receive for that selection with per-channel ``gains``."""
    source, _ = sf.read(path, dtype="float32")
    part = faded_out(faded_in(source[round(0.5 * SR):round(0.75 * SR)], SR, 0), SR)
    return part * np.asarray(gains)


def test_saved_mute_and_solo_come_back_in_a_fresh_window(qtbot, make_main_window, tmp_path,
                                                         monkeypatch):
    audio = _stereo(tmp_path / "stereo.wav")
    window = make_main_window()
    window.check_playback()
    _open(qtbot, window, audio)
    qtbot.mouseClick(window.meter_strip.buttons.mute[1], Qt.MouseButton.LeftButton)  # M2
    qtbot.mouseClick(window.meter_strip.buttons.solo[0], Qt.MouseButton.LeftButton)  # S1
    assert window.document.channel_mix == ChannelMix(2, frozenset({1}), frozenset({0}))
    target = tmp_path / "mix.sonolens"
    assert window.sessions.save_to(target, wait=True)
    stored = json.loads(target.read_text(encoding="utf-8"))
    assert stored["channel_mix"] == {"channels": 2, "muted": [1], "soloed": [0]}

    fresh = make_main_window()
    fresh.check_playback()
    assert fresh.playback.available, fresh.playback.reason
    _open_session(qtbot, fresh, target)
    assert _pressed(fresh) == ([False, True], [True, False])
    assert fresh.document.channel_mix == ChannelMix(2, frozenset({1}), frozenset({0}))
    played = _play(qtbot, fresh, tmp_path / "muted.raw", monkeypatch)
    want = _expected(audio, (1.0, 0.0))  # only channel 1 sounds; channel 2's output is silent
    assert played.shape == want.shape
    np.testing.assert_allclose(played, want, rtol=0, atol=1e-7)
    assert not played[:, 1].any()

    # the same session without the key (as written before mute/solo were saved): opening
    # it, even over the muted window, lets every channel play again
    stored.pop("channel_mix")
    old = tmp_path / "old.sonolens"
    old.write_text(json.dumps(stored), encoding="utf-8")
    _open_session(qtbot, fresh, old)
    assert fresh.document.channel_mix == ChannelMix(2)
    assert _pressed(fresh) == ([False, False], [False, False])
    played = _play(qtbot, fresh, tmp_path / "all.raw", monkeypatch)
    np.testing.assert_allclose(played, _expected(audio, (1.0, 1.0)), rtol=0, atol=1e-7)


def test_each_kept_tab_gets_its_mute_and_solo_back(qtbot, make_main_window, tmp_path):
    first, second = _stereo(tmp_path / "a.wav", 1), _stereo(tmp_path / "b.wav", 2)
    window = make_main_window()
    _open(qtbot, window, first)
    window.meter_strip.toggle("mute", 1)
    _open(qtbot, window, second)
    window.meter_strip.toggle("solo", 0)
    window.documents.tabs.setCurrentIndex(0)  # a.wav shown, b.wav kept with its solo
    target = tmp_path / "tabs.sonolens"
    assert window.sessions.save_to(target, wait=True)

    fresh = make_main_window()
    _open_session(qtbot, fresh, target)
    assert Path(fresh.document.source.path) == first
    assert _pressed(fresh) == ([False, True], [False, False])
    fresh.documents.tabs.setCurrentIndex(1)  # opened now, with its own mute/solo
    qtbot.waitUntil(lambda: fresh.document.source is not None
                    and Path(fresh.document.source.path) == second
                    and fresh.is_settled(), timeout=30000)
    assert fresh.document.channel_mix == ChannelMix(2, frozenset(), frozenset({0}))
    assert _pressed(fresh) == ([False, False], [True, False])
    fresh.documents.tabs.setCurrentIndex(0)
    assert _pressed(fresh) == ([False, True], [False, False])


@pytest.mark.parametrize("channels", [1, 3])
def test_a_file_whose_channels_changed_plays_every_channel(qtbot, make_main_window, tmp_path,
                                                          channels):
    audio, other = _stereo(tmp_path / "a.wav"), _stereo(tmp_path / "b.wav", 2)
    window = make_main_window()
    _open(qtbot, window, other)
    window.meter_strip.toggle("mute", 1)
    _open(qtbot, window, audio)
    window.meter_strip.toggle("mute", 1)
    window.meter_strip.toggle("solo", 0)
    target = tmp_path / "changed.sonolens"
    assert window.sessions.save_to(target, wait=True)
    for path in (audio, other):  # both recordings were re-exported since
        sf.write(path, np.full((SR, channels), 0.1, np.float32), SR, subtype="FLOAT")

    fresh = make_main_window()
    _open_session(qtbot, fresh, target)
    assert fresh.document.source.channels == channels
    assert fresh.document.channel_mix == ChannelMix(channels)
    buttons = fresh.meter_strip.buttons
    assert len(buttons.mute) == (channels if channels > 1 else 0)
    assert not any(b.isChecked() for b in buttons.mute + buttons.solo)
    fresh.documents.tabs.setCurrentIndex(1)  # the kept tab's saved mix is ignored too
    qtbot.waitUntil(lambda: fresh.document.source is not None
                    and Path(fresh.document.source.path) == other
                    and fresh.is_settled(), timeout=30000)
    assert fresh.document.channel_mix == ChannelMix(channels)
