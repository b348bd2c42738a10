"""Display spectrograms equal librosa; pooling, image geometry, progress and cancel."""

from __future__ import annotations

import math
import threading
from dataclasses import replace
from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.core.view_settings import SPECTROGRAM_KINDS
from sonolens.dsp.spectrogram import SPECTROGRAM_UNITS, compute_spectrogram, pooling_factor
from tests.unit.signals import make_signal

KINDS = tuple(SPECTROGRAM_KINDS)


def librosa_spectrogram(path: Path, p: AnalysisParams, kind: str) -> tuple[np.ndarray, int]:
    """(n_rows, n_frames) reference, librosa's own functions on librosa.load's y."""
    y, sr = librosa.load(path, sr=p.sr, mono=p.channel is None)
    if p.channel is not None:
        y = y[p.channel]
    window = "boxcar" if p.window == "rectangular" else p.window
    magnitude = np.abs(librosa.stft(y, n_fft=p.n_fft, hop_length=p.hop_length,
                                    win_length=p.win_length, window=window, center=True))
    power = magnitude**2
    if kind == "magnitude":
        return magnitude, sr
    if kind == "power":
        return power, sr
    if kind in ("db", "reassigned"):  # reassigned: its stored columns are the plain dB
        return librosa.amplitude_to_db(magnitude, ref=1.0, amin=1e-5, top_db=None), sr
    if kind == "cqt":
        cqt = np.abs(librosa.vqt(y, sr=sr, hop_length=p.hop_length, fmin=p.cqt_fmin,
                                 n_bins=p.cqt_n_bins, bins_per_octave=p.cqt_bins_per_octave,
                                 gamma=p.cqt_gamma, res_type="soxr_hq"))
        return librosa.amplitude_to_db(cqt, ref=1.0, amin=1e-5, top_db=None), sr
    mel = librosa.feature.melspectrogram(S=power, sr=sr, n_fft=p.n_fft, n_mels=p.n_mels,
                                         fmin=p.fmin, fmax=p.fmax)
    return librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None), sr


def compute(path: Path, params: AnalysisParams, kind: str, **kw):
    with open_source(path) as source:
        return run_to_end(compute_spectrogram(source, params, kind, **kw))


def assert_matches(ours: np.ndarray, ref: np.ndarray, kind: str) -> None:
    assert ours.shape == ref.shape
    if kind == "cqt":  # the measure: dB re max (top_db 80) within 0.01 dB
        floor = np.maximum(ref - ref.max(), -80.0)
        assert float(np.abs(np.maximum(ours - ours.max(), -80.0) - floor).max()) <= 0.01
    elif SPECTROGRAM_UNITS[kind] == "dB":
        assert float(np.abs(ours - ref).max()) <= 1e-3
    else:
        scale = max(float(np.abs(ref).max()), 1e-12)
        assert float(np.abs(ours - ref).max()) / scale <= 1e-4


def write(tmp_path: Path, y: np.ndarray, sr: int, name: str = "x.wav", **kw) -> Path:
    path = tmp_path / name
    sf.write(path, y, sr, **kw)
    return path


@pytest.fixture(scope="module")
def mono_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("spec")
    return write(folder, make_signal(22050, 3.0, seed=1), 22050, subtype="FLOAT")


