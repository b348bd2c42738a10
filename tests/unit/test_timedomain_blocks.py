"""RMS and zero-crossing rate block by block against librosa, at hops that divide n_fft
(chunked counts) and hops that do not (running sums), with zeros, -0.0 and tiny values."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.dsp.framing import frame_blocks
from sonolens.dsp.timedomain import rms, zero_crossing_rate


def _signal(n: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    y = (0.3 * np.sin(2 * np.pi * 220 * np.arange(n) / 8000)
         + 0.05 * rng.standard_normal(n)).astype(np.float32)
    y[100:400] = 0.0
    y[400:500] = -0.0
    y[500:700:2] = 3e-11  # within 1e-10 of zero: counted positive
    y[501:700:2] = -3e-11
    y[900:1000:2] = -1e-3
    return y


def _blocked(y: np.ndarray, kernel, n_fft: int, hop: int) -> np.ndarray:
    chunks = (y[i : i + 3001] for i in range(0, len(y), 3001))
    blocks = frame_blocks(chunks, n_fft=n_fft, hop_length=hop, frames_per_block=37)
    return np.concatenate([kernel(block) for block in blocks])


@pytest.mark.parametrize(("n_fft", "hop"), [(2048, 512), (1000, 300), (2048, 441),
                                            (512, 512), (256, 64), (64, 100)])
def test_zero_crossing_rate_equals_librosa(n_fft, hop):
    y = _signal(20_011)
    ours = _blocked(y, zero_crossing_rate, n_fft, hop)
    theirs = librosa.feature.zero_crossing_rate(y, frame_length=n_fft, hop_length=hop)[0]
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(("n_fft", "hop"), [(2048, 512), (1000, 300), (2048, 441)])
def test_rms_equals_librosa(n_fft, hop):
    y = _signal(20_011)
    ours = _blocked(y, rms, n_fft, hop)
    theirs = librosa.feature.rms(y=y, frame_length=n_fft, hop_length=hop)[0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-9)
