"""`sonolens dataset`: one row per file, statistics equal numpy's over librosa's frames."""

from __future__ import annotations

import csv
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import librosa
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.cli.main import main
from sonolens.core.features import PITCH_CLASSES
from tests.unit.signals import make_signal

APP = Path(__file__).resolve().parents[2] / "app"
TOLERANCE = 1e-4
GTZAN_HEADER = ("filename,chroma_stft,rmse,spectral_centroid,spectral_bandwidth,rolloff,"
                "zero_crossing_rate," + ",".join(f"mfcc{i}" for i in range(1, 21)) + ",label")


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(APP))
    return subprocess.run([sys.executable, "-m", "sonolens", *args], capture_output=True,
                          text=True, env=env, timeout=120, **kwargs)


def write(path: Path, y: np.ndarray, sr: int, subtype: str = "FLOAT") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, y, sr, subtype=subtype)
    return path


@pytest.fixture
def corpus(tmp_path) -> Path:
    """Two classes and one top-level file: 22050 Hz mono, 44100 Hz stereo, 16000 Hz."""
    root = tmp_path / "corpus"
    write(root / "blues" / "a.wav", make_signal(22050, 1.5, seed=1), 22050)
    stereo = np.stack([make_signal(44100, 1.2, seed=2), make_signal(44100, 1.2, seed=3)], 1)
    write(root / "rock" / "b.flac", stereo, 44100, "PCM_24")
    write(root / "loose.wav", make_signal(16000, 1.0, seed=4), 16000)
    return root


def librosa_frames(y: np.ndarray, sr: int, n_mfcc: int = 20) -> dict[str, np.ndarray]:
    """Every per-frame column of `sonolens extract`, computed by librosa (the tutorial way)."""
    f = librosa.feature
    out = {
        "rms": f.rms(y=y)[0], "zero_crossing_rate": f.zero_crossing_rate(y)[0],
        "spectral_centroid": f.spectral_centroid(y=y, sr=sr)[0],
        "spectral_bandwidth": f.spectral_bandwidth(y=y, sr=sr)[0],
        "spectral_rolloff": f.spectral_rolloff(y=y, sr=sr)[0],
        "spectral_flatness": f.spectral_flatness(y=y)[0],
    }
    contrast = f.spectral_contrast(y=y, sr=sr)
    out.update({f"spectral_contrast_{i + 1}": contrast[i] for i in range(len(contrast))})
    chroma = f.chroma_stft(y=y, sr=sr)
    out.update({f"chroma_{name}": chroma[i] for i, name in enumerate(PITCH_CLASSES)})
    mfcc = f.mfcc(y=y, sr=sr, n_mfcc=n_mfcc)
    out.update({f"mfcc_{i + 1}": mfcc[i] for i in range(n_mfcc)})
    return out


STATS = {"mean": np.mean, "std": np.std, "min": np.min, "max": np.max, "median": np.median}


def assert_row_matches(row: pd.Series, frames: dict[str, np.ndarray], stats: list[str]) -> None:
    """Each <column>_<stat> equals numpy's statistic of librosa's frames to 1e-4 of the
    column's scale (max |frame value|, the project's relative-error convention)."""
    worst = {}
    for column, values in frames.items():
        scale = max(float(np.abs(values).max()), 1e-12)
        for stat in stats:
            want = float(STATS[stat](values.astype(np.float64)))
            worst[f"{column}_{stat}"] = abs(float(row[f"{column}_{stat}"]) - want) / scale
    bad = {k: v for k, v in worst.items() if v > TOLERANCE}
    assert not bad, bad


def test_rows_equal_numpy_statistics_of_librosa_features(corpus, tmp_path, capsys):
    out = tmp_path / "table.csv"
    stats = ["mean", "std", "min", "max", "median"]
    assert main(["dataset", str(corpus), "-o", str(out), "--stats", ",".join(stats)]) == 0
    assert "wrote 3 rows" in capsys.readouterr().err
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table["filename"]) == ["blues/a.wav", "loose.wav", "rock/b.flac"]
    assert list(table["label"]) == ["blues", "", "rock"]
    for name in ("blues/a.wav", "rock/b.flac"):
        y, sr = librosa.load(corpus / name, sr=None)
        assert_row_matches(table.set_index("filename").loc[name], librosa_frames(y, sr), stats)