@pytest.fixture(scope="module")
def stereo_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("spec_stereo")
    left = make_signal(44100, 2.0, seed=3)
    right = np.roll(make_signal(44100, 2.0, seed=4), 1000) * 0.5
    return write(folder, np.stack([left, right], axis=1), 44100, subtype="PCM_16")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "changes",
    [
        {},
        dict(n_fft=512, hop_length=128),
        dict(window="hamming", win_length=1024),
        dict(n_mels=64, fmin=50.0, fmax=8000.0),
        dict(hop_length=300, window="blackmanharris"),
    ],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "defaults",
)
def test_kinds_match_librosa(mono_file, kind, changes):
    params = AnalysisParams(**changes)
    spec = compute(mono_file, params, kind)
    ref, sr = librosa_spectrogram(mono_file, params, kind)
    assert spec.complete and spec.frames_per_column == 1
    assert spec.n_frames == spec.filled == ref.shape[1]
    assert spec.values.dtype == np.float32 and spec.values.flags.c_contiguous
    assert_matches(spec.values[: spec.filled].T, ref, kind)
    np.testing.assert_array_equal(
        spec.times, librosa.frames_to_time(np.arange(ref.shape[1]), sr=sr,
                                           hop_length=params.hop_length))
    if kind == "cqt":
        want = librosa.cqt_frequencies(n_bins=84, fmin=librosa.note_to_hz("C1"))
        np.testing.assert_allclose(spec.freqs, want, rtol=1e-12)
    elif kind == "mel_db":
        want = librosa.mel_frequencies(params.n_mels + 2, fmin=params.fmin,
                                       fmax=params.fmax or sr / 2)[1:-1]
        np.testing.assert_allclose(spec.freqs, want, rtol=1e-12)
    else:
        np.testing.assert_allclose(spec.freqs, librosa.fft_frequencies(sr=sr, n_fft=params.n_fft))
    assert spec.unit == SPECTROGRAM_UNITS[kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("changes", [dict(channel=1), dict(sr=22050), {}],
                         ids=["channel=1", "sr=22050", "mix"])
def test_stereo_channel_and_resampling_match_librosa(stereo_file, kind, changes):
    params = AnalysisParams(**changes)
    spec = compute(stereo_file, params, kind)
    ref, sr = librosa_spectrogram(stereo_file, params, kind)
    assert spec.sr == sr
    assert_matches(spec.values[: spec.filled].T, ref, kind)


def test_bad_kind_and_channel(mono_file):
    with pytest.raises(ParameterError, match="kind"):
        compute(mono_file, AnalysisParams(), "bark")
    with pytest.raises(ParameterError, match="channel"):
        compute(mono_file, AnalysisParams(channel=1), "db")


def test_pooling_factor_is_smallest_that_fits():
    assert pooling_factor(100, 10, 4000) == 1
    assert pooling_factor(100, 10, 3999) == 2
    for n, rows, budget in [(1000, 1025, 1025 * 4 * 333), (777, 7, 7 * 4 * 100), (5, 3, 1)]:
        k = pooling_factor(n, rows, budget)
        assert k == n or math.ceil(n / k) * rows * 4 <= budget
        assert k == 1 or math.ceil(n / (k - 1)) * rows * 4 > budget


def pool(full: np.ndarray, k: int) -> np.ndarray:
    """Max over groups of k rows of a time-major (n, rows) array; last group may be short."""
    return np.maximum.reduceat(full, np.arange(0, len(full), k), axis=0)


@pytest.mark.parametrize("kind", ["db", "magnitude"])
def test_pooled_storage_and_image_equal_numpy_pooling(mono_file, kind):
    params = AnalysisParams(hop_length=128)
    full = compute(mono_file, params, kind)
    frames = full.values[: full.filled]
    n, rows = frames.shape
    assert n % 3 != 0  # exercise a short last group
    pooled = compute(mono_file, params, kind, max_bytes=math.ceil(n / 3) * rows * 4)
    assert pooled.frames_per_column == 3
    assert pooled.n_frames == n and pooled.filled == math.ceil(n / 3)
    want = pool(frames, 3)
    np.testing.assert_array_equal(pooled.values[: pooled.filled], want)
    dt = params.hop_length / pooled.sr

    image, (x0, x1) = pooled.image(0.0, pooled.duration, 10**6)
    np.testing.assert_array_equal(image, want.T)
    assert image.flags.c_contiguous and image.dtype == np.float32
    assert x0 == pytest.approx(-0.5 * dt)
    assert x1 == pytest.approx(x0 + image.shape[1] * 3 * dt)

    image, (x0, x1) = pooled.image(0.0, pooled.duration, 7)
    factor = math.ceil(len(want) / 7)
    assert image.shape[1] <= 7
    np.testing.assert_array_equal(image, pool(want, factor).T)
    assert x1 - x0 == pytest.approx(image.shape[1] * factor * 3 * dt)

    times = pooled.times
    centres = (np.arange(n) * dt)
    np.testing.assert_allclose(times[:-1], [centres[i * 3: i * 3 + 3].mean()
                                            for i in range(len(times) - 1)])
    np.testing.assert_allclose(times[-1], centres[(len(times) - 1) * 3:].mean())


def test_image_geometry_full_resolution(mono_file):
    spec = compute(mono_file, AnalysisParams(), "db")
    dt = spec.hop_length / spec.sr
    values = spec.values[: spec.filled]
    t0, t1 = 0.61, 1.37
    image, (x0, x1) = spec.image(t0, t1, 10**6)
    first = math.floor(t0 / dt + 0.5)
    last = math.ceil(t1 / dt + 0.5) - 1
    np.testing.assert_array_equal(image, values[first : last + 1].T)
    assert x0 == pytest.approx((first - 0.5) * dt) and x1 == pytest.approx((last + 0.5) * dt)
    assert x0 <= t0 < x0 + dt and x1 - dt < t1 <= x1
    # every column i spans [x0 + i*w, x0 + (i+1)*w): its frame centre is in the middle
    w = (x1 - x0) / image.shape[1]
    np.testing.assert_allclose(x0 + (np.arange(image.shape[1]) + 0.5) * w,
                               spec.times[first : last + 1])
    # pooled: groups aligned to multiples of the factor, so panning keeps columns stable
    a, (ax0, ax1) = spec.image(t0, t1, 10)
    b, (bx0, _) = spec.image(t0 + 2 * dt, t1 + 2 * dt, 10)
    factor = round((ax1 - ax0) / a.shape[1] / dt)
    assert factor > 1 and a.shape[1] <= 10 and b.shape[1] <= 10
    assert ax0 <= t0 and ax1 >= t1
    np.testing.assert_array_equal(a, pool(values[round(ax0 / dt + 0.5) :], factor)[
        : a.shape[1]].T)
    assert round(ax0 / dt + 0.5) % factor == 0
    shift = round((bx0 - ax0) / (factor * dt))
    overlap = a.shape[1] - shift
    if overlap > 1:
        np.testing.assert_array_equal(a[:, shift : shift + overlap - 1], b[:, : overlap - 1])
    # ranges outside the data, and clamping
    empty, (e0, e1) = spec.image(-5.0, -4.0, 100)
    assert empty.shape == (spec.n_rows, 0) and e0 == e1
    _, (_, tx1) = spec.image(spec.duration - 0.1, spec.duration + 10.0, 100)
    assert tx1 == pytest.approx((spec.filled - 0.5) * dt)


def test_value_at(mono_file):
    spec = compute(mono_file, AnalysisParams(), "magnitude")
    dt = spec.hop_length / spec.sr
    assert spec.value_at(10 * dt + 0.1 * dt, spec.freqs[40] + 1.0) == spec.values[10, 40]
    assert spec.value_at(-1.0, -5.0) == spec.values[0, 0]
    assert spec.value_at(1e9, 1e9) == spec.values[spec.filled - 1, -1]
    assert math.isnan(spec.value_at(float("nan"), 100.0))


def test_progress_partials_and_growth(mono_file):
    params = AnalysisParams(hop_length=64)
    full = compute(mono_file, params, "db")
    with open_source(mono_file) as source:
        source.info = replace(source.info, frames=1000)  # a header that under-promises
        job = compute_spectrogram(source, params, "db")
        reports = []
        try:
            while True:
                progress = next(job)
                spec = progress.partial
                reports.append((progress.done, spec.filled))
                np.testing.assert_array_equal(spec.values[: spec.filled],
                                              full.values[: spec.filled])
        except StopIteration as stop:
            grown = stop.value
    assert len(reports) > 3
    assert [r[0] for r in reports] == sorted(r[0] for r in reports)
    assert grown.n_frames == full.n_frames and grown.filled == full.filled
    np.testing.assert_array_equal(grown.values[: grown.filled], full.values[: full.filled])


def test_close_mid_way_stops_workers(mono_file):
    with open_source(mono_file) as source:
        job = compute_spectrogram(source, AnalysisParams(hop_length=64), "mel_db")
        progress = next(job)
        assert 0 < progress.done < progress.total
        job.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sonolens-dsp")]


@pytest.mark.parametrize(("seed", "n_frames", "columns"),
                         [(0, 5000, 64), (1, 5000, 64), (2, 5000, 64), (3, 20000, 2048)])
def test_overview_gives_the_same_pixels_as_pooling_every_column(seed, n_frames, columns):
    """Whole-file views read the overviews; the image equals max-pooling all stored columns."""
    from sonolens.core.params import AnalysisParams as Params
    from sonolens.dsp.pooling import max_pool_rows
    from sonolens.dsp.spectrogram import OVERVIEW_STEP, Spectrogram

    rng = np.random.default_rng(seed)
    n_rows = 7
    values = rng.standard_normal((n_frames, n_rows)).astype(np.float32)
    spec = Spectrogram(kind="db", sr=1000, hop_length=10, params=Params(),
                       freqs=np.arange(n_rows, dtype=float),
                       values=np.zeros((n_frames, n_rows), np.float32))
    spec.init_overview(n_frames, columns=columns)
    assert spec.overview_factor > 1
    assert (spec.overview2 is not None) == (columns >= 1024)
    first = 0
    while first < n_frames:  # arrive in uneven blocks, as from the worker
        size = int(rng.integers(1, 300))
        spec.append(values[first : first + size])
        first += size
        dt = spec.frame_seconds
        for t0, t1, width in ((0.0, spec.n_frames * dt, 50), (1.3, 37.7, 20), (10.0, 11.0, 500)):
            image, (x0, x1) = spec.image(t0, t1, width)
            if image.shape[1] == 0:
                continue
            c0 = round(x0 / dt + 0.5)
            factor = round((x1 - x0) / dt / image.shape[1])
            expected = max_pool_rows(values[c0 : min(c0 + factor * image.shape[1],
                                                    spec.filled)], factor).T
            np.testing.assert_array_equal(image, expected)
            if width == 50 and spec.filled > 50 * spec.overview_factor:
                assert factor % spec.overview_factor == 0  # the overview path was taken
            coarse = spec.overview_factor * OVERVIEW_STEP
            if width == 50 and spec.overview2 is not None and spec.filled > 50 * coarse:
                assert factor % coarse == 0  # ...the coarser overview's


@pytest.mark.parametrize("kind", ["magnitude", "power", "db", "mel_db"])
def test_feature_engine_fills_the_same_spectrogram(tmp_path, kind):
    """The window's single pass (features + display spectrogram from one STFT) equals
    compute_spectrogram, and the features equal a run without the spectrogram."""
    from sonolens.core.params import AnalysisParams as Params
    from sonolens.core.progress import run_to_end
    from sonolens.dsp.engine import extract_features
    from sonolens.dsp.spectrogram import compute_spectrogram, new_spectrogram

    rng = np.random.default_rng(5)
    path = tmp_path / "x.wav"
    sf.write(path, (0.3 * rng.standard_normal((22050 * 3, 2))).astype(np.float32), 22050)
    params = Params(n_fft=1024, hop_length=256)
    with open_source(path) as source:
        plan, spec, _ = new_spectrogram(source, params, kind)
        shared = run_to_end(extract_features(source, params, spectrogram=(plan, spec)))
        alone = run_to_end(extract_features(source, params))
        reference = run_to_end(compute_spectrogram(source, params, kind))
    assert spec.complete and spec.filled == reference.filled
    np.testing.assert_array_equal(spec.values[: spec.filled], reference.values[: reference.filled])
    for name in alone.columns:
        np.testing.assert_array_equal(shared.columns[name], alone.columns[name])


@pytest.mark.parametrize("first_k", [1, 3])
def test_store_repools_when_the_file_outgrows_its_header(first_k):
    """A header that promised too few frames (a silent FLAC's size cap): the store pools
    again by 2 instead of passing its budget, and still equals numpy pooling."""
    from sonolens.dsp.spectrogram import Spectrogram

    rng = np.random.default_rng(first_k)
    rows, n = 8, 5000
    frames = rng.standard_normal((n, rows)).astype(np.float32)
    budget = 200 * rows * 4
    spec = Spectrogram(kind="db", sr=1000, hop_length=10, params=AnalysisParams(),
                       freqs=np.arange(rows, dtype=np.float64),
                       values=np.zeros((20, rows), np.float32), frames_per_column=first_k,
                       max_bytes=budget)
    spec.init_overview(20, columns=16)
    position = 0
    for size in rng.integers(1, 300, size=400):
        block = frames[position : position + size]
        if not len(block):
            break
        spec.append(block)
        position += len(block)
    spec.finish()
    k = spec.frames_per_column
    assert k == first_k * 2 ** round(math.log2(k / first_k)) and k > first_k
    assert spec.n_frames == n and spec.filled == math.ceil(n / k)
    assert spec.filled * rows * 4 <= budget * 17 / 16
    want = pool(frames, k)
    np.testing.assert_array_equal(spec.values[: spec.filled], want)
    image, _ = spec.image(0.0, spec.duration, 10**6)
    np.testing.assert_array_equal(image, want.T)
    assert spec.overview_factor > 1  # rebuilt after re-pooling
    image, _ = spec.image(0.0, spec.duration, 5)  # through the rebuilt overview
    from sonolens.dsp.pooling import group_factor

    f = spec.overview_factor
    factor = group_factor(0, len(want), 5)
    assert factor >= f  # the overview serves this view
    factor = math.ceil(factor / f) * f
    assert image.shape[1] <= 5
    np.testing.assert_array_equal(image, pool(want, factor).T)
