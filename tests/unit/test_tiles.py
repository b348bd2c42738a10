"""Level-of-detail tiles: on-demand columns equal the full-resolution spectrogram's."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.signal import analysis_chunks, analysis_segment
from sonolens.dsp.spectrogram import compute_spectrogram
from sonolens.dsp.tiles import TILE_COLUMNS, TileCache, TileKey, compute_tile, detail_level
from tests.unit.signals import make_signal

HOP = 64  # short hops: many frames (several tiles) from a few seconds of audio


@pytest.fixture(scope="module")
def stereo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiles") / "stereo.wav"
    left = make_signal(22050, 8.0, seed=5)
    right = np.roll(make_signal(22050, 8.0, seed=6), 777) * 0.5
    sf.write(path, np.stack([left, right], axis=1), 22050, subtype="FLOAT")
    return path


def full_and_pooled(path: Path, params: AnalysisParams, kind: str, k: int):
    with open_source(path) as source:
        full = run_to_end(compute_spectrogram(source, params, kind))
        rows = full.n_rows
        pooled = run_to_end(compute_spectrogram(
            source, params, kind, max_bytes=math.ceil(full.n_frames / k) * rows * 4))
    assert full.frames_per_column == 1 and pooled.frames_per_column == k
    return full, pooled


def pool(frames: np.ndarray, k: int) -> np.ndarray:
    return np.maximum.reduceat(frames, np.arange(0, len(frames), k), axis=0)


@pytest.mark.parametrize("kind", ["db", "mel_db", "magnitude"])
@pytest.mark.parametrize("channel", [None, 1])
@pytest.mark.parametrize("level", [1, 2])
def test_tiles_equal_pooled_full_resolution(stereo_file, kind, channel, level):
    params = AnalysisParams(hop_length=HOP, channel=channel)
    full, pooled = full_and_pooled(stereo_file, params, kind, k=16)
    frames = full.values[: full.filled]
    n_tiles = math.ceil(full.n_frames / (TILE_COLUMNS * level))
    assert n_tiles >= 2  # the last tile is a partial one
    with open_source(stereo_file) as source:
        for index in range(n_tiles):
            key = TileKey(level, index)
            tile = run_to_end(compute_tile(source, pooled.plan, key, pooled.n_frames))
            first, stop = key.frames(full.n_frames)
            want = pool(frames[first:stop], level)
            if kind == "mel_db":  # a float32 matmul: BLAS picks its summation order by shape
                np.testing.assert_allclose(tile, want, rtol=1e-5, atol=1e-5)
            else:
                np.testing.assert_array_equal(tile, want)


def test_resampled_segment_matches_the_streamed_signal(stereo_file):
    sr = 16000
    with open_source(stereo_file) as source:
        streamed = np.concatenate(list(analysis_chunks(
            source.blocks(), native_sr=source.samplerate, sr=sr, channel=None)))
        for start, stop in [(-300, 500), (20000, 23000), (len(streamed) - 700, len(streamed) + 50)]:
            segment = analysis_segment(source, start, stop, sr=sr, channel=None)
            want = np.zeros(stop - start, dtype=np.float32)
            lo, hi = max(0, start), min(stop, len(streamed))
            want[lo - start : hi - start] = streamed[lo:hi]
            np.testing.assert_allclose(segment, want, atol=2e-6)


def test_image_uses_cached_tiles_and_each_column_is_the_max_of_its_frames(stereo_file):
    params = AnalysisParams(hop_length=HOP)
    full, pooled = full_and_pooled(stereo_file, params, "db", k=16)
    frames = full.values[: full.filled]
    dt = pooled.frame_seconds
    t0, t1, width = 2.0, 3.0, 100  # ~345 frames over 100 px: 4 frames per pixel
    coarse, (x0, x1) = pooled.image(t0, t1, width)
    assert (x1 - x0) / coarse.shape[1] == pytest.approx(16 * dt)  # stored resolution
    wanted = pooled.wanted_tiles(t0, t1, width)
    assert wanted and {key.level for key in wanted} == {detail_level(4)} == {4}
    with open_source(stereo_file) as source:
        for key in wanted:
            pooled.tiles.put(key, run_to_end(compute_tile(source, pooled.plan, key,
                                                          pooled.n_frames)))
    assert pooled.wanted_tiles(t0, t1, width) == []
    image, (x0, x1) = pooled.image(t0, t1, width)
    assert image.shape[1] <= width and image.flags.c_contiguous
    span = (x1 - x0) / image.shape[1] / dt  # frames per image column
    assert span == pytest.approx(round(span)) and round(span) < 16
    first = round(x0 / dt + 0.5)
    assert first * dt - 0.5 * dt <= t0 and x1 >= t1
    step = round(span)
    want = pool(frames[first : first + step * image.shape[1]], step).T
    np.testing.assert_array_equal(image, want)
    # zoomed out to the stored resolution again: no tiles wanted
    assert pooled.wanted_tiles(0.0, pooled.duration, width) == []


def test_tiles_while_computing_only_of_a_trusted_length(stereo_file):
    """No tiles at full resolution; while a pooled store grows, tiles only when its
    source's length is trusted (frames_expected: a file read in segments)."""
    params = AnalysisParams(hop_length=HOP)
    full, pooled = full_and_pooled(stereo_file, params, "db", k=16)
    assert full.tiles is None and full.wanted_tiles(2.0, 2.1, 100) == []
    n_frames = pooled.n_frames
    pooled.complete, pooled.frames_expected = False, 0
    assert pooled.wanted_tiles(2.0, 2.1, 100) == []
    pooled.frames_expected = n_frames
    assert pooled.wanted_tiles(2.0, 2.1, 100) != []