def test_columns_are_extracts_columns_times_statistics(corpus, tmp_path):
    per_frame = tmp_path / "frames.csv"
    assert main(["-q", "extract", str(corpus / "loose.wav"), "-o", str(per_frame),
                 "--features", "rms,centroid,mfcc", "--n-mfcc", "13"]) == 0
    rows = tmp_path / "rows.csv"
    assert main(["-q", "dataset", str(corpus), "-o", str(rows), "--features",
                 "rms,centroid,mfcc", "--n-mfcc", "13", "--stats", "max,mean"]) == 0
    frames = pd.read_csv(per_frame)
    header = pd.read_csv(rows).columns.tolist()
    columns = frames.columns[1:]  # extract's columns after `time`
    assert header == ["filename", "label", *[f"{c}_{s}" for c in columns for s in ("max", "mean")]]
    row = pd.read_csv(rows).set_index("filename").loc["loose.wav"]
    for column in columns:  # the statistics of extract's own frames, float32 as written
        assert row[f"{column}_max"] == pytest.approx(frames[column].max(), rel=1e-6)
        assert row[f"{column}_mean"] == pytest.approx(frames[column].mean(), rel=1e-5)


def test_offset_and_duration_cut_as_librosa_load(corpus, tmp_path):
    out = tmp_path / "cut.csv"
    assert main(["-q", "dataset", str(corpus), "-o", str(out), "--offset", "0.3",
                 "--duration", "0.7", "--sr", "22050", "--features", "rms,centroid,chroma,mfcc"
                 ]) == 0
    row = pd.read_csv(out).set_index("filename").loc["rock/b.flac"]
    y, sr = librosa.load(corpus / "rock" / "b.flac", sr=22050, offset=0.3, duration=0.7)
    frames = {k: v for k, v in librosa_frames(y, sr).items()
              if k in ("rms", "spectral_centroid") or k.startswith(("chroma_", "mfcc_"))}
    assert_row_matches(row, frames, ["mean", "std"])


