"""`sonolens compare A B -o OUT.csv`: the offset found, the aligned rows, and every column
equal to librosa's on the aligned signals (B moved by the offset at its own rate, then
resampled to A's rate as librosa.load(sr=...) does)."""

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

from tests.unit.test_align import SR, melody, sox

pytestmark = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
FEATURES = "rms,spectral_centroid,spectral_flatness,mfcc"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "app"))
    return subprocess.run([sys.executable, "-m", "sonolens", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("compare") / "a.wav"
    sf.write(path, melody(8.0, seed=5), SR, subtype="PCM_16")
    return path


def printed_offset(stdout: str) -> float:
    line = next(line for line in stdout.splitlines() if line.startswith("offset: "))
    return float(line.split()[1])


def librosa_features(y: np.ndarray, sr: int) -> dict[str, np.ndarray]:
    return {
        "rms": librosa.feature.rms(y=y)[0],
        "spectral_centroid": librosa.feature.spectral_centroid(y=y, sr=sr)[0],
        "spectral_flatness": librosa.feature.spectral_flatness(y=y)[0],
        **{f"mfcc_{k + 1}": row for k, row in enumerate(librosa.feature.mfcc(y=y, sr=sr))},
    }


def aligned_b(path: Path, offset: float, sr_a: int) -> np.ndarray:
    y, sr = librosa.load(path, sr=None)  # mono mix at its own rate
    shift = round(offset * sr)
    y = y[shift:] if shift >= 0 else np.concatenate((np.zeros(-shift, np.float32), y))
    if sr != sr_a:
        y = librosa.resample(y, orig_sr=sr, target_sr=sr_a, res_type="soxr_hq")
    return y


@pytest.mark.parametrize(("effect", "expected"), [
    (("-r", "44100", "-c", "2", "{b}", "pad", "0.3"), 0.3),  # delayed, resampled, stereo
    (("{b}", "trim", "1.25"), -1.25),  # B starts 1.25 s into A
])
def test_compare_rows_equal_librosa_on_the_aligned_signals(original, tmp_path, effect,
                                                           expected):
    b = tmp_path / "b.flac"
    sox(original, *[str(b) if part == "{b}" else part for part in effect])
    out = tmp_path / "c.csv"
    result = run_cli("compare", original, b, "-o", out, "--features", FEATURES)
    assert result.returncode == 0, result.stderr
    offset = printed_offset(result.stdout)
    assert offset == pytest.approx(expected, abs=0.002)
    assert "confidence: " in result.stdout
    table = pd.read_csv(out)
    y_a, sr_a = librosa.load(original, sr=None)
    y_b = aligned_b(b, offset, sr_a)
    ours_a, ours_b = librosa_features(y_a, sr_a), librosa_features(y_b, sr_a)
    times = librosa.times_like(ours_a["rms"], sr=sr_a)
    start, end = max(0.0, -offset), min(len(y_a) / sr_a, sf.info(b).duration - offset)
    rows = np.flatnonzero((times >= start - 1e-9) & (times <= end + 1e-9))
    rows = rows[rows < min(len(times), len(ours_b["rms"]))]
    np.testing.assert_allclose(table["time"], times[rows])
    for name in ours_a:
        a, bb = ours_a[name][rows], ours_b[name][rows]
        scale = max(np.abs(a).max(), np.abs(bb).max())
        # the project's 1e-4 contract: relative to the column's scale (max |librosa|)
        np.testing.assert_allclose(table[f"{name}_a"], a, rtol=0, atol=1e-4 * scale)
        np.testing.assert_allclose(table[f"{name}_b"], bb, rtol=0, atol=1e-4 * scale)
        np.testing.assert_allclose(table[f"{name}_diff"], bb - a, rtol=0, atol=2e-4 * scale)
    assert list(table.columns[:4]) == ["time", "rms_a", "rms_b", "rms_diff"]


def test_given_offset_skips_the_search(original, tmp_path):
    b = tmp_path / "b.wav"
    sox(original, b, "pad", "0.5")
    out = tmp_path / "c.csv"
    result = run_cli("compare", original, b, "-o", out, "--offset", "0.5",
                     "--features", "rms")
    assert result.returncode == 0, result.stderr
    assert printed_offset(result.stdout) == 0.5
    assert "confidence" not in result.stdout
    table = pd.read_csv(out)
    np.testing.assert_allclose(table["rms_diff"], 0, atol=2e-4)  # the same audio, aligned


def test_unrelated_files_are_refused_with_the_confidence(original, tmp_path):
    other = tmp_path / "other.wav"
    sf.write(other, melody(8.0, seed=77), SR, subtype="PCM_16")
    out = tmp_path / "c.csv"
    result = run_cli("compare", original, other, "-o", out)
    assert result.returncode == 1
    assert "confidence: " in result.stdout
    assert result.stderr.startswith("error: ") and "share no audio" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_compare_never_writes_over_an_input(original, tmp_path):
    copy = tmp_path / "b.csv"
    copy.write_bytes(b"time\n0\n")
    result = run_cli("compare", original, copy, "-o", copy)
    assert result.returncode == 2
    assert copy.read_bytes() == b"time\n0\n"


def test_summary_agrees_with_the_rows_written(original, tmp_path):
    b = tmp_path / "b.wav"
    sox("-D", original, b, "pad", "0.2", "vol", "0.5")  # 6 dB quieter (no dither)
    out = tmp_path / "c.csv"
    result = run_cli("compare", original, b, "-o", out, "--features", "rms,spectral_centroid",
                     "--summary")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = lines.index("column,mean_a,mean_b,mean_diff,correlation")
    rows = {line.split(",")[0]: [float(v) for v in line.split(",")[1:]]
            for line in lines[header + 1 : header + 3]}
    table = pd.read_csv(out)
    for name in ("rms", "spectral_centroid"):
        a, bb = table[f"{name}_a"], table[f"{name}_b"]
        want = [a.mean(), bb.mean(), (bb - a).mean(), np.corrcoef(a, bb)[0, 1]]
        np.testing.assert_allclose(rows[name], want, rtol=1e-5)
    assert rows["rms"][1] / rows["rms"][0] == pytest.approx(0.5, rel=0.01)
    distance = float(lines[-1].removeprefix("log-spectral distance: ").removesuffix(" dB"))
    assert 4.0 < distance < 8.0  # ~6 dB everywhere but the silences
