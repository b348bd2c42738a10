"""The waveform min/max pyramid equals numpy over the same sample ranges."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.progress import run_to_end
from sonolens.dsp.envelope import COARSEST_BINS, WaveformEnvelope
from tests.unit.signals import make_signal
from tests.unit.streamed import compute_envelope

SR = 8000


@pytest.fixture(scope="module")
def stereo(tmp_path_factory):
    """A stereo PCM_16 file of 300_001 frames (not a multiple of any bin size)."""
    left = make_signal(SR, 40.0, seed=7)
    right = 0.5 * np.roll(make_signal(SR, 40.0, seed=8), 333)
    y = np.stack([left, right], axis=1)[:300_001]
    path = tmp_path_factory.mktemp("env") / "stereo.wav"
    sf.write(path, y, SR, subtype="PCM_16")
    with open_source(path) as source:
        samples = source.read_all()
    return path, samples


def with_mix(samples: np.ndarray) -> np.ndarray:
    return np.concatenate([samples, samples.mean(axis=1, dtype=np.float32)[:, None]], axis=1)


def reference_level(samples: np.ndarray, size: int) -> np.ndarray:
    starts = np.arange(0, len(samples), size)
    return np.stack([np.minimum.reduceat(samples, starts, axis=0),
                     np.maximum.reduceat(samples, starts, axis=0)], axis=-1)


def test_levels_equal_numpy(stereo):
    path, samples = stereo
    with open_source(path) as source:
        env = run_to_end(compute_envelope(source, base=16))
    assert env.complete and env.n_frames == len(samples) and env.channels == 2
    assert len(env.levels) == 3  # 18751, 4688, 1172 bins
    assert math.ceil(len(samples) / env.bin_frames(len(env.levels) - 1)) <= COARSEST_BINS
    assert math.ceil(len(samples) / env.bin_frames(len(env.levels) - 2)) > COARSEST_BINS
    full = with_mix(samples)
    for level, array in enumerate(env.levels):
        want = reference_level(full, 16 * 4**level)
        assert env.filled[level] == len(want)
        assert array.dtype == np.float32 and array.shape[1:] == (3, 2)
        np.testing.assert_array_equal(array[: len(want)], want)


def test_mix_is_mean_of_channels(stereo):
    path, samples = stereo
    with open_source(path) as source:
        env = run_to_end(compute_envelope(source, base=64))
    mix = samples.mean(axis=1, dtype=np.float32)
    np.testing.assert_array_equal(env.levels[0][:4, 2, 0],
                                  [mix[i * 64 : (i + 1) * 64].min() for i in range(4)])


def test_envelope_query_picks_level_and_raw_samples(stereo):
    path, samples = stereo
    with open_source(path) as source:
        env = run_to_end(compute_envelope(source, base=16))
        full = with_mix(samples)
        # whole file, 500 points: coarsest level with >= 500 bins is level 2 (1172 bins)
        times, mins, maxs = env.envelope(0.0, len(samples) / SR, 500, channel=None)
        assert len(times) == env.filled[2]
        want = reference_level(full, 256)
        np.testing.assert_array_equal(mins, want[:, 2, 0])
        np.testing.assert_array_equal(maxs, want[:, 2, 1])
        np.testing.assert_allclose(times[:2], [128 / SR, 384 / SR])
        # a middle range on channel 1 at level 1
        t0, t1 = 10.0, 20.0
        times, mins, maxs = env.envelope(t0, t1, 1000, channel=1)
        want = reference_level(full, 64)
        first = int(t0 * SR) // 64
        assert times[0] <= t0 + 64 / SR and times[-1] >= t1 - 64 / SR
        np.testing.assert_array_equal(mins, want[first : first + len(mins), 1, 0])
        np.testing.assert_array_equal(maxs, want[first : first + len(maxs), 1, 1])
        # a short range: the samples themselves
        times, mins, maxs = env.envelope(1.0, 1.05, 300, channel=None, read=source.read)
        start = SR
        assert len(times) == 401
        np.testing.assert_array_equal(mins, maxs)
        np.testing.assert_array_equal(mins, full[start : start + 401, 2])
        np.testing.assert_allclose(times, (start + np.arange(401)) / SR)
        times, mins, _ = env.envelope(1.0, 1.05, 300, channel=0, read=source.read)
        np.testing.assert_array_equal(mins, samples[start : start + 401, 0])
        # many points asked for a short range without read: the finest level
        times, mins, _ = env.envelope(1.0, 1.05, 10_000, channel=0)
        assert len(times) == math.ceil((SR + 401) / 16) - SR // 16
        np.testing.assert_array_equal(mins, reference_level(full, 16)[SR // 16 :][
            : len(mins), 0, 0])
        # out of range and bad channel
        assert len(env.envelope(100.0, 200.0, 100)[0]) == 0
        with pytest.raises(ValueError):
            env.envelope(0.0, 1.0, 100, channel=2)


def test_progressive_partials_are_consistent(stereo):
    path, samples = stereo
    full = with_mix(samples)
    with open_source(path) as source:
        source.info = replace(source.info, frames=1000)  # a header that under-promises
        job = compute_envelope(source, base=16)
        seen = 0
        try:
            while True:
                progress = next(job)
                env = progress.partial
                assert isinstance(env, WaveformEnvelope)
                seen += 1
                for level, count in enumerate(env.filled):
                    size = env.bin_frames(level)
                    assert count * size <= env.n_frames
                    want = reference_level(full[: count * size], size)
                    np.testing.assert_array_equal(env.levels[level][:count], want)
        except StopIteration as stop:
            final = stop.value
    assert seen >= 4
    assert final.filled[0] == math.ceil(len(samples) / 16)
    np.testing.assert_array_equal(final.levels[0][: final.filled[0]],
                                  reference_level(full, 16))


def test_mono_file(tmp_path):
    y = make_signal(SR, 1.0, seed=9)[:5000]
    path = tmp_path / "mono.flac"
    sf.write(path, y, SR, subtype="PCM_24")
    with open_source(path) as source:
        env = run_to_end(compute_envelope(source))
        samples = source.read_all()
    assert len(env.levels) == 1 and env.levels[0].shape[1:] == (2, 2)
    want = reference_level(np.concatenate([samples, samples], axis=1), 64)
    np.testing.assert_array_equal(env.levels[0][: env.filled[0]], want)


def test_the_analysis_pass_builds_the_same_pyramid(stereo):
    """The window's pass (segments on two threads, the analysis mix handed to the
    envelope) gives the levels numpy gives, the coarser ones pooled by fours."""
    from sonolens.core.params import AnalysisParams
    from sonolens.dsp.engine import extract_features

    path, samples = stereo
    with open_source(path) as source:
        env = WaveformEnvelope.allocate(source.samplerate, source.channels, source.frames,
                                        base=16)
        run_to_end(extract_features(source, AnalysisParams(), ("rms",),
                                    on_source_block=env.append_prepared,
                                    prepare_source_block=env.prepare))
        env.finish()
    full = with_mix(samples)
    for level, array in enumerate(env.levels):
        want = reference_level(full, 16 * 4**level)
        assert env.filled[level] == len(want)
        np.testing.assert_array_equal(array[: len(want)], want)
