"""Pitch (f0, pYIN) end to end: `sonolens extract --features f0` against librosa.pyin on
the same audio (espeak-ng speech, a harmonic melody), dataset statistics, note names, and
the edge cases (silence, noise, a 10 ms file, 8 kHz speech, channels, NaN samples)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import librosa
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import main
from sonolens.core.notes import hz_to_note_name
from sonolens.core.params import AnalysisParams

FMIN, FMAX = librosa.note_to_hz("C2"), librosa.note_to_hz("C7")


def melody(sr: int = 22050) -> np.ndarray:
    """A3 C4 E4 G4 A4 (0.35 s each, 5 harmonics, 1/k amplitudes) with 0.1 s rests."""
    parts = []
    for note in ("A3", "C4", "E4", "G4", "A4"):
        t = np.arange(int(0.35 * sr)) / sr
        f = librosa.note_to_hz(note)
        tone = sum(np.sin(2 * np.pi * k * f * t) / k for k in range(1, 6))
        parts += [0.3 * tone / 2.3, np.zeros(int(0.1 * sr))]
    return np.concatenate(parts).astype(np.float32)


def speech(tmp_path: Path, text: str = "Hello, how are you today? The quick brown fox.",
           sr: int | None = None) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    if sr is not None:
        y, native = sf.read(path, dtype="float32")
        sf.write(path, librosa.resample(y, orig_sr=native, target_sr=sr), sr)
    return path


def extract(tmp_path: Path, audio: Path, *options: str, capsys=None) -> pd.DataFrame:
    out = tmp_path / "f0.csv"
    code = main(["extract", str(audio), "-o", str(out), *options])
    assert code == 0
    return pd.read_csv(out)


def assert_like_librosa(table: pd.DataFrame, y: np.ndarray, sr: int, *, fmax: float = FMAX,
                        n_fft: int = 2048, hop: int = 512) -> None:
    f0, flag, prob = librosa.pyin(y, sr=sr, fmin=FMIN, fmax=fmax, frame_length=n_fft,
                                  hop_length=hop, center=True)
    assert len(table) == len(f0)
    ours = table["voiced_flag"].to_numpy().astype(bool)
    assert np.mean(ours == flag) >= 0.999
    both = ours & flag
    assert both.any()
    cents = 1200 * np.abs(np.log2(table["f0"].to_numpy()[both] / f0[both]))
    assert cents.max() < 1.0
    assert np.isnan(table["f0"].to_numpy()[~ours]).all()  # unvoiced: an empty cell
    np.testing.assert_allclose(table["voiced_probability"], prob, atol=1e-4, rtol=0)


def test_speech_from_the_command_line_equals_librosa_pyin(tmp_path):
    path = speech(tmp_path)
    out = tmp_path / "speech.csv"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "app"))
    done = subprocess.run([sys.executable, "-m", "sonolens", "extract", str(path), "-o",
                           str(out), "--features", "rms,pitch"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == ["time", "rms", "f0", "voiced_flag", "voiced_probability"]
    y, sr = librosa.load(path, sr=None)
    assert_like_librosa(table, y, sr)
    assert 0.2 < table["voiced_flag"].mean() < 0.95  # speech: voiced and unvoiced parts
    rms = librosa.feature.rms(y=y)[0]  # the same frame grid as the other features
    np.testing.assert_allclose(table["rms"], rms, rtol=1e-4, atol=1e-7)


def test_harmonic_melody_equals_librosa_and_finds_the_notes(tmp_path):
    sr = 22050
    path = tmp_path / "melody.wav"
    sf.write(path, melody(sr), sr, subtype="FLOAT")
    table = extract(tmp_path, path, "--features", "f0")
    y, _ = librosa.load(path, sr=None)
    assert_like_librosa(table, y, sr)
    voiced = table[table["voiced_flag"] == 1]
    names = {hz_to_note_name(f).split()[0] for f in voiced["f0"]}
    assert {"A3", "C4", "E4", "G4", "A4"} <= names


def test_dataset_adds_f0_median_and_voiced_fraction(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    y = melody()
    sf.write(folder / "a.wav", y, 22050, subtype="FLOAT")
    sf.write(folder / "b.wav", y[: len(y) // 2], 22050, subtype="FLOAT")
    plain, with_f0 = tmp_path / "plain.csv", tmp_path / "f0.csv"
    assert main(["dataset", str(folder), "-o", str(plain), "--features", "rms"]) == 0
    assert main(["dataset", str(folder), "-o", str(with_f0), "--features", "rms,f0"]) == 0
    a, b = pd.read_csv(plain), pd.read_csv(with_f0)
    assert list(b.columns) == [*a.columns, "f0_median", "voiced_fraction"]
    pd.testing.assert_frame_equal(a, b[a.columns])
    for _, row in b.iterrows():
        clip, _ = librosa.load(folder / row["filename"], sr=None)
        f0, flag, _ = librosa.pyin(clip, sr=22050, fmin=FMIN, fmax=FMAX)
        assert row["f0_median"] == pytest.approx(np.median(f0[flag]), rel=1e-4)
        assert row["voiced_fraction"] == pytest.approx(flag.mean(), abs=1e-9)


def test_eight_khz_speech_clamps_fmax_with_a_warning(tmp_path, capsys):
    path = speech(tmp_path, sr=8000)
    table = extract(tmp_path, path, "--features", "f0", "--n-fft", "1024", "--hop-length",
                    "256", "--pyin-fmax", "6000")
    err = capsys.readouterr().err
    assert "warning:" in err and "pyin_fmax=6000 Hz is above Nyquist" in err
    assert "up to 4000 Hz" in err
    y, sr = librosa.load(path, sr=None)
    assert_like_librosa(table, y, sr, fmax=4000.0, n_fft=1024, hop=256)


@pytest.mark.parametrize("choice", ["2", "mix"])
def test_chosen_channel_or_mix(tmp_path, choice):
    sr = 22050
    left = melody(sr)
    right = 0.5 * np.roll(left, 3000)
    path = tmp_path / "stereo.wav"
    sf.write(path, np.column_stack([left, right]), sr, subtype="FLOAT")
    table = extract(tmp_path, path, "--features", "f0", "--channel", choice)
    y = right if choice == "2" else librosa.to_mono(np.vstack([left, right]))
    assert_like_librosa(table, y.astype(np.float32), sr)


def test_silence_noise_and_a_10_ms_file(tmp_path):
    sr = 22050
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(sr), sr)
    table = extract(tmp_path, silence, "--features", "f0")
    assert (table["voiced_flag"] == 0).all() and table["f0"].isna().all()
    noise = tmp_path / "noise.wav"
    y = (0.3 * np.random.default_rng(1).standard_normal(sr)).astype(np.float32)
    sf.write(noise, y, sr, subtype="FLOAT")
    assert_like_librosa(extract(tmp_path, noise, "--features", "f0"), y, sr)
    short = tmp_path / "short.wav"
    y = melody(sr)[: sr // 100]
    sf.write(short, y, sr, subtype="FLOAT")
    table = extract(tmp_path, short, "--features", "f0,rms")
    assert len(table) == 1 + len(y) // 512
    assert_like_librosa(table, y, sr)


def test_nan_samples_are_repaired_before_pitch(tmp_path, capsys):
    sr = 22050
    y = melody(sr)
    y[5000:5010] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(path, y, sr, subtype="FLOAT")
    table = extract(tmp_path, path, "--features", "f0")
    assert "warning:" in capsys.readouterr().err  # the decoder says it repaired them
    assert len(table) == 1 + len(y) // 512 and table["voiced_flag"].sum() > 0


@pytest.mark.parametrize(("options", "says", "exit_code"), [
    (["--pyin-fmin", "500", "--pyin-fmax", "400"], "pyin_fmin=500 Hz must be below pyin_fmax",
     2),  # a usage error
    (["--pyin-fmin", "0"], "pyin_fmin=0 Hz must be positive", 2),
    # depends on the file's rate: that file fails (as fmax past its Nyquist)
    (["--pyin-fmin", "30", "--n-fft", "512"], "pyin_fmin=30 Hz is too low for n_fft=512", 1),
])
def test_ranges_that_cannot_work_are_one_line_errors(tmp_path, capsys, options, says,
                                                      exit_code):
    path = tmp_path / "tone.wav"
    sf.write(path, melody()[:22050], 22050)
    code = main(["extract", str(path), "-o", str(tmp_path / "x.csv"), "--features", "f0",
                 *options])
    err = capsys.readouterr().err
    assert code == exit_code and says in err and "Traceback" not in err
    assert "error: " in err.splitlines()[0]  # "sonolens: error: ..." for a usage error
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_default_params_are_librosa_notes():
    params = AnalysisParams()
    assert params.pyin_fmin == FMIN and params.pyin_fmax == FMAX


def test_speech_preset_searches_voices_range():
    from sonolens.core.presets import SPEECH, builtin_presets
    from sonolens.core.view_settings import ViewSettings

    speech = next(p for p in builtin_presets(16000) if p.name == SPEECH)
    params, _ = speech.apply(AnalysisParams(pyin_fmin=100.0, pyin_fmax=300.0), ViewSettings(),
                             16000)
    assert (params.pyin_fmin, params.pyin_fmax) == (FMIN, librosa.note_to_hz("C5"))


def test_resampled_analysis_rate(tmp_path):
    """--sr: pitch of the signal resampled as librosa.load(sr=...) resamples it."""
    path = speech(tmp_path)
    table = extract(tmp_path, path, "--features", "f0", "--sr", "16000")
    y, sr = librosa.load(path, sr=16000)
    assert_like_librosa(table, y, sr)


def test_annotation_rows_take_f0_over_their_voiced_frames(tmp_path):
    path = speech(tmp_path)
    labels = tmp_path / "labels.txt"
    labels.write_text("0.2\t1.0\tone\n1.5\t2.5\ttwo\n")
    frames = extract(tmp_path, path, "--features", "f0")
    rows = extract(tmp_path, path, "--features", "f0", "--annotations", str(labels))
    for _, row in rows.iterrows():
        inside = frames[(frames["time"] >= row["start"]) & (frames["time"] < row["end"])]
        voiced = inside["f0"].dropna()
        assert len(voiced) and row["frames"] == len(inside)
        assert row["f0_mean"] == pytest.approx(voiced.mean(), rel=1e-9)
        assert row["f0_std"] == pytest.approx(voiced.std(ddof=0), rel=1e-9)
        assert row["voiced_flag_mean"] == pytest.approx(inside["voiced_flag"].mean())
