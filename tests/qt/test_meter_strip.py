"""The level meter and the mute/solo buttons beside the transport, driven from the window.

The meter needs playback paced in real time; the ALSA ``null`` PCM behind the test capture
is not (it swallows seconds in milliseconds, mostly underflows), so the meter tests swap
``sounddevice.OutputStream`` for a stream that calls the real callback every block period
from its own thread, as a sound card does. Mute/solo are checked on what is played through
the real ALSA capture (DESIGN §11).
"""

from __future__ import annotations

import threading
import time
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from tests.qt.conftest import faded_out, wait_settled
from tests.qt.pixels import grab_rgb

SR = 44100
AMPLITUDE = 10 ** (-6 / 20)  # a sine peaking at -6 dBFS: RMS -9.03 dBFS


class PacedStream:
    """sounddevice.OutputStream stand-in: calls ``callback`` once per block period."""

    latency = 0.02
    made: ClassVar[list[PacedStream]] = []

    def __init__(self, *, samplerate, blocksize, channels, callback, **_kw) -> None:
        self.period = blocksize / samplerate
        self.shape = (blocksize, channels)
        self.callback = callback
        self.active = False
        self.last = np.zeros(self.shape, np.float32)
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        PacedStream.made.append(self)

    def start(self) -> None:
        self.active = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        due = time.monotonic()
        while not self._halt.is_set():
            out = np.zeros(self.shape, np.float32)
            self.callback(out, self.shape[0], None, 0)
            self.last = out
            due += self.period
            self._halt.wait(max(0.0, due - time.monotonic()))

    def stop(self) -> None:
        self._halt.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self.active = False

    abort = stop

    def close(self) -> None:
        self.stop()


@pytest.fixture
def paced(monkeypatch):
    import sounddevice

    PacedStream.made = []
    monkeypatch.setattr(sounddevice, "OutputStream", PacedStream)
    return PacedStream.made


def _write(path: Path, data: np.ndarray) -> Path:
    sf.write(path, data.astype(np.float32), SR, subtype="FLOAT")
    return path


def _open(qtbot, make_main_window, path: Path):
    win = make_main_window()
    win.check_playback()
    win.open_path(path)
    wait_settled(qtbot, win)
    return win


