"""Selection exports: WAV (float / 16-bit) and the Audacity-style spectrum text file."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sonolens.core.errors import OutputError, ParameterError
from sonolens.dsp.spectrum import magnitude_spectrum
from sonolens.export.spectrum_text import write_spectrum_text
from sonolens.export.wav import to_pcm16
from tests.unit.streamed import write_wav


@pytest.fixture()
def stereo():
    rng = np.random.default_rng(0)
    return rng.uniform(-1.0, 1.0, (20000, 2)).astype(np.float32)


def test_float_wav_round_trip_is_exact(tmp_path, stereo):
    path = tmp_path / "sel.wav"
    write_wav(path, stereo, 44100)
    data, sr = sf.read(path, dtype="float32", always_2d=True)
    assert sr == 44100 and sf.info(path).subtype == "FLOAT" and sf.info(path).format == "WAV"
    np.testing.assert_array_equal(data, stereo)
    assert [p.name for p in tmp_path.iterdir()] == ["sel.wav"]  # no temp file left


def test_pcm16_round_trip_and_clipping(tmp_path, stereo):
    samples = stereo.copy()
    samples[:6, 0] = [1.0, 1.5, -1.0, -1.7, 0.99999, np.nan]  # must clip, never wrap
    path = tmp_path / "sel16.wav"
    write_wav(path, samples, 22050, subtype="PCM_16")
    assert sf.info(path).subtype == "PCM_16"
    data, _ = sf.read(path, dtype="float32", always_2d=True)
    expected = np.clip(np.nan_to_num(samples), -1.0, 32767 / 32768)
    assert np.max(np.abs(data - expected)) <= 1 / 32768
    np.testing.assert_array_equal(data[:6, 0] * 32768, [32767, 32767, -32768, -32768, 32767, 0])
    raw, _ = sf.read(path, dtype="int16", always_2d=True)
    np.testing.assert_array_equal(raw, to_pcm16(samples))


def test_mono_one_dimensional(tmp_path):
    y = np.linspace(-0.5, 0.5, 1000, dtype=np.float32)
    write_wav(tmp_path / "m.wav", y, 8000)
    data, _ = sf.read(tmp_path / "m.wav", dtype="float32")
    np.testing.assert_array_equal(data, y)


def test_failing_write_leaves_existing_file_intact(tmp_path, stereo, monkeypatch):
    path = tmp_path / "keep.wav"
    path.write_bytes(b"old contents")
    with pytest.raises(OutputError, match="does not exist"):
        write_wav(tmp_path / "missing" / "x.wav", stereo, 44100)

    def fail(self, data):
        raise sf.LibsndfileError(0, prefix="Error writing: ")  # e.g. disk full

    monkeypatch.setattr(sf.SoundFile, "write", fail)
    with pytest.raises(OutputError, match=r"keep\.wav: write failed"):
        write_wav(path, stereo, 44100)
    assert path.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.wav"]


def test_bad_wav_arguments(tmp_path, stereo):
    with pytest.raises(ParameterError, match="subtype='PCM_24'"):
        write_wav(tmp_path / "x.wav", stereo, 44100, subtype="PCM_24")
    with pytest.raises(ParameterError, match="sr=0"):
        write_wav(tmp_path / "x.wav", stereo, 0)
    assert not os.listdir(tmp_path)


def test_spectrum_text_reads_back_with_pandas(tmp_path):
    sr = 44100
    t = np.arange(30000) / sr
    y = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    spectrum = magnitude_spectrum(y, sr)
    path = tmp_path / "spectrum.txt"
    write_spectrum_text(path, spectrum)
    lines = path.read_text().splitlines()
    assert lines[0] == "Frequency (Hz)\tLevel (dB)"
    assert len(lines) == 1 + len(spectrum.freqs) == 1 + 32768 // 2 + 1  # every bin
    table = pd.read_csv(path, sep="\t")
    assert list(table.columns) == ["Frequency (Hz)", "Level (dB)"]
    np.testing.assert_allclose(table["Frequency (Hz)"], spectrum.freqs, rtol=0, atol=5e-7 + 1e-9)
    np.testing.assert_allclose(table["Level (dB)"], spectrum.level_db, rtol=0, atol=5e-7 + 1e-9)


def test_spectrum_text_failure_keeps_old_file(tmp_path):
    spectrum = magnitude_spectrum(np.zeros(10, np.float32), 8000)
    with pytest.raises(OutputError):
        write_spectrum_text(tmp_path / "no" / "s.txt", spectrum)


def test_selection_job_streams_the_range_and_a_cancel_leaves_no_file(tmp_path):
    from sonolens.audio import open_source
    from sonolens.workers.export_jobs import selection_wav_job

    rng = np.random.default_rng(3)
    data = (rng.standard_normal((700_000, 2)) * 0.2).astype(np.float32)
    source_path = tmp_path / "long.wav"
    sf.write(source_path, data, 44100, subtype="FLOAT")
    target = tmp_path / "sel.wav"
    with open_source(source_path) as source:
        job = selection_wav_job(source, 1000, 650_000, target, "FLOAT")
        steps = 0
        with pytest.raises(StopIteration):
            while True:
                next(job)
                steps += 1
        assert steps >= 2  # written in blocks, with progress
        written, sr = sf.read(target, dtype="float32")
        assert sr == 44100
        np.testing.assert_array_equal(written, data[1000:650_000])

        target.unlink()
        job = selection_wav_job(source, 0, 700_000, target, "PCM_16")
        next(job)
        job.close()  # cancelled after the first block
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.wav"]
