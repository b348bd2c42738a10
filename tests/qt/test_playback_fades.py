"""Stop and Pause from the window fade out instead of clicking: a loud steady tone played
through the real PortAudio stream into the ALSA file capture (DESIGN §11), stopped in the
middle, ends in a 10 ms raised-cosine ramp down to silence, and the playhead stops at
once. The un-paced ALSA null device is held at a chosen frame (the stream's callback
waits there) so the Stop lands exactly where the test says."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio.playback.stream import Output
from tests.qt.conftest import faded_in, faded_out, wait_settled

SR = 44100
FADE = round(0.01 * SR)
AMPLITUDE, FREQ = 0.8, 997.0
LO, HI = round(0.25 * SR), round(1.75 * SR)  # the selection played


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    t = np.arange(2 * SR) / SR
    data = np.stack([AMPLITUDE * np.sin(2 * np.pi * FREQ * t + 0.3),
                     AMPLITUDE * np.sin(2 * np.pi * FREQ * t + 1.9)], axis=1)
    path = tmp_path / "tone.wav"
    sf.write(path, data.astype(np.float32), SR, subtype="FLOAT")
    return path


@pytest.fixture
def held(monkeypatch):
    """The stream's callback waits, once the playhead reached ``held.frame``, until
    ``held.release`` is set (``held.reached`` says it is waiting). It also waits for the
    feeder to have a block and a fade ahead (a device no faster than the reader, as a real
    one is: no underflow gaps in the capture)."""
    real = Output.callback
    state = type("Held", (), {})()
    state.frame, state.reached, state.release = HI, threading.Event(), threading.Event()

    def callback(self, outdata, frames, when, status) -> None:
        ring, feeder, controls = self._ring, self._feeder, self._controls
        deadline = time.monotonic() + 5
        while (ring.write - ring.read < frames + FADE and feeder.eof_at < 0
               and feeder.gen == controls.gen and not (controls.halt or controls.paused)
               and time.monotonic() < deadline):
            time.sleep(0.0005)
        if not state.release.is_set() and self.position >= state.frame:
            state.reached.set()
            state.release.wait(10)
        real(self, outdata, frames, when, status)

    monkeypatch.setattr(Output, "callback", callback)
    yield state
    state.release.set()


@pytest.fixture
def window(qtbot, make_main_window, tone, tmp_path, monkeypatch):
    monkeypatch.setenv("TAP_FILE", str(tmp_path / "played.raw"))
    monkeypatch.setenv("TAP_RATE", str(SR))
    monkeypatch.setenv("TAP_CHANNELS", "2")
    win = make_main_window()
    win.check_playback()
    assert win.playback.available, win.playback.reason
    win.open_path(tone)
    wait_settled(qtbot, win)
    win.document.set_selection((LO / SR, HI / SR))
    return win


def _played(tmp_path: Path) -> np.ndarray:
    data = np.fromfile(tmp_path / "played.raw", dtype="<f4").reshape(-1, 2)
    return data[np.flatnonzero(np.any(data != 0, axis=1))[0]:]


def _assert_ramps_down(fade: np.ndarray, source: np.ndarray) -> None:
    """``fade`` is ``source`` under a falling raised cosine: the gain falls monotonically
    to ~0 and no sample-to-sample step (into the silence after it too) exceeds the tone's
    steepest step plus the ramp's steepest slope."""
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, FADE + 1) / (FADE + 1))
    np.testing.assert_allclose(fade, source * ramp[::-1, None], rtol=0, atol=1e-6)
    for c in range(2):
        loud = np.abs(source[:, c]) > 0.2 * AMPLITUDE
        gain = fade[loud, c] / source[loud, c]
        assert gain[0] > 0.99 and gain[-1] < 0.01 and np.all(np.diff(gain) <= 1e-6)
    edge = np.concatenate([fade, np.zeros((1, 2), np.float32)])
    steepest = AMPLITUDE * (2 * np.pi * FREQ / SR + np.pi / (2 * FADE)) + 1e-6
    assert np.abs(np.diff(edge, axis=0)).max() <= steepest


def test_stop_in_mid_play_fades_out_and_the_playhead_stops_at_once(
        qtbot, window, tone, held, tmp_path):
    held.frame = round(1.0 * SR)
    window.actions.play_pause.trigger()
    assert held.reached.wait(10)
    player = window.playback.player
    at = player.position
    assert held.frame <= at < held.frame + 1024
    window.actions.stop.trigger()
    assert window.playback.state == "stopped" and player.state == "stopped"
    assert player.position == LO  # back to the selection's start, before the fade is out
    held.release.set()
    qtbot.waitUntil(lambda: player._closing is None, timeout=5000)  # closed after the fade
    source, _ = sf.read(tone, dtype="float32")
    played = _played(tmp_path)
    k = at - LO
    np.testing.assert_allclose(played[:FADE], faded_in(source[LO:LO + FADE], SR, 0),
                               rtol=0, atol=1e-7)  # the start inside the file fades in
    np.testing.assert_array_equal(played[FADE:k], source[LO + FADE:at])  # then exact
    _assert_ramps_down(played[k:k + FADE], source[at:at + FADE])
    assert not played[k + FADE:].any()


def test_pause_fades_out_and_resume_fades_in_where_it_held(qtbot, window, tone, held,
                                                           tmp_path):
    held.frame = round(0.5 * SR)
    window.actions.play_pause.trigger()
    assert held.reached.wait(10)
    player = window.playback.player
    at = player.position
    window.actions.play_pause.trigger()  # pause
    assert window.playback.state == "paused" and player.position == at
    held.release.set()
    qtbot.waitUntil(lambda: player._output.silent, timeout=5000)
    assert player.position == at  # the faded frames are not counted: the place is kept
    window.actions.play_pause.trigger()  # resume
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
    source, _ = sf.read(tone, dtype="float32")
    played = _played(tmp_path)
    k = at - LO
    np.testing.assert_array_equal(played[FADE:k], source[LO + FADE:at])
    _assert_ramps_down(played[k:k + FADE], source[at:at + FADE])
    rest = played[k + FADE:]
    resumed = rest[np.flatnonzero(np.any(rest != 0, axis=1))[0]:]
    np.testing.assert_allclose(resumed[:FADE], faded_in(source[at:at + FADE], SR, 0),
                               rtol=0, atol=1e-6)
    np.testing.assert_array_equal(resumed[FADE:HI - at - FADE], source[at + FADE:HI - FADE])
    np.testing.assert_allclose(resumed[FADE:HI - at], faded_out(source[at + FADE:HI], SR),
                               rtol=0, atol=1e-6)  # the selection's end fades out
    assert not resumed[HI - at:].any()
