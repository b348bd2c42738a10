"""The cqt spectrogram kind in the app's pipeline: progressive blocks, cancel, pooled
stores of long files, and the window's analysis job (features unchanged by the kind)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.spectrogram import compute_spectrogram
from sonolens.dsp.tiles import TILE_COLUMNS, TileKey, compute_tile
from sonolens.workers.jobs import analysis_job
from tests.unit.signals import piano_notes

SR = 22050


@pytest.fixture(scope="module")
def long_piano(tmp_path_factory):
    """~40 s: five blocks of the default size at 22050 Hz."""
    y = np.concatenate([piano_notes(SR, seed=s) for s in range(10)])[: 40 * SR]
    path = tmp_path_factory.mktemp("cqt_kind") / "piano.flac"
    sf.write(path, y, SR, subtype="PCM_24")
    return path


def test_progressive_then_equal_to_librosa(long_piano):
    """Progress after each block with the growing store; the result re max equals
    librosa.cqt on librosa.load's y within 0.01 dB."""
    seen = []
    with open_source(long_piano) as source:
        job = compute_spectrogram(source, AnalysisParams(), "cqt")
        try:
            while True:
                progress = next(job)
                seen.append((progress.done, progress.partial.filled))
        except StopIteration as stop:
            spec = stop.value
    assert len(seen) >= 4 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert all(filled == done for done, filled in seen)  # full resolution, drawn as it grows
    y, sr = librosa.load(long_piano, sr=None)
    ref = librosa.amplitude_to_db(np.abs(librosa.cqt(y, sr=sr)), ref=np.max)
    values = spec.values[: spec.filled].T
    assert values.shape == ref.shape and spec.complete
    np.testing.assert_allclose(np.maximum(values - values.max(), -80.0), ref, atol=0.01, rtol=0)


def test_cancel_mid_file_stops_at_a_block(long_piano):
    with open_source(long_piano) as source:
        job = compute_spectrogram(source, AnalysisParams(), "cqt")
        first = next(job)
        job.close()  # what the runner does on cancel
        assert 0 < first.partial.filled < first.total and not first.partial.complete


def test_pooled_store_is_the_max_of_full_columns(long_piano):
    with open_source(long_piano) as source:
        full = run_to_end(compute_spectrogram(source, AnalysisParams(), "cqt"))
        small = run_to_end(compute_spectrogram(source, AnalysisParams(), "cqt",
                                               max_bytes=84 * 4 * 400))
    k = small.frames_per_column
    assert k > 1 and small.n_frames == full.n_frames
    values = full.values[: full.filled]
    want = np.stack([values[i : i + k].max(axis=0) for i in range(0, len(values), k)])
    np.testing.assert_array_equal(small.values[: small.filled], want)



@pytest.mark.parametrize("level,changes", [(1, {}), (2, {}), (1, {"sr": 16000})])
def test_detail_tiles_equal_the_full_resolution_frames(long_piano, level, changes):
    """Zoomed into a pooled store, tiles computed from random access to the signal give
    the frames of the full pass (first, middle and last tile: file start and end too;
    also when the signal is resampled)."""
    params = AnalysisParams(**changes)
    with open_source(long_piano) as source:
        full = run_to_end(compute_spectrogram(source, params, "cqt"))
        small = run_to_end(compute_spectrogram(source, params, "cqt", max_bytes=84 * 4 * 250))
        assert small.frames_per_column > 2 * level and small.tiles is not None
        n = small.n_frames
        last = (n - 1) // (TILE_COLUMNS * level)
        values = full.values[: full.filled]
        for index in sorted({0, last // 2, last}):
            key = TileKey(level, index)
            tile = run_to_end(compute_tile(source, small.plan, key, n))
            first, stop = key.frames(n)
            want = np.stack([values[i : min(i + level, stop)].max(axis=0)
                             for i in range(first, stop, level)])
            assert tile.shape == want.shape
            loud = want > values.max() - 80.0  # what the view shows (80 dB range)
            np.testing.assert_allclose(tile[loud], want[loud], atol=0.02, rtol=0)


def test_window_job_features_do_not_depend_on_the_kind(long_piano):
    """The analysis job computes the cqt picture first, then the same features, envelope
    and frame count as with an STFT kind."""
    with open_source(long_piano) as source:
        table, spec, env = run_to_end(analysis_job(source, AnalysisParams(), "cqt",
                                                   envelope=True))
        table_db, spec_db, _ = run_to_end(analysis_job(source, AnalysisParams(), "db"))
    assert spec.kind == "cqt" and spec.complete and spec.n_rows == 84
    assert spec.n_frames == spec_db.n_frames == table.n_frames
    assert env is not None and env.complete
    assert table.names == table_db.names
    for name in table.names:
        np.testing.assert_array_equal(table.columns[name], table_db.columns[name])
