"""Property-based tests (hypothesis): whatever bytes a file holds, opening it raises only
AudioError; any valid parameter set gives finite results of the right shapes; any invalid
one raises ParameterError naming the parameter.

Examples are bounded (~50 per property, short signals) so the suite stays fast.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sonolens.audio import open_source
from sonolens.core.catalog import CATALOG
from sonolens.core.errors import AudioError, ParameterError
from sonolens.core.features import FEATURES
from sonolens.core.params import (
    MAX_CONTRAST_BANDS,
    MAX_CQT_BINS,
    MAX_CQT_BINS_PER_OCTAVE,
    MAX_HOP_LENGTH,
    MAX_N_FFT,
    MAX_N_MELS,
    MAX_P,
    MAX_SR,
    WINDOWS,
    AnalysisParams,
)
from sonolens.core.progress import run_to_end
from sonolens.core.view_settings import SPECTROGRAM_KINDS
from sonolens.dsp.engine import extract_features
from sonolens.dsp.framing import frame_count
from sonolens.dsp.spectrogram import compute_spectrogram
from tests.unit.hostile import make

FAST = settings(max_examples=50, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aiff", ".bin")
_counter = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def good_files(scratch) -> dict[str, bytes]:
    """Small good files of each container, as bytes to damage."""
    data = make.rich(0.3, channels=2)
    made = {
        "wav": make.write(scratch / "g.wav", data, make.SR, subtype="PCM_16"),
        "wav-float": make.write(scratch / "gf.wav", data, make.SR, subtype="FLOAT"),
        "flac": make.write(scratch / "g.flac", data, make.SR, format="FLAC"),
        "mp3": make.write(scratch / "g.mp3", data, make.SR, format="MP3",
                          subtype="MPEG_LAYER_III"),
        "ogg": make.write(scratch / "g.ogg", data, make.SR, format="OGG", subtype="VORBIS"),
    }
    return {kind: path.read_bytes() for kind, path in made.items()}


def open_whatever(folder: Path, content: bytes, suffix: str) -> None:
    """Write ``content`` to a fresh file and open and read it; only AudioError may escape."""
    path = folder / f"case{next(_counter)}{suffix}"
    path.write_bytes(content)
    try:
        with open_source(path) as source:
            assert source.channels > 0 and source.samplerate > 0
            data = source.read_all()
            assert data.dtype == np.float32 and data.ndim == 2
            assert data.shape[1] == source.channels
            assert np.isfinite(data).all()
            head = source.read(0, 100)
            np.testing.assert_array_equal(head, data[:100])
    except AudioError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
    finally:
        path.unlink()


@FAST
@given(content=st.binary(min_size=1, max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_raise_only_audio_error(scratch, content, suffix):
    open_whatever(scratch, content, suffix)


@FAST
@given(kind=st.sampled_from(["wav", "wav-float", "flac", "mp3", "ogg"]),
       cut=st.floats(0.0, 1.0),
       flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8))
def test_damaged_good_files_raise_only_audio_error(scratch, good_files, kind, cut, flips):
    raw = bytearray(good_files[kind])
    for where, value in flips:
        raw[min(int(where * len(raw)), len(raw) - 1)] = value
    content = bytes(raw[: max(1, int(cut * len(raw)))])
    open_whatever(scratch, content, ".wav" if kind.startswith("wav") else f".{kind}")


# -- parameters ---------------------------------------------------------------------------------
NATIVE_SR = make.SR


@pytest.fixture(scope="module")
def stereo(scratch) -> Path:
    return make.write(scratch / "short.wav", make.rich(0.25, channels=2), NATIVE_SR,
                      subtype="FLOAT")


@st.composite
def valid_params(draw) -> AnalysisParams:
    sr = draw(st.sampled_from([None, 8000, 16000, 22050]))
    rate = sr or NATIVE_SR
    n_fft = draw(st.integers(4, 4096))
    fmin = draw(st.floats(0.0, rate / 2 * 0.9))
    fmax = draw(st.one_of(st.none(), st.floats(fmin + 1.0, rate / 2)))
    n_mels = draw(st.integers(1, 256))
    return AnalysisParams(
        sr=sr,
        channel=draw(st.sampled_from([None, 0, 1])),
        n_fft=n_fft,
        hop_length=draw(st.integers(16, 4096)),
        win_length=draw(st.one_of(st.none(), st.integers(1, n_fft))),
        window=draw(st.sampled_from(sorted(WINDOWS))),
        n_mels=n_mels,
        fmin=fmin,
        fmax=fmax,
        n_mfcc=draw(st.integers(1, n_mels)),
        roll_percent=draw(st.floats(0.01, 0.99)),
        p=draw(st.floats(0.5, 8.0)),
        contrast_fmin=draw(st.floats(20.0, 2000.0)),
        contrast_bands=draw(st.integers(1, 8)),
        top_db=draw(st.floats(0.0, 120.0)),
    ).validate()


@FAST
@given(params=valid_params(), kind=st.sampled_from(sorted(SPECTROGRAM_KINDS)))
def test_valid_parameters_give_finite_results_of_the_right_shape(stereo, params, kind):
    with open_source(stereo) as source:
        table = run_to_end(extract_features(source, params, workers=1))
        try:
            spectrogram = run_to_end(compute_spectrogram(source, params, kind, workers=1))
        except ParameterError as exc:  # cqt: a hop it cannot halve, bins past Nyquist
            assert kind == "cqt" and "\n" not in str(exc), exc
            spectrogram = None
        native = source.frames
    sr = params.sr or NATIVE_SR
    samples = native * sr / NATIVE_SR
    lengths = {frame_count(n, n_fft=params.n_fft, hop_length=params.hop_length)
               for n in (math.floor(samples), math.ceil(samples))}
    assert table.n_frames in lengths
    np.testing.assert_allclose(table.times, np.arange(table.n_frames) * params.hop_length / sr)
    expected = [c for f in FEATURES for c in CATALOG.columns(f, params)]
    assert table.names == expected
    empty = [name for name in table.names if np.isnan(table.columns[name]).all()]
    for name in table.names:
        values = table.columns[name]
        assert values.shape == (table.n_frames,), name
        assert name in empty or np.isfinite(values).all(), name
    # only contrast bands may be left empty, the top ones, and then a warning says so
    assert all(name.startswith("spectral_contrast_") for name in empty)
    if empty:
        last = int(empty[0].rsplit("_", 1)[1])
        assert empty == [f"spectral_contrast_{k}" for k in range(last, params.contrast_bands + 2)]
        notes = [w for w in table.warnings if w.startswith("spectral contrast:")]
        assert len(notes) == 1 and notes[0].startswith(f"spectral contrast: {len(empty)} band")
    if spectrogram is None:
        return
    assert spectrogram.n_frames == table.n_frames
    rows = {"mel_db": params.n_mels, "cqt": params.cqt_n_bins}.get(kind, params.n_fft // 2 + 1)
    assert spectrogram.values[: spectrogram.filled].shape == (table.n_frames, rows)
    assert np.isfinite(spectrogram.values[: spectrogram.filled]).all()


NOT_INT = st.one_of(st.floats(allow_nan=True), st.text(max_size=5), st.booleans(), st.none())
NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf, 10**400])
INVALID: dict[str, st.SearchStrategy] = {
    "n_fft": st.one_of(st.integers(max_value=3), st.integers(min_value=MAX_N_FFT + 1),
                       NOT_INT.filter(lambda v: v is not None)),
    "hop_length": st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_HOP_LENGTH + 1),
                            NOT_INT.filter(lambda v: v is not None)),
    "win_length": st.one_of(st.integers(max_value=0), st.integers(2049, 10**6)),
    "window": st.text(max_size=12).filter(lambda v: v not in WINDOWS),
    "sr": st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_SR + 1)),
    "channel": st.integers(max_value=-1),
    "n_mels": st.one_of(st.integers(max_value=0), st.integers(MAX_N_MELS + 1, 10**9)),
    "n_mfcc": st.one_of(st.integers(max_value=0), st.integers(129, 10**6)),
    "fmin": st.one_of(st.floats(max_value=-1e-9), NOT_FINITE),
    "fmax": st.one_of(st.floats(-1e9, 0.0), NOT_FINITE),
    "roll_percent": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0), NOT_FINITE),
    "p": st.one_of(st.floats(max_value=0.0), st.floats(min_value=MAX_P, exclude_min=True),
                   NOT_FINITE),
    "contrast_fmin": st.one_of(st.floats(max_value=0.0), NOT_FINITE),
    "contrast_bands": st.one_of(st.integers(max_value=0),
                                st.integers(min_value=MAX_CONTRAST_BANDS + 1)),
    "top_db": st.one_of(st.floats(max_value=-1e-9), NOT_FINITE),
    "cqt_fmin": st.one_of(st.floats(max_value=0.0), NOT_FINITE),
    "cqt_n_bins": st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_CQT_BINS + 1)),
    "cqt_bins_per_octave": st.one_of(st.integers(max_value=0),
                                     st.integers(min_value=MAX_CQT_BINS_PER_OCTAVE + 1)),
    "cqt_gamma": st.one_of(st.floats(max_value=-1e-9), NOT_FINITE),
}


@FAST
@given(data=st.data())
def test_invalid_parameters_raise_parameter_error_naming_it(stereo, data):
    name = data.draw(st.sampled_from(sorted(INVALID)))
    value = data.draw(INVALID[name])
    params = AnalysisParams(**{name: value})
    with pytest.raises(ParameterError, match=rf"^{name}="):
        params.validate()
    with open_source(stereo) as source, pytest.raises(ParameterError, match=rf"^{name}="):
        next(extract_features(source, params))


@FAST
@given(fmin=st.floats(NATIVE_SR / 2, 1e9), fmax=st.floats(NATIVE_SR / 2 + 1, 1e9))
def test_frequencies_past_nyquist_name_themselves(stereo, fmin, fmax):
    assume(fmax > NATIVE_SR / 2)
    with open_source(stereo) as source:
        with pytest.raises(ParameterError, match=r"^fmin=.*Nyquist"):
            next(extract_features(source, AnalysisParams(fmin=fmin)))
        with pytest.raises(ParameterError, match=r"^fmax=.*Nyquist"):
            next(extract_features(source, AnalysisParams(fmax=fmax)))
