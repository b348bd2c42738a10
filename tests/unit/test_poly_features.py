"""poly_features (order 1): the feature added through docs/extending.md, held to librosa."""

from __future__ import annotations

import csv
import subprocess
import sys

import librosa
import numpy as np
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.core.view_settings import ViewSettings
from sonolens.dsp.engine import extract_features
from sonolens.export.python_snippet import python_snippet
from tests.unit.signals import make_signal

COLUMNS = ("poly_features_slope", "poly_features_offset")


def _librosa_poly(y: np.ndarray, sr: int, params: AnalysisParams) -> np.ndarray:
    S = np.abs(librosa.stft(y, n_fft=params.n_fft, hop_length=params.hop_length))
    return librosa.feature.poly_features(S=S, sr=sr, order=1)


def _assert_close(got: np.ndarray, want: np.ndarray) -> None:
    """1e-4 relative to each row's largest value (silent frames have ~0 coefficients)."""
    assert got.shape == want.shape
    for row_got, row_want in zip(got, want, strict=True):
        scale = float(np.abs(row_want).max())
        assert float(np.abs(row_got - row_want).max()) <= 1e-4 * scale


def test_equals_librosa_poly_features(tmp_path):
    sr = 22050
    y = make_signal(sr, 1.5)
    path = tmp_path / "chirp.wav"
    sf.write(path, y, sr, subtype="FLOAT")
    for params in (AnalysisParams(), AnalysisParams(n_fft=1024, hop_length=256)):
        with open_source(path) as source:
            table = run_to_end(extract_features(source, params, ("poly_features",)))
        assert list(table.columns) == list(COLUMNS)
        got = np.stack([table.columns[name] for name in COLUMNS])
        _assert_close(got, _librosa_poly(y, sr, params))


def test_opt_in_only_default_columns_unchanged(tmp_path):
    """Not among the default columns; --features poly (alias) adds exactly its two."""
    sr = 22050
    y = make_signal(sr, 1.0)
    wav = tmp_path / "a.wav"
    sf.write(wav, y, sr, subtype="FLOAT")
    assert "poly_features" in CATALOG.names and "poly_features" not in CATALOG.default_names
    default, chosen = tmp_path / "default.csv", tmp_path / "poly.csv"
    for out, extra in ((default, []), (chosen, ["--features", "rms,poly"])):
        run = subprocess.run([sys.executable, "-m", "sonolens", "extract", str(wav), "-o",
                              str(out), *extra], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
    header = next(csv.reader(default.open()))
    assert not any(name.startswith("poly_features") for name in header)
    rows = list(csv.reader(chosen.open()))
    assert rows[0] == ["time", "rms", *COLUMNS]
    values = np.array(rows[1:], dtype=np.float64).T[2:]
    _assert_close(values, _librosa_poly(y, sr, AnalysisParams()))


def test_copy_as_python_reproduces_it(tmp_path):
    """The snippet of the poly lower view computes the same numbers with librosa."""
    sr = 16000
    y = make_signal(sr, 1.0)
    wav = tmp_path / "a.wav"
    sf.write(wav, y, sr, subtype="FLOAT")
    view = ViewSettings(lower_view="poly", overlays=frozenset())
    script = python_snippet(wav, AnalysisParams(), view, native_sr=sr)
    assert "librosa.feature.poly_features(S=S, sr=sr, order=1)" in script
    namespace: dict = {}
    exec(compile(script, "snippet.py", "exec"), namespace)
    with open_source(wav) as source:
        table = run_to_end(extract_features(source, AnalysisParams(), ("poly_features",)))
    ours = np.stack([table.columns[name] for name in COLUMNS])
    _assert_close(np.asarray(namespace["features"]["poly_features"]), ours)
