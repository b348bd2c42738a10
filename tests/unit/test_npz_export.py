"""Spectrogram .npz export: np.load round trip equals librosa; cancel leaves nothing."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.errors import OutputError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.export.npz import export_spectrogram_npz
from tests.unit.signals import make_signal
from tests.unit.test_spectrogram import assert_matches, librosa_spectrogram


@pytest.fixture()
def audio(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "x.wav"
    sf.write(path, make_signal(22050, 3.0, seed=11), 22050, subtype="FLOAT")
    return path


def export(audio, params, kind, out):
    with open_source(audio) as source:
        return run_to_end(export_spectrogram_npz(source, params, kind, out))


@pytest.mark.parametrize(
    "kind,changes",
    [("magnitude", {}), ("db", {}), ("db", dict(n_fft=512, hop_length=128)),
     ("power", dict(window="hamming")), ("mel_db", dict(n_mels=64, fmax=8000.0))],
)
def test_round_trip_equals_librosa(audio, tmp_path, kind, changes):
    params = AnalysisParams(**changes)
    out = tmp_path / "spec.npz"
    assert export(audio, params, kind, out) == out
    ref, sr = librosa_spectrogram(audio, params, kind)
    with np.load(out) as data:
        assert set(data.files) == {"times", "freqs", "values", "kind", "unit", "sr",
                                   "hop_length", "params"}
        values = data["values"]
        assert values.dtype == np.float32 and values.shape == ref.shape
        assert_matches(values, ref, kind)
        if kind in ("magnitude", "db"):
            np.testing.assert_array_equal(values, ref)  # bit-identical FFT
        np.testing.assert_array_equal(
            data["times"], librosa.frames_to_time(np.arange(ref.shape[1]), sr=sr,
                                                  hop_length=params.hop_length))
        freqs = data["freqs"]
        assert freqs.shape == (ref.shape[0],)
        assert np.all(np.diff(freqs) > 0), "freqs must ascend with the rows"
        if kind == "mel_db":  # mel band centres: librosa's n_mels + 2 edges without the ends
            fmax = params.fmax if params.fmax is not None else sr / 2
            want = librosa.mel_frequencies(params.n_mels + 2, fmin=params.fmin, fmax=fmax)[1:-1]
        else:
            want = librosa.fft_frequencies(sr=sr, n_fft=params.n_fft)
        np.testing.assert_allclose(freqs, want, rtol=1e-9, atol=1e-9)
        if kind in ("db", "mel_db"):  # the window draws them re max: librosa's ref=np.max
            magnitude, _ = librosa_spectrogram(audio, params, "magnitude")
            if kind == "db":
                re_max = librosa.amplitude_to_db(magnitude, ref=np.max, top_db=None)
            else:
                mel = librosa.feature.melspectrogram(S=magnitude**2, sr=sr, n_fft=params.n_fft,
                                                     n_mels=params.n_mels, fmin=params.fmin,
                                                     fmax=params.fmax)
                re_max = librosa.power_to_db(mel, ref=np.max, top_db=None)
            np.testing.assert_allclose(values - values.max(), re_max, atol=1e-3, rtol=0)
        assert str(data["kind"]) == kind
        assert str(data["unit"]) == ("dB" if kind.endswith("db") else
                                     {"magnitude": "amplitude", "power": "power"}[kind])
        assert int(data["sr"]) == sr and int(data["hop_length"]) == params.hop_length
        assert json.loads(str(data["params"])) == params.as_dict()
    with zipfile.ZipFile(out) as archive:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "spec.npz"]


@pytest.mark.parametrize("kind", ["magnitude", "power", "db", "mel_db"])
def test_rows_are_the_frequencies_named(tmp_path, kind):
    """A tone's brightest row carries the tone's frequency in ``freqs`` (rows and freqs
    in the same order)."""
    sr, tones = 22050, (300.0, 1200.0, 5000.0)
    t = np.arange(sr) / sr
    audio = tmp_path / "tones.wav"
    sf.write(audio, sum(0.2 * np.sin(2 * np.pi * f * t) for f in tones).astype(np.float32), sr,
             subtype="FLOAT")
    out = tmp_path / "tones.npz"
    export(audio, AnalysisParams(), kind, out)
    with np.load(out) as data:
        freqs, profile = data["freqs"], data["values"][:, 20].astype(np.float64)
    brightest = []
    for _ in tones:
        k = int(np.argmax(profile))
        brightest.append(float(freqs[k]))
        profile[max(0, k - 5) : k + 6] = -np.inf
    rows_hz = np.sort(freqs)
    for hz, row_hz in zip(tones, sorted(brightest), strict=True):
        k = int(np.searchsorted(rows_hz, hz))
        spacing = rows_hz[k] - rows_hz[k - 1]
        assert abs(row_hz - hz) <= spacing, f"the {hz:g} Hz tone is brightest at {row_hz} Hz"


def test_streaming_handles_a_header_that_under_promises(audio, tmp_path):
    params = AnalysisParams(hop_length=256)
    out = tmp_path / "spec.npz"
    with open_source(audio) as source:
        source.info = replace(source.info, frames=500)  # the header under-promises
        run_to_end(export_spectrogram_npz(source, params, "magnitude", out))
    ref, _ = librosa_spectrogram(audio, params, "magnitude")
    with np.load(out) as data:
        np.testing.assert_array_equal(data["values"], ref)


@pytest.mark.parametrize("steps", [1, 3, 8])
def test_cancel_leaves_no_temp_files_and_keeps_old_file(audio, tmp_path, steps):
    out = tmp_path / "spec.npz"
    out.write_bytes(b"old")
    with open_source(audio) as source:
        job = export_spectrogram_npz(source, AnalysisParams(hop_length=32), "db", out)
        for _ in range(steps):
            progress = next(job)
            assert progress.done < progress.total
        job.close()
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "spec.npz"]


def test_cancel_while_writing_the_zip(audio, tmp_path):
    out = tmp_path / "spec.npz"
    with open_source(audio) as source:
        job = export_spectrogram_npz(source, AnalysisParams(), "magnitude", out)
        stages = [next(job).stage]
        while stages[-1] != "writing":
            stages.append(next(job).stage)
        job.close()
    assert "spectrogram" in stages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_missing_folder_is_an_output_error(audio, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        export(audio, AnalysisParams(), "db", tmp_path / "nope" / "spec.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
