"""Listening from the window: real PortAudio into an ALSA file PCM, playhead, follow, panels."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.audio.playback import PlaybackUnavailable
from tests.qt.conftest import faded_in, faded_out, wait_settled, write_tone

SR = 44100
FADE = round(0.01 * SR)  # a start inside the file fades in over 10 ms


@pytest.fixture
def stereo(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    t = np.arange(SR * 2) / SR
    left = 0.4 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(len(t))
    right = 0.3 * np.sin(2 * np.pi * 660 * t)
    path = tmp_path / "stereo.wav"
    sf.write(path, np.stack([left, right], axis=1).astype(np.float32), SR, subtype="FLOAT")
    return path


@pytest.fixture
def window(qtbot, make_main_window, stereo):
    win = make_main_window()
    win.check_playback()
    win.open_path(stereo)
    wait_settled(qtbot, win)
    return win


def _captured(path: Path, channels: int = 2) -> np.ndarray:
    data = np.fromfile(path, dtype="<f4").reshape(-1, channels)
    nonzero = np.flatnonzero(np.any(data != 0, axis=1))
    return data[nonzero[0] : nonzero[-1] + 1] if len(nonzero) else data[:0]


def test_play_selection_plays_exactly_those_samples(qtbot, window, stereo, tmp_path,
                                                    monkeypatch):
    tap = tmp_path / "played.raw"
    monkeypatch.setenv("TAP_FILE", str(tap))
    monkeypatch.setenv("TAP_RATE", str(SR))
    assert window.actions.play_pause.isEnabled()
    window.document.set_selection((0.5, 1.0))
    window.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
    source, _ = sf.read(stereo, dtype="float32")
    played = _captured(tap)
    expected = source[round(0.5 * SR) : round(1.0 * SR)]
    assert played.shape == expected.shape
    np.testing.assert_array_equal(played[FADE:-FADE], expected[FADE:-FADE])
    np.testing.assert_allclose(played, faded_out(faded_in(expected, SR, 0), SR), rtol=0,
                               atol=1e-7)  # a start and an end inside the file fade
    # the playhead ends where the played range ends, on every view
    qtbot.waitUntil(lambda: window.markers.playheads[0].isVisible(), timeout=2000)
    for line in window.markers.playheads:
        assert line.value() == pytest.approx(1.0, abs=1e-3)


def test_play_channel_and_mix_choices(qtbot, window, stereo, tmp_path, monkeypatch):
    source, _ = sf.read(stereo, dtype="float32")
    window.document.set_selection((0.0, 0.25))
    expected = faded_out(source[: round(0.25 * SR)], SR)  # the selection's end fades out
    combo = window.play_channel
    for label, channels, want in (("Channel 2", 2, np.stack([expected[:, 1]] * 2, axis=1)),
                                  ("Mix (mean)", 1, expected.mean(axis=1, keepdims=True))):
        tap = tmp_path / f"{label}.raw"
        monkeypatch.setenv("TAP_FILE", str(tap))
        monkeypatch.setenv("TAP_CHANNELS", str(channels))
        monkeypatch.setenv("TAP_RATE", str(SR))
        combo.setCurrentIndex(combo.findText(label))
        window.actions.play_pause.trigger()
        qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
        played = _captured(tap, channels)
        want = want[np.flatnonzero(np.any(want != 0, axis=1))[0] :]  # as _captured aligns
        np.testing.assert_allclose(played, want[: len(played)], atol=1e-6)
        assert len(played) >= len(want) - 2


def test_pause_resume_stop_and_loop_actions(qtbot, window):
    playback = window.playback
    window.document.set_selection((0.2, 0.4))
    window.actions.loop.setChecked(True)
    window.actions.play_pause.trigger()
    assert playback.state == "playing"
    window.actions.play_pause.trigger()  # pause
    qtbot.waitUntil(lambda: playback.player.state == "paused", timeout=5000)
    paused_at = playback.player.position
    qtbot.wait(50)
    assert playback.player.position == paused_at  # the playhead holds while paused
    window.actions.play_pause.trigger()  # resume; looping keeps it inside the selection
    qtbot.waitUntil(lambda: playback.player.played_frames > 3 * round(0.2 * SR), timeout=10000)
    assert round(0.2 * SR) <= playback.player.position <= round(0.4 * SR)
    window.actions.stop.trigger()
    assert playback.state == "stopped"
    assert playback.player.position == round(0.2 * SR)


def test_follow_page_and_scroll_keep_the_playhead_visible(qtbot, window):
    plot = window.waveform.plot
    plot.setXRange(0.0, 0.2, padding=0)
    window.transport_controls.on_position_changed(0.5)
    (t0, t1), _ = plot.getViewBox().viewRange()
    assert t0 == pytest.approx(0.5) and t1 == pytest.approx(0.7)
    window.actions.follow_scroll.trigger()
    window.transport_controls.on_position_changed(1.0)
    (t0, t1), _ = plot.getViewBox().viewRange()
    assert (t0 + t1) / 2 == pytest.approx(1.0)
    window.actions.follow_off.trigger()
    window.transport_controls.on_position_changed(1.9)
    assert plot.getViewBox().viewRange()[0] == pytest.approx([t0, t1])


def test_no_audio_device_disables_playback_with_reason(qtbot, make_main_window, stereo,
                                                       monkeypatch):
    import sonolens.audio.playback as playback

    def none():
        raise PlaybackUnavailable("no audio output device")

    monkeypatch.setattr(playback, "output_devices", none)
    win = make_main_window()
    win.check_playback()
    win.open_path(stereo)
    wait_settled(qtbot, win)
    assert not win.actions.play_pause.isEnabled()
    assert "no audio output device" in win.playback_label.text()
    win.actions.play_pause.trigger()  # disabled: nothing happens, nothing raises
    assert win.playback.player is None
    # everything else still works
    assert win.document.features is not None


def test_missing_portaudio_disables_playback(qtbot, make_main_window, monkeypatch):
    import sonolens.audio.playback.devices as playback

    def broken():
        raise PlaybackUnavailable("PortAudio (libportaudio2) is not installed")

    monkeypatch.setattr(playback, "load_sounddevice", broken)
    win = make_main_window()
    win.check_playback()
    assert "libportaudio2" in win.playback_label.text()


def test_selection_panel_measures_zero_crossings_and_levels(qtbot, window, stereo):
    panel = window.selection_panel
    window.selection_dock.raise_()
    window.document.set_selection((0.5, 1.5))
    source, _ = sf.read(stereo, dtype="float32")
    part = source[round(0.5 * SR) : round(1.5 * SR)]
    # raising the dock may first measure the whole file: wait for the selection's result
    qtbot.waitUntil(lambda: panel.measures is not None
                    and panel.measures.n_samples == len(part), timeout=10000)
    left = part[:, 0]
    crossings = int(np.count_nonzero(np.signbit(left[1:]) != np.signbit(left[:-1])))
    assert panel.measures.channels[0].zero_crossings == crossings
    assert panel.levels.item(0, 3).text() == f"{crossings:,}"
    peak_db = 20 * np.log10(np.max(np.abs(left)))
    assert float(panel.levels.item(0, 1).text()) == pytest.approx(peak_db, abs=0.01)
    assert panel.start.value() == pytest.approx(0.5) and panel.length.value() == pytest.approx(1.0)
    names = [panel.features.item(r, 0).text() for r in range(panel.features.rowCount())]
    assert "spectral_centroid" in names
    # editing the range in the panel moves the selection
    panel.end.setValue(1.25)
    panel.end.editingFinished.emit()
    assert window.document.selection == pytest.approx((0.5, 1.25))


def test_spectrum_panel_finds_the_tone_and_exports(qtbot, make_main_window, tmp_path):
    win = make_main_window()
    win.open_path(write_tone(tmp_path / "k.wav", freq=1000.0, seconds=1.0))
    wait_settled(qtbot, win)
    panel = win.spectrum_panel
    assert panel.spectrum is None and not win.runner.is_busy()  # hidden tab: nothing computed
    win.spectrum_dock.raise_()
    qtbot.waitUntil(lambda: panel.spectrum is not None, timeout=10000)
    freq, level = panel.peaks[0]
    assert freq == pytest.approx(1000.0, abs=2.0)
    assert level == pytest.approx(20 * np.log10(0.5), abs=0.2)  # the tone's amplitude
    out = tmp_path / "spectrum.txt"
    assert panel.export_to(out)
    table = pd.read_csv(out, sep="\t")
    assert list(table.columns) == ["Frequency (Hz)", "Level (dB)"]
    assert len(table) == len(panel.spectrum.freqs)


def test_export_selection_audio(qtbot, window, stereo, tmp_path):
    window.document.set_selection((0.25, 0.75))
    source, _ = sf.read(stereo, dtype="float32")
    for subtype, atol in (("FLOAT", 0.0), ("PCM_16", 1 / 32768)):
        out = tmp_path / f"sel-{subtype}.wav"
        with qtbot.waitSignal(window.runner.finished, timeout=10000):
            window.exporter.export_selection_audio_to(out, subtype)
        data, rate = sf.read(out, dtype="float32")
        assert rate == SR
        np.testing.assert_allclose(data, source[round(0.25 * SR) : round(0.75 * SR)],
                                   atol=atol)
    assert os.path.exists(out)


def test_device_failing_mid_playback_stops_with_a_message(qtbot, window):
    window.document.set_selection((0.0, 1.5))
    window.actions.loop.setChecked(True)  # keeps playing until the device "fails"
    window.actions.play_pause.trigger()
    player = window.playback.player
    assert player is not None and window.playback.state == "playing"

    class Failed:  # what a Player reports after PortAudio aborted the stream
        state, error, position = "stopped", "device unplugged", 0

        def close(self) -> None:
            player.close()

    window.playback.player = Failed()
    with qtbot.waitSignal(window.playback.failed, timeout=3000):
        pass
    assert "device unplugged" in window.playback_label.text()
    assert window.playback.player is None and window.playback.state == "stopped"
    assert not any(line.isVisible() for line in window.markers.playheads)


def test_play_from_the_clicked_position(qtbot, window, stereo, tmp_path, monkeypatch):
    from tests.qt.mouse import click

    tap = tmp_path / "from-click.raw"
    monkeypatch.setenv("TAP_FILE", str(tap))
    monkeypatch.setenv("TAP_RATE", str(SR))
    click(window.spectrogram_view, 1.5, 1000.0)
    start = round(window.document.cursor * SR)
    assert abs(start - 1.5 * SR) < 0.02 * SR
    window.actions.play_pause.trigger()
    qtbot.waitUntil(lambda: window.playback.state == "stopped", timeout=10000)
    source, _ = sf.read(stereo, dtype="float32")
    played = _captured(tap)
    np.testing.assert_array_equal(played[FADE:], source[start + FADE : start + len(played)])
    np.testing.assert_allclose(played, faded_in(source[start : start + len(played)], SR, 0),
                               rtol=0, atol=1e-7)
    assert len(played) == len(source) - start


def test_volume_set_before_anything_plays_is_used_when_playing(qtbot, window):
    window.playback.close_player()
    window.volume.setValue(window.volume.maximum() // 2)  # the transport's slider
    window.playback.set_volume(0.5)
    assert window.playback.volume == 0.5
    window.playback.play()
    qtbot.waitUntil(lambda: window.playback.player is not None, timeout=5000)
    assert window.playback.player.volume == 0.5
    window.playback.stop()
