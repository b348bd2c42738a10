"""onset_strength as a catalog feature: engine (two passes), CSV, Copy as Python."""

from __future__ import annotations

import csv
import subprocess
import sys

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.core.view_settings import ViewSettings
from sonolens.dsp.engine import extract_features
from sonolens.export.python_snippet import python_snippet
from tests.unit.signals import drum_loop, make_signal


def _assert_close(got: np.ndarray, want: np.ndarray) -> None:
    """1e-4 relative to the largest value (steady frames have ~0 strength)."""
    assert got.shape == want.shape
    assert float(np.abs(got - want).max()) <= 1e-4 * float(np.abs(want).max())


def _table(path, params: AnalysisParams, features=("onset_strength",), **kw):
    with open_source(path) as source:
        return run_to_end(extract_features(source, params, features, **kw))


@pytest.mark.parametrize(("sr", "n_fft", "hop"), [(22050, 2048, 512), (44100, 1024, 256),
                                                  (8000, 512, 128)])
def test_engine_equals_librosa_onset_strength(tmp_path, sr: int, n_fft: int, hop: int) -> None:
    y = drum_loop(128, sr, seconds=6.0).astype(np.float32) * 0.5
    path = tmp_path / "loop.wav"
    sf.write(path, y, sr, subtype="FLOAT")
    params = AnalysisParams(n_fft=n_fft, hop_length=hop)
    # small blocks: many block edges, the carried last row must join them
    table = _table(path, params, workers=2)
    want = librosa.onset.onset_strength(y=y, sr=sr, n_fft=n_fft, hop_length=hop)
    assert list(table.columns) == ["onset_strength"]
    _assert_close(table.columns["onset_strength"].astype(np.float64), want)


def test_with_other_features_and_speechlike_signal(tmp_path) -> None:
    sr = 16000
    y = make_signal(sr, 3.0)
    path = tmp_path / "s.wav"
    sf.write(path, y, sr, subtype="FLOAT")
    table = _table(path, AnalysisParams(), ("rms", "mfcc", "onset_strength"))
    names = list(table.columns)
    assert names[0] == "rms" and names[-1] == "onset_strength"
    _assert_close(table.columns["onset_strength"].astype(np.float64),
                  librosa.onset.onset_strength(y=y, sr=sr))


def test_silence_and_ten_ms(tmp_path) -> None:
    for seconds in (1.0, 0.01):
        path = tmp_path / f"{seconds}.wav"
        sf.write(path, np.zeros(int(8000 * seconds), dtype=np.float32), 8000, subtype="FLOAT")
        column = _table(path, AnalysisParams(n_fft=512, hop_length=128)).columns[
            "onset_strength"]
        assert len(column) == 1 + int(8000 * seconds) // 128 and not column.any()


def test_opt_in_csv_column(tmp_path) -> None:
    sr = 22050
    y = drum_loop(100, sr, seconds=3.0).astype(np.float32)
    wav = tmp_path / "a.wav"
    sf.write(wav, y, sr, subtype="FLOAT")
    assert "onset_strength" not in CATALOG.default_names
    default, chosen = tmp_path / "default.csv", tmp_path / "onset.csv"
    for out, extra in ((default, []), (chosen, ["--features", "rms,onset"])):
        run = subprocess.run([sys.executable, "-m", "sonolens", "extract", str(wav), "-o",
                              str(out), *extra], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
    assert "onset_strength" not in next(csv.reader(default.open()))
    rows = list(csv.reader(chosen.open()))
    assert rows[0] == ["time", "rms", "onset_strength"]
    values = np.array(rows[1:], dtype=np.float64).T[2]
    _assert_close(values, librosa.onset.onset_strength(y=y, sr=sr))


def test_copy_as_python_reproduces_it(tmp_path) -> None:
    sr = 22050
    y = drum_loop(120, sr, seconds=3.0).astype(np.float32)
    wav = tmp_path / "a.wav"
    sf.write(wav, y, sr, subtype="FLOAT")
    view = ViewSettings(lower_view="onsets", overlays=frozenset())
    script = python_snippet(wav, AnalysisParams(), view, native_sr=sr)
    assert "librosa.onset.onset_strength(" in script
    namespace: dict = {}
    exec(compile(script, "snippet.py", "exec"), namespace)
    ours = _table(wav, AnalysisParams()).columns["onset_strength"]
    theirs = np.asarray(namespace["features"]["onset_strength"], dtype=np.float64).ravel()
    _assert_close(ours.astype(np.float64), theirs)
    _assert_close(theirs, librosa.onset.onset_strength(y=y, sr=sr))
