"""Frequency scales, the display row map and axis labels."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.filterbanks import fft_frequencies, mel_frequencies
from sonolens.dsp.scales import FrequencyScale, RowMap, format_hz
from sonolens.dsp.spectrogram import compute_spectrogram


def row_centres_hz(rows: RowMap) -> np.ndarray:
    """Frequency (Hz, float64) at the centre of each display row (n_rows,)."""
    a0, a1 = rows.scale.axis_range
    d = (a1 - a0) / rows.n_rows
    return rows.scale.from_axis(a0 + (np.arange(rows.n_rows) + 0.5) * d)


@pytest.mark.parametrize("kind", ["linear", "log", "mel"])
def test_axis_round_trip(kind):
    scale = FrequencyScale.for_view(kind, sr=22050, n_fft=2048)
    hz = np.array([scale.fmin, 50.0, 440.0, 999.0, 1000.0, 1001.0, 5000.0, 11025.0])
    hz = hz[hz >= scale.fmin]
    np.testing.assert_allclose(scale.from_axis(scale.to_axis(hz)), hz, rtol=1e-12)
    assert scale.axis_range == (float(scale.to_axis(scale.fmin)), float(scale.to_axis(11025.0)))
    assert scale.to_axis(hz).dtype == np.float64


def test_for_view_bounds():
    assert FrequencyScale.for_view("linear", sr=22050, n_fft=2048) == FrequencyScale(
        "linear", 0.0, 11025.0)
    log = FrequencyScale.for_view("log", sr=22050, n_fft=2048)
    assert log.fmin == pytest.approx(22050 / 2048) and log.fmax == 11025.0
    assert FrequencyScale.for_view("log", sr=22050, n_fft=2048, fmin=100.0).fmin == 100.0
    assert FrequencyScale.for_view("mel", sr=16000, n_fft=512, fmax=4000.0).fmax == 4000.0
    with pytest.raises(ValueError):
        FrequencyScale("log", 0.0, 100.0)
    with pytest.raises(ValueError):
        FrequencyScale("bark", 0.0, 100.0)


def test_log_axis_never_infinite():
    scale = FrequencyScale.for_view("log", sr=22050, n_fft=2048)
    assert np.isfinite(scale.to_axis(np.array([0.0, -1.0, 1e-30]))).all()
    freqs = fft_frequencies(sr=22050, n_fft=2048)
    rows = RowMap.build(freqs, scale, 400)
    values = np.random.default_rng(0).random((len(freqs), 5)).astype(np.float32)
    out = rows.apply(values)
    assert np.isfinite(out).all()
    assert np.isfinite(row_centres_hz(rows)).all()


def reference_rows(freqs, scale, n_rows, values):
    """Loop version of the RowMap contract."""
    a0, a1 = scale.axis_range
    d = (a1 - a0) / n_rows
    inside = (freqs >= scale.fmin) & (freqs <= scale.fmax)
    pos = scale.to_axis(freqs)
    out = np.empty((n_rows, values.shape[1]), dtype=np.float32)
    for j in range(n_rows):
        lo, hi = a0 + j * d, a0 + (j + 1) * d
        members = inside & (pos >= lo) & ((pos < hi) | ((j == n_rows - 1) & (pos <= a1)))
        if members.any():
            out[j] = values[members].max(axis=0)
        else:
            candidates = np.flatnonzero(inside)
            centre = a0 + (j + 0.5) * d
            out[j] = values[candidates[np.argmin(np.abs(pos[candidates] - centre))]]
    return out


@pytest.mark.parametrize("kind", ["linear", "log", "mel"])
@pytest.mark.parametrize("n_rows", [1, 37, 300, 2000])
@pytest.mark.parametrize("bounds", [(0.0, None), (100.0, 5000.0)])
def test_row_map_equals_loop_reference(kind, n_rows, bounds):
    fmin, fmax = bounds
    freqs = fft_frequencies(sr=22050, n_fft=1024)
    scale = FrequencyScale.for_view(kind, sr=22050, n_fft=1024, fmin=fmin, fmax=fmax)
    values = np.random.default_rng(n_rows).random((len(freqs), 9)).astype(np.float32)
    out = RowMap.build(freqs, scale, n_rows).apply(values)
    assert out.shape == (n_rows, 9) and out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, reference_rows(freqs, scale, n_rows, values))


def test_row_centres():
    scale = FrequencyScale("linear", 0.0, 1000.0)
    rows = RowMap.build(np.linspace(0, 1000, 11), scale, 4)
    np.testing.assert_allclose(row_centres_hz(rows), [125, 375, 625, 875])
    log = FrequencyScale("log", 10.0, 1000.0)
    np.testing.assert_allclose(row_centres_hz(RowMap.build(np.linspace(0, 1000, 11), log, 2)),
                               [10**1.5, 10**2.5])


@pytest.mark.parametrize("scale_kind", ["linear", "log", "mel"])
@pytest.mark.parametrize("kind", ["magnitude", "db", "mel_db"])
def test_1khz_sine_lands_on_1khz_row(tmp_path, scale_kind, kind):
    sr, n_fft = 16000, 2048  # 1 kHz is exactly bin 128
    t = np.arange(sr * 2) / sr
    path = tmp_path / "sine.wav"
    sf.write(path, (0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32), sr,
             subtype="FLOAT")
    with open_source(path) as source:
        spec = run_to_end(compute_spectrogram(source, AnalysisParams(n_fft=n_fft), kind))
    scale = FrequencyScale.for_view(scale_kind, sr=sr, n_fft=n_fft)
    n_rows = 300
    rows = RowMap.build(spec.freqs, scale, n_rows)
    image = rows.apply(np.ascontiguousarray(spec.values[: spec.filled].T))
    strongest = int(np.argmax(image.mean(axis=1)))
    a0, a1 = scale.axis_range
    half_row = (a1 - a0) / n_rows / 2
    error = abs(float(scale.to_axis(row_centres_hz(rows)[strongest]) - scale.to_axis(1000.0)))
    if kind == "mel_db":  # the band centres are ~1 band apart around 1 kHz
        centres = mel_frequencies(130, fmin=0.0, fmax=sr / 2)[1:-1]
        band = np.diff(scale.to_axis(centres))[np.searchsorted(centres, 1000.0)]
        assert error <= half_row + band
    else:
        assert error <= half_row + 1e-9


@pytest.mark.parametrize(
    "hz,text",
    [(0, "0"), (0.0, "0"), (62.5, "62.5"), (500, "500"), (999, "999"), (1000, "1k"),
     (2500, "2.5k"), (10000, "10k"), (12345, "12.35k"), (11025, "11.03k"), (100.04, "100")],
)
def test_format_hz(hz, text):
    assert format_hz(hz) == text
