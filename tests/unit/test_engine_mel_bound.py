"""Pass 1 skips the mel product of blocks that cannot hold the file's largest mel power,
and still finds exactly that maximum (MFCC's top_db floor) -- whatever the block order."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.core.params import AnalysisParams
from sonolens.dsp.engine import _Pass1, make_plan
from sonolens.dsp.framing import frame_blocks
from sonolens.dsp.second_pass import mel_basis
from sonolens.dsp.stft import magnitude_block

SR = 22050


def _signal(order: str) -> np.ndarray:
    """12 s: a loud tone between quiet noise, or the loud part first or last."""
    rng = np.random.default_rng(3)
    t = np.arange(4 * SR) / SR
    quiet = [0.01 * rng.standard_normal(4 * SR) for _ in range(2)]
    loud = 0.8 * np.sin(2 * np.pi * 523.0 * t) + 0.02 * rng.standard_normal(4 * SR)
    parts = {"middle": [quiet[0], loud, quiet[1]], "first": [loud, *quiet],
             "last": [*quiet, loud]}[order]
    return np.concatenate(parts).astype(np.float32)


@pytest.mark.parametrize("order", ["first", "middle", "last"])
def test_mel_maximum_is_the_files_and_quiet_blocks_are_skipped(order):
    y = _signal(order)
    plan = make_plan(AnalysisParams(), SR, None)
    first = _Pass1(plan)
    skipped = 0
    block_maxima = []
    for block in frame_blocks([y], n_fft=2048, hop_length=512, frames_per_block=64):
        result = first.compute(block)
        skipped += result["mel_max"] == -np.inf
        first.add(result)
        # every block's own product, none skipped (what the floor was taken from before)
        _, power = magnitude_block(block.frames(), plan.window)
        block_maxima.append(float((power @ mel_basis(plan).T).max()))
    assert first.mel_max == max(block_maxima)  # bit for bit
    # and librosa's mel spectrogram of the whole file agrees
    power = np.abs(librosa.stft(y, n_fft=2048, hop_length=512)) ** 2
    expected = librosa.feature.melspectrogram(S=power, sr=SR).max()
    np.testing.assert_allclose(first.mel_max, expected, rtol=1e-5)
    quiet_after_loud = {"first": 2 * 4 * SR // 512 // 64, "middle": 4 * SR // 512 // 64,
                        "last": 0}[order]
    assert skipped >= quiet_after_loud - 1
