"""Copy as Python: the snippet runs and reproduces the window's arrays to 1e-4."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.core.view_settings import ViewSettings
from sonolens.export.python_snippet import SPECTROGRAM_VARIABLES, python_snippet, shown_features
from sonolens.workers.jobs import analysis_job
from tests.unit.signals import make_signal
from tests.unit.snippet_check import assert_same, shown_arrays, snippet_arrays


def window_arrays(path: Path, params: AnalysisParams, view: ViewSettings,
                  selection: tuple[float, float] | None = None) -> dict[str, np.ndarray]:
    """What the window shows, from the job the window runs (features + display spectrogram)."""
    with open_source(path) as source:
        table, spec, _ = run_to_end(analysis_job(source, params, view.kind))
    return shown_arrays(table, spec, params, view, selection)


def write(path: Path, y: np.ndarray, sr: int, subtype: str = "FLOAT") -> Path:
    sf.write(path, y, sr, subtype=subtype)
    return path


def stereo(sr: int, seconds: float) -> np.ndarray:
    left = make_signal(sr, seconds, seed=3)
    right = np.roll(make_signal(sr, seconds, seed=4), 1000) * 0.5
    return np.stack([left, right], axis=1)


CASES = {
    "defaults": (22050, 1, {}, {}, None),
    "mel-custom": (22050, 1, dict(n_mels=64, fmax=6000.0, n_mfcc=13),
                   dict(kind="mel_db", lower_view="mfcc", db_range=60.0,
                        overlays=frozenset({"spectral_rolloff", "spectral_bandwidth"})), None),
    "channel-1-of-stereo": (44100, 2, dict(channel=1), dict(kind="power", lower_view="chroma"),
                            None),
    "selection-and-band": (22050, 2, dict(fmin=100.0, fmax=5000.0, p=3.0, roll_percent=0.5),
                           dict(kind="magnitude", lower_view="contrast",
                                overlays=frozenset({"spectral_bandwidth"})), (0.8, 2.1)),
    "resampled": (44100, 1, dict(sr=16000, window="hamming", win_length=1024, hop_length=256),
                  dict(freq_scale="log", overlays=frozenset({"spectral_centroid",
                                                             "spectral_rolloff"})), None),
    "8k-contrast-past-nyquist": (8000, 1, dict(window="rectangular"),
                                 dict(lower_view="contrast"), (0.5, 1.5)),
    "cqt": (22050, 1, {}, dict(kind="cqt"), None),
    "vqt-custom-selection": (44100, 2, dict(cqt_gamma=10.0, cqt_bins_per_octave=24,
                                            cqt_n_bins=150, cqt_fmin=40.0, hop_length=256),
                             dict(kind="cqt", db_range=60.0), (0.4, 1.9)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_snippet_reproduces_the_window(tmp_path, case):
    sr, channels, param_changes, view_changes, selection = CASES[case]
    y = make_signal(sr, 2.5, seed=1) if channels == 1 else stereo(sr, 2.5)
    path = write(tmp_path / "in put's.wav", y, sr, "PCM_16" if channels == 2 else "FLOAT")
    params = AnalysisParams(**param_changes).validate()
    view = ViewSettings(**view_changes).validate()
    code = python_snippet(path, params, view, native_sr=sr, selection=selection)
    namespace: dict = {}
    exec(compile(code, "snippet", "exec"), namespace)
    assert_same(window_arrays(path, params, view, selection), snippet_arrays(namespace, view.kind))
    if selection is not None:
        assert namespace["times"].min() >= selection[0]
        assert namespace["times"].max() <= selection[1]


def test_snippet_runs_as_a_script(tmp_path):
    """A standalone `python snippet.py` (fresh interpreter, no Sonolens) gives the same."""
    path = write(tmp_path / "tone.flac", stereo(22050, 2.0), 22050, "PCM_16")
    params = AnalysisParams(channel=0, n_fft=1024, hop_length=300)
    view = ViewSettings(kind="mel_db", lower_view="mfcc")
    code = python_snippet(path, params, view, native_sr=22050, selection=(0.25, 1.5))
    out = tmp_path / "arrays.npz"
    harness = (f"\nnp.savez({str(out)!r}, times=times, freqs=freqs, "
               f"spectrogram={SPECTROGRAM_VARIABLES[view.kind]}, **features)\n")
    script = tmp_path / "snippet.py"
    script.write_text(code + harness)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
                            timeout=300)
    assert result.returncode == 0, result.stderr
    with np.load(out) as saved:
        theirs = {name: saved[name] for name in saved.files}
    assert_same(window_arrays(path, params, view, (0.25, 1.5)), theirs)


def test_m4a_snippet_decodes_with_pyav(tmp_path):
    """Files libsndfile cannot read: the snippet decodes them as Sonolens does (PyAV)."""
    av = pytest.importorskip("av")
    sr = 22050
    y = make_signal(sr, 2.0, seed=5)
    path = tmp_path / "clip.m4a"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=sr, layout="mono")
        for start in range(0, len(y), 1024):
            frame = av.AudioFrame.from_ndarray(y[np.newaxis, start:start + 1024],
                                               format="flt", layout="mono")
            frame.sample_rate = sr
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with open_source(path) as source:
        backend = source.backend
    assert backend == "pyav"
    params, view = AnalysisParams(), ViewSettings()
    code = python_snippet(path, params, view, native_sr=sr, backend=backend)
    namespace: dict = {}
    exec(compile(code, "snippet", "exec"), namespace)
    assert_same(window_arrays(path, params, view), snippet_arrays(namespace, view.kind))


def test_shown_features_follow_the_view():
    assert shown_features(ViewSettings()) == (
        "rms", "zero_crossing_rate", "spectral_centroid", "spectral_flatness")
    view = ViewSettings(overlays=frozenset({"spectral_bandwidth"}), lower_view="chroma")
    assert shown_features(view) == ("spectral_centroid", "spectral_bandwidth", "chroma")


def test_snippet_states_every_parameter_it_uses():
    params = AnalysisParams(n_fft=1024, hop_length=256, win_length=800, window="blackman",
                            n_mels=40, fmin=30.0, fmax=7000.0, n_mfcc=12, sr=16000, channel=2)
    view = ViewSettings(lower_view="mfcc", overlays=frozenset({"spectral_rolloff"}))
    code = python_snippet("/data/a.wav", params, view, native_sr=44100)
    for line in ("n_fft = 1024", "hop_length = 256", "win_length = 800", "window = 'blackman'",
                 "n_mels = 40", "fmin = 30.0", "fmax = 7000.0", "n_mfcc = 12",
                 "roll_percent = 0.85", "target_sr=16000", "y[:, 2]", "path = '/data/a.wav'"):
        assert line in code, line
    compile(code, "snippet", "exec")
