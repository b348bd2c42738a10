"""The window's display spectrogram pooled on the workers before the log (max of dB = dB
of max) equals the store filled frame by frame, for every kind, at pooling factors that
split the engine's blocks (and when the store is pooled again mid-pass)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from sonolens.dsp.framing import frame_blocks
from sonolens.dsp.spectrogram import new_spectrogram
from sonolens.dsp.spectrogram_plan import PooledFrames
from sonolens.dsp.stft import magnitude_block
from tests.unit.signals import make_signal

SR = 8000


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    path = tmp_path_factory.mktemp("pooled") / "x.wav"
    y = make_signal(SR, 30.0, seed=3)
    y[40_000:48_000] = 0.0  # digital silence: the dB floor
    sf.write(path, y, SR, subtype="FLOAT")
    return path


def frame_by_frame(path, kind: str, max_bytes: int):
    """The store filled with per-frame values (the kind's kernel on every frame)."""
    with open_source(path) as source:
        plan, spec, _ = new_spectrogram(source, AnalysisParams(), kind, max_bytes=max_bytes)
        y = source.read_all()[:, 0]
    for block in frame_blocks([y], n_fft=2048, hop_length=512, frames_per_block=97):
        magnitude, power = magnitude_block(block.frames(), plan.window)
        spec.append(plan.from_magnitude(magnitude, power))
    spec.finish()
    return spec


@pytest.mark.parametrize("kind", ["db", "mel_db", "power", "magnitude"])
@pytest.mark.parametrize("columns", [70, 33])  # k = 7 and 15 (blocks of 256 frames)
def test_pooled_first_equals_frame_by_frame(audio, kind, columns):
    budget = columns * 4 * (128 if kind == "mel_db" else 1025)
    with open_source(audio) as source:
        plan, spec, _ = new_spectrogram(source, AnalysisParams(), kind,
                                        max_bytes=budget)
        assert spec.frames_per_column > 1 and 256 % spec.frames_per_column
        run_to_end(extract_features(source, AnalysisParams(), ("rms",),
                                    spectrogram=(plan, spec)))
    want = frame_by_frame(audio, kind, budget)
    assert spec.complete and spec.filled == want.filled
    assert spec.frames_per_column == want.frames_per_column
    np.testing.assert_allclose(spec.values[: spec.filled], want.values[: want.filled],
                               rtol=1e-6, atol=1e-5)


def test_pooled_frames_count_the_frames_of_each_group():
    block = PooledFrames(first=10, n_frames=20, k=7, columns=np.zeros((4, 1), np.float32))
    assert block.counts().tolist() == [4, 7, 7, 2]  # [10,14) [14,21) [21,28) [28,30)
    aligned = PooledFrames(first=14, n_frames=14, k=7, columns=np.zeros((2, 1), np.float32))
    assert aligned.counts().tolist() == [7, 7]
