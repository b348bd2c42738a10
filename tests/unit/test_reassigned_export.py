"""The reassigned kind's matrix export: np.load gives librosa.reassigned_spectrogram's
freqs, times and mags; cancelling leaves nothing behind."""

from __future__ import annotations

import json
import warnings

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.export.npz import export_spectrogram_npz
from tests.unit.signals import make_signal


@pytest.fixture()
def audio(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "x.wav"
    sf.write(path, make_signal(22050, 2.5, seed=5), 22050, subtype="FLOAT")
    return path


def reference(path, params: AnalysisParams):
    y, sr = librosa.load(path, sr=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return librosa.reassigned_spectrogram(
            y=y, sr=sr, n_fft=params.n_fft, hop_length=params.hop_length,
            win_length=params.win_length, window=params.window), sr


@pytest.mark.parametrize("changes", [{}, dict(n_fft=1024, hop_length=256, window="hamming"),
                                     dict(win_length=1536, hop_length=300)])
def test_round_trip_equals_librosa(audio, tmp_path, changes):
    params = AnalysisParams(**changes)
    out = tmp_path / "r.npz"
    with open_source(audio) as source:
        assert run_to_end(export_spectrogram_npz(source, params, "reassigned", out)) == out
    (freqs, times, mags), sr = reference(audio, params)
    with np.load(out) as data:
        assert set(data.files) == {"freqs", "times", "mags", "bin_freqs", "frame_times",
                                   "kind", "unit", "sr", "hop_length", "ref_power", "params"}
        for name, ref in (("freqs", freqs), ("times", times), ("mags", mags)):
            ours = data[name]
            assert ours.shape == ref.shape and ours.dtype == np.float32, name
            np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref), err_msg=name)
            finite = np.isfinite(ref)
            np.testing.assert_allclose(ours[finite], ref[finite], rtol=1e-4, atol=0,
                                       err_msg=name)
        assert np.isnan(data["freqs"]).any() and np.isfinite(data["freqs"]).mean() > 0.05
        np.testing.assert_array_equal(data["bin_freqs"], librosa.fft_frequencies(
            sr=sr, n_fft=params.n_fft))
        np.testing.assert_array_equal(data["frame_times"], librosa.frames_to_time(
            np.arange(mags.shape[1]), sr=sr, hop_length=params.hop_length))
        assert str(data["kind"]) == "reassigned" and int(data["sr"]) == sr
        assert float(data["ref_power"]) == 1e-6
        assert json.loads(str(data["params"])) == params.as_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "r.npz"]


def test_cancel_leaves_nothing(audio, tmp_path):
    out = tmp_path / "r.npz"
    with open_source(audio) as source:
        job = export_spectrogram_npz(source, AnalysisParams(hop_length=128), "reassigned", out)
        next(job)
        next(job)
        job.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_copy_as_python_reproduces_the_export(audio, tmp_path):
    """The snippet's librosa.reassigned_spectrogram gives the exported arrays."""
    from sonolens.core.view_settings import ViewSettings
    from sonolens.export.python_snippet import python_snippet

    params = AnalysisParams(n_fft=1024, hop_length=256, window="hamming")
    out = tmp_path / "r.npz"
    with open_source(audio) as source:
        run_to_end(export_spectrogram_npz(source, params, "reassigned", out))
    code = python_snippet(audio, params, ViewSettings(kind="reassigned"), native_sr=22050)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "snippet.py", "exec"), namespace)
    with np.load(out) as data:
        for name in ("freqs", "times", "mags"):
            snippet = namespace[f"{name}_r"]
            np.testing.assert_array_equal(np.isnan(data[name]), np.isnan(snippet))
            finite = np.isfinite(snippet)
            np.testing.assert_allclose(data[name][finite], snippet[finite], rtol=1e-4)