def test_gtzan_layout_equals_the_tutorial_loop(tmp_path):
    """The tutorial: librosa.load(path, mono=True, duration=30) and the mean of each feature."""
    root = tmp_path / "genres"
    long_y = make_signal(8000, 31.0, seed=5)  # longer than 30 s: the cut matters
    write(root / "jazz" / "jazz.00000.wav", long_y, 8000, "PCM_16")
    stereo = np.stack([make_signal(44100, 2.0, seed=6), make_signal(44100, 2.0, seed=7)], 1)
    write(root / "metal" / "metal.00000.wav", stereo, 44100)
    out = tmp_path / "data.csv"
    assert main(["-q", "dataset", str(root), "-o", str(out), "--layout", "gtzan"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == GTZAN_HEADER
    table = pd.read_csv(out).set_index("filename")
    for name in ("jazz/jazz.00000.wav", "metal/metal.00000.wav"):
        y, sr = librosa.load(root / name, mono=True, duration=30)
        f = librosa.feature
        want = [np.mean(f.chroma_stft(y=y, sr=sr)), np.mean(f.rms(y=y)),
                np.mean(f.spectral_centroid(y=y, sr=sr)),
                np.mean(f.spectral_bandwidth(y=y, sr=sr)),
                np.mean(f.spectral_rolloff(y=y, sr=sr)), np.mean(f.zero_crossing_rate(y))]
        want += [np.mean(e) for e in f.mfcc(y=y, sr=sr)]
        got = table.loc[name].drop("label").to_numpy(dtype=np.float64)
        np.testing.assert_allclose(got, want, rtol=TOLERANCE)
        assert table.loc[name, "label"] == name.split("/")[0]
        if name.startswith("jazz"):
            assert sr == 22050 and len(y) == 30 * 22050  # the 31 s file was cut


def test_parallel_run_is_identical_and_bad_files_are_listed(corpus, tmp_path):
    (corpus / "rock" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 50)
    (corpus / "=cmd").mkdir()
    write(corpus / "=cmd" / "@evil.wav", make_signal(22050, 0.5, seed=8), 22050)
    serial, parallel = tmp_path / "serial.csv", tmp_path / "parallel.csv"
    first = run_cli("dataset", str(corpus), "-o", str(serial), "--features", "rms,mfcc")
    second = run_cli("dataset", str(corpus), "-o", str(parallel), "--features", "rms,mfcc",
                     "--jobs", "2")
    for result in (first, second):
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
        assert errors == [f"error: {corpus / 'rock' / 'broken.wav'}: not an audio file "
                          "(format not recognised)"], result.stderr
        assert "wrote 4 rows" in result.stderr and "1 file failed" in result.stderr
    assert serial.read_bytes() == parallel.read_bytes()
    with serial.open(newline="") as handle:
        cells = list(csv.reader(handle))
    assert [row[:2] for row in cells[1:]] == [
        ["'=cmd/@evil.wav", "'=cmd"], ["blues/a.wav", "blues"], ["loose.wav", ""],
        ["rock/b.flac", "rock"]]
    errors = pd.read_csv(tmp_path / "parallel.errors.csv")
    assert errors.to_dict("records") == [
        {"filename": "rock/broken.wav", "error": "not an audio file (format not recognised)"}]


def test_resume_keeps_existing_rows_and_adds_the_rest(corpus, tmp_path, capsys):
    out = tmp_path / "resume.csv"
    hidden = tmp_path / "later.wav"
    (corpus / "rock" / "b.flac").rename(hidden)
    assert main(["-q", "dataset", str(corpus), "-o", str(out), "--features", "rms"]) == 0
    # mark a kept row: resume must not recompute it
    text = out.read_text()
    first_value = text.splitlines()[1].split(",")[2]
    out.write_text(text.replace(first_value, "123.5", 1))
    hidden.rename(corpus / "rock" / "b.flac")
    assert main(["dataset", str(corpus), "-o", str(out), "--features", "rms", "--resume"]) == 0
    assert "wrote 3 rows (2 kept from before)" in capsys.readouterr().err
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table["filename"]) == ["blues/a.wav", "loose.wav", "rock/b.flac"]
    assert table.loc[0, "rms_mean"] == 123.5
    fresh = tmp_path / "fresh.csv"
    assert main(["-q", "dataset", str(corpus), "-o", str(fresh), "--features", "rms"]) == 0
    assert out.read_text().splitlines()[2:] == fresh.read_text().splitlines()[2:]
    # other columns: refuse to mix tables
    assert main(["dataset", str(corpus), "-o", str(out), "--resume"]) == 1
    assert "cannot resume" in capsys.readouterr().err
    assert table.equals(pd.read_csv(out, keep_default_na=False))


def test_stale_errors_file_is_removed_when_all_succeed(corpus, tmp_path):
    out = tmp_path / "t.csv"
    (tmp_path / "t.errors.csv").write_text("filename,error\nold.wav,gone\n")
    assert main(["-q", "dataset", str(corpus), "-o", str(out), "--features", "rms"]) == 0
    assert not (tmp_path / "t.errors.csv").exists()


@pytest.mark.parametrize("args,needle", [
    (["--stats", "mean,mode"], "stats: unknown statistic 'mode'"),
    (["--features", "formants"], "unknown feature 'formants'"),
    (["--layout", "gtzan", "--stats", "max"], "do not apply to --layout gtzan"),
    (["--duration", "0"], "duration=0 s must be positive"),
    (["--offset", "-1"], "offset=-1 s must be >= 0"),
    (["--jobs", "0"], "jobs=0 must be >= 1"),
])
def test_bad_options_are_usage_errors(corpus, tmp_path, args, needle):
    out = tmp_path / "never.csv"
    assert main(["dataset", str(corpus), "-o", str(out), *args]) == 2
    assert not out.exists()


@pytest.mark.parametrize("make_root,needle", [
    (lambda p: p / "missing", "folder not found"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "no audio files in this folder"),
    (lambda p: (p / "x.txt").write_text("hi") and p / "x.txt", "not a folder"),
])
def test_bad_folder_is_one_error_line(tmp_path, make_root, needle):
    root = make_root(tmp_path)
    result = run_cli("dataset", str(root), "-o", str(tmp_path / "o.csv"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {root}: {needle}"]


def test_offset_past_the_end_fails_that_file(corpus, tmp_path, capsys):
    out = tmp_path / "late.csv"
    assert main(["dataset", str(corpus), "-o", str(out), "--offset", "1.3",
                 "--features", "rms"]) == 1
    err = capsys.readouterr().err
    assert f"error: {corpus / 'loose.wav'}: offset 1.3 s lies past the end" in err
    assert list(pd.read_csv(out)["filename"]) == ["blues/a.wav"]


def test_progress_bar_on_a_terminal_and_quiet_silences_it(corpus, tmp_path):
    def stderr_on_a_tty(*args: str) -> str:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        proc = subprocess.Popen([sys.executable, "-m", "sonolens", *args],
                                env=dict(os.environ, PYTHONPATH=str(APP)),
                                stdout=subprocess.DEVNULL, stderr=follower)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=120) == 0
        os.close(leader)
        return b"".join(chunks).decode(errors="replace")

    shown = stderr_on_a_tty("dataset", str(corpus), "-o", str(tmp_path / "a.csv"),
                            "--features", "rms")
    assert "dataset: 100%" in shown and "3/3 files" in shown
    quiet = stderr_on_a_tty("-q", "dataset", str(corpus), "-o", str(tmp_path / "b.csv"),
                            "--features", "rms")
    assert quiet == ""


def test_dataset_never_loads_qt(corpus, tmp_path):
    code = (
        "import sys; from sonolens.cli.main import main;"
        f"rc = main(['-q', 'dataset', {str(corpus)!r}, '-o', {str(tmp_path / 'q.csv')!r},"
        " '--features', 'rms']);"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'superqt'))];"
        "print(bad); sys.exit(rc or (1 if bad else 0))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(APP)), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_names_the_command_and_window_mode_still_opens_files(tmp_path, capsys):
    from sonolens.cli.main import SUBCOMMANDS

    assert "dataset" in SUBCOMMANDS
    with pytest.raises(SystemExit) as stop:
        main(["dataset", "--help"])
    assert stop.value.code == 0
    assert "--layout" in capsys.readouterr().out
    # a path as first argument still means the window (which checks the file first)
    assert main(["no-such-dataset.wav", "--screenshot", str(tmp_path / "s.png")]) == 1
    assert "no-such-dataset.wav: file not found" in capsys.readouterr().err


def test_a_cancelled_run_keeps_finished_rows_and_resume_finishes(corpus, tmp_path):
    from sonolens.export.dataset_batch import FILE_UNITS, make_dataset
    from sonolens.export.dataset_table import DatasetSpec

    out = tmp_path / "partial.csv"
    spec = DatasetSpec(features=("rms",))
    job = make_dataset(corpus, out, spec)
    while next(job).done < FILE_UNITS:  # until the first file is finished
        pass
    job.close()  # what Cancel and Ctrl+C do
    assert pd.read_csv(out)["filename"].tolist() == ["blues/a.wav"]
    job = make_dataset(corpus, out, spec, resume=True)
    with pytest.raises(StopIteration) as stop:
        while True:
            next(job)
    run = stop.value.value
    assert (run.kept, run.analysed, run.rows) == (1, 2, 3)
    assert pd.read_csv(out)["filename"].tolist() == ["blues/a.wav", "loose.wav", "rock/b.flac"]
