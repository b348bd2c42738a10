"""`sonolens extract` as users run it: real files, real CSV, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import librosa
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import main
from tests.unit.signals import make_signal


@pytest.fixture
def wav(tmp_path) -> Path:
    path = tmp_path / "tone.wav"
    sf.write(path, make_signal(22050, 2.0), 22050, subtype="PCM_16")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "app"))
    return subprocess.run([sys.executable, "-m", "sonolens", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_extract_writes_librosa_columns(wav, tmp_path):
    out = tmp_path / "out.csv"
    result = run_cli("extract", str(wav), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    table = pd.read_csv(out)
    assert list(table.columns[:3]) == ["time", "rms", "zero_crossing_rate"]
    assert "chroma_C#" in table.columns and "mfcc_20" in table.columns
    assert "spectral_contrast_7" in table.columns
    y, sr = librosa.load(wav, sr=None)
    np.testing.assert_allclose(table["spectral_centroid"],
                               librosa.feature.spectral_centroid(y=y, sr=sr)[0], rtol=1e-6)
    np.testing.assert_allclose(table["time"], librosa.times_like(table["rms"].to_numpy(), sr=sr))
    assert table.to_numpy().dtype == np.float64 and np.isfinite(table.to_numpy()).all()


def test_feature_subset_and_options(wav, tmp_path):
    out = tmp_path / "sub.csv"
    code = main(["extract", str(wav), "-o", str(out), "--features", "centroid,mfcc",
                 "--n-fft", "1024", "--hop-length", "256", "--n-mfcc", "13"])
    assert code == 0
    table = pd.read_csv(out)
    mfcc_names = [f"mfcc_{i}" for i in range(1, 14)]
    assert list(table.columns) == ["time", "spectral_centroid", *mfcc_names]
    y, sr = librosa.load(wav, sr=None)
    ref = librosa.feature.mfcc(y=y, sr=sr, n_fft=1024, hop_length=256, n_mfcc=13)
    got = table[[f"mfcc_{i}" for i in range(1, 14)]].to_numpy().T
    assert np.abs(got - ref).max() / np.abs(ref).max() < 1e-4


def test_several_inputs_keep_good_files_and_report_bad(wav, tmp_path, capsys):
    bad = tmp_path / "noise.wav"
    bad.write_bytes(os.urandom(3000))
    other = tmp_path / "other.flac"
    sf.write(other, make_signal(22050, 1.0, seed=3), 22050)
    out = tmp_path / "many.csv"
    code = main(["extract", str(wav), str(bad), str(other), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {bad}: not an audio file" in err
    table = pd.read_csv(out)
    assert table.columns[0] == "file"
    assert set(table["file"]) == {str(wav), str(other)}


@pytest.mark.parametrize("make_bad,needle", [
    (lambda p: p, "file not found"),
    (lambda p: (p.write_bytes(b""), p)[1], "empty"),
    (lambda p: (p.mkdir(), p)[1], "directory"),
    (lambda p: (p.write_text("hello " * 100), p)[1], "not an audio file"),
])
def test_bad_input_one_line_error_no_output(tmp_path, make_bad, needle):
    bad = make_bad(tmp_path / "bad.mp3")
    out = tmp_path / "out.csv"
    result = run_cli("extract", str(bad), "-o", str(out))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}") and needle in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob(".out.csv*")), "temp file left behind"


def test_bad_parameter_is_usage_error(wav, tmp_path):
    result = run_cli("extract", str(wav), "-o", str(tmp_path / "o.csv"), "--n-fft", "0")
    assert result.returncode == 2
    assert "n_fft=0" in result.stderr and "Traceback" not in result.stderr


def test_channel_out_of_range_is_reported(wav, tmp_path, capsys):
    """Channels count from 1: a mono file has channel 1 only; 2 is a usage error."""
    code = main(["extract", str(wav), "-o", str(tmp_path / "o.csv"), "--channel", "2"])
    assert code == 2
    assert "channel=2" in capsys.readouterr().err and not (tmp_path / "o.csv").exists()
    assert main(["-q", "extract", str(wav), "-o", str(tmp_path / "o.csv"), "--channel", "1"]) == 0


def test_unwritable_output_keeps_existing_file(wav, tmp_path, capsys):
    out = tmp_path / "missing-folder" / "o.csv"
    assert main(["extract", str(wav), "-o", str(out)]) == 1
    assert "does not exist" in capsys.readouterr().err
    existing = tmp_path / "keep.csv"
    existing.write_text("precious\n")
    # a failure after some files: nothing replaces the existing file when all inputs fail
    assert main(["extract", str(tmp_path / "nope.wav"), "-o", str(existing)]) == 1
    assert existing.read_text() == "precious\n"


def test_demo_sound_is_bundled(tmp_path):
    out = tmp_path / "demo.csv"
    assert main(["extract", "--demo", "-o", str(out)]) == 0
    assert len(pd.read_csv(out)) > 100


def test_warning_for_nan_samples(tmp_path, capsys):
    y = make_signal(22050, 1.0)
    y[100:110] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(path, y, 22050, subtype="FLOAT")
    assert main(["extract", str(path), "-o", str(tmp_path / "o.csv")]) == 0
    assert "warning:" in capsys.readouterr().err
    assert np.isfinite(pd.read_csv(tmp_path / "o.csv").to_numpy()).all()


def test_output_file_has_normal_permissions(wav, tmp_path):
    out = tmp_path / "perm.csv"
    assert main(["-q", "extract", str(wav), "-o", str(out)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    out.chmod(0o640)  # replacing a file keeps its permissions
    assert main(["-q", "extract", str(wav), "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o640
