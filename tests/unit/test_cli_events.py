"""`sonolens events`: onsets and beats written as point tiers, the tempo on stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.export.labels import read_labels
from tests.unit.signals import drum_loop

APP = Path(__file__).resolve().parents[2] / "app"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(APP))
    return subprocess.run([sys.executable, "-m", "sonolens", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def stereo_loop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 128 BPM loop, left louder than right plus a hi-hat only on the right."""
    y = drum_loop(128, 44100, seconds=8.0)
    right = 0.3 * y + 0.2 * drum_loop(180, 44100, seconds=8.0, seed=5)
    path = tmp_path_factory.mktemp("events") / "loop.wav"
    sf.write(path, np.stack([0.5 * y, right], axis=1), 44100, subtype="FLOAT")
    return path


def expected(path: Path, channel: int | None) -> tuple[float, np.ndarray, np.ndarray]:
    data, sr = sf.read(path, dtype="float32", always_2d=True)
    mono = data.mean(axis=1, dtype=np.float32) if channel is None else data[:, channel]
    y = mono.astype(np.float64)
    bpm, beats = librosa.beat.beat_track(y=y, sr=sr, units="time")
    onsets = librosa.onset.onset_detect(y=y, sr=sr, units="time")
    return float(np.atleast_1d(bpm)[0]), onsets, beats


@pytest.mark.parametrize("fmt", ["csv", "textgrid", "raven"])
def test_events_tiers_equal_librosa(stereo_loop: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"events.{fmt}"
    done = run_cli("events", str(stereo_loop), "-o", str(out), "--to", fmt)
    assert done.returncode == 0, done.stderr
    bpm, onsets, beats = expected(stereo_loop, None)
    assert done.stdout == f"tempo: {bpm:.2f} BPM\n"
    annotations, _ = read_labels(out)
    got = {name: np.array([a.start for a in annotations.in_tier(name)]) for name in
           ("onsets", "beats")}
    assert all(a.is_point for a in annotations.annotations)
    np.testing.assert_allclose(got["onsets"], onsets, atol=1e-5)
    np.testing.assert_allclose(got["beats"], beats, atol=1e-5)
    assert len(beats) > 10


@pytest.mark.parametrize("fmt", ["audacity", "sv-csv"])
def test_events_chosen_channel_tierless_formats(stereo_loop: Path, tmp_path: Path,
                                                fmt: str) -> None:
    """Formats without tiers hold the onsets and the beats together."""
    out = tmp_path / f"right.{fmt}"
    done = run_cli("-q", "events", str(stereo_loop), "-o", str(out), "--to", fmt,
                   "--channel", "2")
    assert done.returncode == 0, done.stderr
    bpm, onsets, beats = expected(stereo_loop, 1)
    assert done.stdout == f"tempo: {bpm:.2f} BPM\n"
    starts = sorted(a.start for a in read_labels(out)[0].annotations)
    np.testing.assert_allclose(starts, np.sort(np.concatenate([onsets, beats])), atol=1e-5)


def test_silence_writes_empty_tiers_and_tempo_zero(tmp_path: Path) -> None:
    audio = tmp_path / "silence.wav"
    sf.write(audio, np.zeros(8000 * 2), 8000)
    out = tmp_path / "s.TextGrid"
    done = run_cli("events", str(audio), "-o", str(out), "--to", "textgrid")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tempo: 0.00 BPM\n"
    annotations, _ = read_labels(out)
    assert [t.name for t in annotations.tiers] == ["onsets", "beats"]
    assert annotations.annotations == []


def test_ten_ms_file(tmp_path: Path) -> None:
    audio = tmp_path / "short.wav"
    sf.write(audio, 0.5 * drum_loop(120, 44100, seconds=0.01), 44100, subtype="FLOAT")
    out = tmp_path / "short.csv"
    done = run_cli("events", str(audio), "-o", str(out), "--to", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tempo: 0.00 BPM\n"
    assert read_labels(out)[0].annotations == []


def test_errors_are_one_line(stereo_loop: Path, tmp_path: Path) -> None:
    before = stereo_loop.read_bytes()
    done = run_cli("events", str(stereo_loop), "-o", str(stereo_loop), "--to", "csv")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert "refusing to write over it" in done.stderr
    assert stereo_loop.read_bytes() == before
    done = run_cli("events", str(stereo_loop), "-o", str(tmp_path / "x.csv"), "--to", "csv",
                   "--channel", "3")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "channel" in done.stderr
    done = run_cli("events", str(tmp_path / "missing.wav"), "-o", str(tmp_path / "x.csv"),
                   "--to", "csv")
    assert done.returncode != 0 and done.stderr.startswith("error: ")
    assert done.stderr.count("\n") == 1 and not (tmp_path / "x.csv").exists()