def _tracks(pixels: np.ndarray) -> list[tuple[int, int, int]]:
    """The meter's bar tracks as seen: (middle row, first column, end column) of each band
    of rows holding one long run (> 100 px) of one colour other than the background."""
    background = pixels[0, 0]
    rows = []
    for y, row in enumerate(pixels):
        change = np.flatnonzero(np.any(row[1:] != row[:-1], axis=1)) + 1
        edges = np.concatenate([[0], change, [len(row)]])
        for a, b in pairwise(edges):
            if b - a > 100 and np.any(row[a] != background):
                rows.append((y, int(a), int(b)))
    bands: list[list[tuple[int, int, int]]] = []
    for item in rows:
        if bands and item[0] == bands[-1][-1][0] + 1:
            bands[-1].append(item)
        else:
            bands.append([item])
    return [band[len(band) // 2] for band in bands]


def test_meter_shows_minus_6_peak_and_minus_9_rms_of_a_sine_in_value_and_pixels(
        qtbot, make_main_window, paced, tmp_path):
    t = np.arange(3 * SR) / SR
    tone = AMPLITUDE * np.sin(2 * np.pi * 1000 * t)
    win = _open(qtbot, make_main_window, _write(tmp_path / "tone.wav",
                                                np.stack([tone, tone], axis=1)))
    meter = win.meter_strip.widget
    idle = grab_rgb(meter)
    tracks = _tracks(idle)
    assert len(tracks) == 2  # one bar per output channel
    track_colour = idle[tracks[0][0], tracks[0][1]].copy()
    win.actions.play_pause.trigger()
    assert paced and win.playback.state == "playing"
    peak_db = 20 * np.log10(AMPLITUDE)
    rms_db = peak_db - 10 * np.log10(2)

    def steady() -> bool:
        r = meter.reading
        return (r is not None and np.allclose(r.peak, peak_db, atol=0.05)
                and np.allclose(r.rms, rms_db, atol=0.05))

    qtbot.waitUntil(steady, timeout=10000)
    assert win.playback.state == "playing"
    assert not meter.reading.clipped.any()
    pixels = grab_rgb(meter)
    for y, x0, x1 in tracks:
        row = pixels[y, x0:x1]
        lit = np.any(row != track_colour, axis=1)
        end = int(np.argmin(lit))  # the lit part is a prefix: peak bar and its hold mark
        assert lit[:end].all() and not lit[end:].any()
        width = x1 - x0
        assert end == pytest.approx((peak_db + 60) / 60 * width, abs=1.5)
        inside = end - 3  # left of the 2-px hold mark: the pale peak segment
        run = inside
        while run > 0 and np.array_equal(row[run - 1], row[inside]):
            run -= 1
        assert run == pytest.approx((rms_db + 60) / 60 * width, abs=1.5)
        assert not np.array_equal(row[0], row[inside])  # the RMS bar is another colour
    win.actions.stop.trigger()


def test_clip_box_lights_at_full_scale_and_a_click_resets_it(qtbot, make_main_window, paced,
                                                             tmp_path):
    t = np.arange(3 * SR) / SR
    tone = 0.25 * np.sin(2 * np.pi * 500 * t)
    tone[SR // 10::SR // 20] = 1.0  # full-scale clicks on the first channel only
    quiet = 0.25 * np.sin(2 * np.pi * 500 * t)
    win = _open(qtbot, make_main_window, _write(tmp_path / "clip.wav",
                                                np.stack([tone, quiet], axis=1)))
    meter = win.meter_strip.widget
    idle = grab_rgb(meter)
    tracks = _tracks(idle)

    def clip_box(pixels: np.ndarray, track: tuple[int, int, int]) -> np.ndarray:
        """The colour of the first run right of the track that differs from the background."""
        y, _x0, x1 = track
        row = pixels[y, x1:]
        return row[np.flatnonzero(np.any(row != pixels[0, 0], axis=1))[0]]

    off = [clip_box(idle, track) for track in tracks]
    win.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: meter.reading is not None and meter.reading.clipped[0], timeout=5000)
    pixels = grab_rgb(meter)
    lit = clip_box(pixels, tracks[0])
    assert lit[0] > 200 and lit[1] < 80 and lit[2] < 100  # red
    assert np.array_equal(clip_box(pixels, tracks[1]), off[1])  # the other channel: not
    assert not meter.reading.clipped[1]
    win.actions.stop.trigger()
    qtbot.mouseClick(meter, Qt.LeftButton)
    assert not meter.reading.clipped.any()
    assert np.array_equal(clip_box(grab_rgb(meter), tracks[0]), off[0])


def test_mute_button_silences_its_channel_while_playing(qtbot, make_main_window, paced,
                                                        tmp_path):
    t = np.arange(3 * SR) / SR
    stereo = np.stack([0.4 * np.sin(2 * np.pi * 440 * t), 0.3 * np.sin(2 * np.pi * 660 * t)],
                      axis=1)
    win = _open(qtbot, make_main_window, _write(tmp_path / "stereo.wav", stereo))
    buttons = win.meter_strip.buttons
    assert buttons.isVisible() and [b.text() for b in buttons.mute] == ["M1", "M2"]
    win.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: paced and np.all(np.abs(paced[0].last).max(axis=0) > 0.2),
                    timeout=5000)
    qtbot.mouseClick(buttons.mute[1], Qt.LeftButton)
    assert win.document.channel_mix.muted == {1} and buttons.mute[1].isChecked()
    qtbot.waitUntil(lambda: not paced[0].last[:, 1].any() and paced[0].last[:, 0].any(),
                    timeout=5000)
    qtbot.mouseClick(buttons.mute[1], Qt.LeftButton)
    assert win.document.channel_mix.muted == frozenset()
    qtbot.waitUntil(lambda: np.abs(paced[0].last[:, 1]).max() > 0.2, timeout=5000)
    win.actions.stop.trigger()


def _captured(path: Path, channels: int) -> np.ndarray:
    data = np.fromfile(path, dtype="<f4").reshape(-1, channels)
    return data[np.any(data != 0, axis=1)]


def test_mute_and_solo_buttons_choose_what_is_played(qtbot, make_main_window, tmp_path,
                                                     monkeypatch):
    rng = np.random.default_rng(5)
    four = rng.uniform(0.05, 0.45, (SR, 4)) * np.where(rng.random((SR, 4)) < 0.5, -1, 1)
    path = _write(tmp_path / "four.wav", four)
    four = sf.read(path, dtype="float32")[0]
    win = _open(qtbot, make_main_window, path)
    buttons = win.meter_strip.buttons
    assert [b.text() for b in buttons.solo] == ["S1", "S2", "S3", "S4"]
    win.document.set_selection((0.0, 0.25))
    part = faded_out(four[:round(0.25 * SR)], SR)  # the selection's end fades out
    monkeypatch.setenv("TAP_RATE", str(SR))

    def play(name: str, channels: int = 2) -> np.ndarray:
        tap = tmp_path / f"{name}.raw"
        monkeypatch.setenv("TAP_FILE", str(tap))
        monkeypatch.setenv("TAP_CHANNELS", str(channels))
        win.actions.play_pause.trigger()
        qtbot.waitUntil(lambda: win.playback.state == "stopped", timeout=10000)
        return _captured(tap, channels)

    qtbot.mouseClick(buttons.mute[1], Qt.LeftButton)  # M2
    played = play("muted2")
    without2 = part[:, [0, 2, 3]].mean(axis=1)
    assert len(played) == len(part)
    np.testing.assert_allclose(played, np.stack([without2] * 2, axis=1), atol=1e-6)
    qtbot.mouseClick(buttons.solo[2], Qt.LeftButton)  # S3: only channel 3
    solo = play("solo3")
    fade = round(0.01 * SR)
    np.testing.assert_array_equal(solo[:-fade], four[:round(0.25 * SR) - fade][:, [2, 2]])
    np.testing.assert_allclose(solo, part[:, [2, 2]], rtol=0, atol=1e-7)
    qtbot.mouseClick(buttons.solo[2], Qt.LeftButton)
    combo = win.play_channel
    combo.setCurrentIndex(combo.findText("Mix (mean)"))  # one output: the mix without 2
    np.testing.assert_allclose(play("mix", 1)[:, 0], without2, atol=1e-6)
    qtbot.mouseClick(buttons.mute[1], Qt.LeftButton)  # unmuted: the mix of all four
    np.testing.assert_allclose(play("all", 1)[:, 0], part.mean(axis=1), atol=1e-6)
    assert not any(b.isChecked() for b in buttons.mute + buttons.solo)
    # a mono file has nothing to mute: no buttons; a new file starts with nothing muted
    mono = _write(tmp_path / "mono.wav", four[:, 0])
    win.open_path(mono)
    wait_settled(qtbot, win)
    assert not buttons.isVisible() and win.document.channel_mix.channels == 1