def test_cache_keeps_recent_tiles_within_its_budget():
    tile = np.zeros((TILE_COLUMNS, 10), dtype=np.float32)
    cache = TileCache(max_bytes=3 * tile.nbytes)
    for index in range(3):
        cache.put(TileKey(1, index), tile.copy())
    assert cache.columns(1, 0, 1) is not None  # touch tile 0: now the most recent
    cache.put(TileKey(1, 3), tile.copy())
    assert TileKey(1, 1) not in cache and TileKey(1, 0) in cache and len(cache) == 3
    assert cache.nbytes == 3 * tile.nbytes
    assert cache.missing(1, 0, 4 * TILE_COLUMNS) == [TileKey(1, 1)]


def test_tiles_only_when_stored_columns_are_over_two_pixels_wide(stereo_file):
    params = AnalysisParams(hop_length=HOP)
    _, pooled = full_and_pooled(stereo_file, params, "db", k=16)
    frames_shown = 1200
    seconds = frames_shown * pooled.frame_seconds
    assert pooled.wanted_tiles(1.0, 1.0 + seconds, frames_shown // 9) == []  # 9 frames/px
    assert pooled.wanted_tiles(1.0, 1.0 + seconds, frames_shown // 7) != []  # 8 frames/px


def test_requests_fit_the_cache_so_asking_again_ends(stereo_file):
    """Tiles bigger than the budget allows (large n_fft, wide view): the request moves to
    a coarser level instead of evicting its own tiles and asking for them forever."""
    params = AnalysisParams(hop_length=HOP)
    _, pooled = full_and_pooled(stereo_file, params, "db", k=16)
    tile_bytes = TILE_COLUMNS * pooled.n_rows * 4
    pooled.tiles = TileCache(max_bytes=3 * tile_bytes)  # half of it: one visible tile
    t0, t1, width = 0.5, 7.5, 2000  # ~2400 frames on 2000 px would want level 1
    rounds = 0
    with open_source(stereo_file) as source:
        while keys := pooled.wanted_tiles(t0, t1, width, around=1):
            rounds += 1
            assert rounds < 5 and len(keys) == 1  # no room for prefetch either
            for key in keys:
                pooled.tiles.put(key, run_to_end(compute_tile(source, pooled.plan, key,
                                                              pooled.n_frames)))
    image, (x0, x1) = pooled.image(t0, t1, width)
    per_column = (x1 - x0) / image.shape[1] / pooled.frame_seconds
    assert 1 < per_column < 16  # finer than stored, coarser than the view asked for
