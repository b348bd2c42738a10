"""Constant-Q / variable-Q spectrogram (dsp.cqt): equal to librosa.cqt / librosa.vqt, and
the blocked form equal to the one-shot form (block edges invisible in the numbers)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.core.errors import ParameterError
from sonolens.dsp.cqt import C1_HZ, CqtPlan, vqt_magnitude
from sonolens.dsp.cqt_filters import cqt_frequencies
from tests.unit.signals import make_signal, piano_notes


def tones(sr: int, seconds: float) -> np.ndarray:
    """A4 throughout, A2 entering at 1 s, a little noise (float32)."""
    t = np.arange(int(sr * seconds)) / sr
    rng = np.random.default_rng(3)
    y = 0.3 * np.sin(2 * np.pi * 440.0 * t) + 0.2 * np.sin(2 * np.pi * 110.0 * t) * (t > 1)
    return (y + 0.005 * rng.standard_normal(len(t))).astype(np.float32)


def re_max_db(magnitude: np.ndarray) -> np.ndarray:
    return librosa.amplitude_to_db(magnitude, ref=np.max)


CASES = [  # (signal, sr, our keywords); librosa gets the same ones
    ("piano", 22050, {}),
    ("tones", 22050, {}),
    ("piano", 44100, {}),
    ("piano", 22050, {"gamma": 20.0}),
    ("tones", 16000, {"bins_per_octave": 24, "n_bins": 96}),
    ("mixed", 22050, {"bins_per_octave": 36, "n_bins": 216, "fmin": 55.0}),
    ("piano", 22050, {"hop_length": 300}),  # halved twice only (300 = 4 * 75)
    ("tones", 16000, {"hop_length": 221}),  # odd: every octave at the full rate
]


def signal(name: str, sr: int) -> np.ndarray:
    if name == "piano":
        return piano_notes(sr)
    if name == "tones":
        return tones(sr, 3.0)
    return make_signal(sr, 3.0)


@pytest.mark.parametrize("name,sr,kw", CASES)
def test_equal_to_librosa(name, sr, kw):
    y = signal(name, sr)
    kw = dict(kw)
    hop = kw.pop("hop_length", 512)
    ours = vqt_magnitude(y, sr=sr, hop_length=hop, **kw)
    gamma = kw.get("gamma", 0.0)
    rest = {k: v for k, v in kw.items() if k != "gamma"}
    if gamma:
        ref = np.abs(librosa.vqt(y, sr=sr, hop_length=hop, gamma=gamma, res_type="soxr_hq",
                                 **rest))
    else:
        ref = np.abs(librosa.cqt(y, sr=sr, hop_length=hop, **rest))
    assert ours.shape == ref.shape and ours.dtype == np.float32
    np.testing.assert_allclose(re_max_db(ours), re_max_db(ref), atol=0.01, rtol=0)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6 * ref.max())


def test_defaults_are_librosas():
    """C1, 84 bins, 12 per octave, hop 512: librosa.cqt(y, sr=sr) itself."""
    y = piano_notes(22050)
    ref = np.abs(librosa.cqt(y, sr=22050))
    np.testing.assert_allclose(re_max_db(vqt_magnitude(y, sr=22050)), re_max_db(ref),
                               atol=0.01, rtol=0)
    np.testing.assert_allclose(cqt_frequencies(n_bins=84, fmin=C1_HZ, bins_per_octave=12),
                               librosa.cqt_frequencies(n_bins=84, fmin=librosa.note_to_hz("C1")),
                               rtol=1e-12)


def test_a4_peaks_in_its_bin():
    y = tones(22050, 2.0)
    magnitude = vqt_magnitude(y, sr=22050)
    a4_bin = round(12 * np.log2(440.0 / librosa.note_to_hz("C1")))  # 45
    assert int(np.argmax(magnitude[:, 10])) == a4_bin


def chunked(y: np.ndarray, size: int) -> list[np.ndarray]:
    return [y[i : i + size] for i in range(0, len(y), size)]


@pytest.mark.parametrize("sr,kw,block_frames,chunk", [
    (22050, {}, None, 65536),  # the default block size: several blocks over 30 s
    (22050, {}, 97, 10000),  # many small blocks, chunks not aligned to anything
    (44100, {"gamma": 20.0}, 150, 44100),  # early downsampling, VQT
    (16000, {"bins_per_octave": 24, "n_bins": 96}, 64, 4096),
    (22050, {"hop_length": 300}, 120, 7000),
])
def test_blocked_equals_one_shot(sr, kw, block_frames, chunk):
    """Concatenated blocks equal the transform of the whole signal: the same frames, the
    same count, differences at float32 rounding, and no larger at block edges."""
    seconds = 30.0
    y = np.concatenate([piano_notes(sr, seed=s) for s in range(6)])[: int(sr * seconds)]
    plan = CqtPlan(sr, kw.get("hop_length", 512), kw.get("fmin", C1_HZ), kw.get("n_bins", 84),
                   kw.get("bins_per_octave", 12), kw.get("gamma", 0.0)).check()
    whole = plan.response(y)
    blocks = list(plan.blocks(chunked(y, chunk), block_frames=block_frames))
    firsts = [first for first, _ in blocks]
    sizes = [len(values) for _, values in blocks]
    assert len(blocks) >= 3
    assert firsts == list(np.cumsum([0, *sizes[:-1]]))  # in order, no gap, no overlap
    got = np.concatenate([values for _, values in blocks]).T
    assert got.shape == whole.shape
    diff = np.abs(got - whole)
    assert diff.max() <= 2e-6 * whole.max()  # float32 rounding of the resamplers
    np.testing.assert_allclose(re_max_db(got), re_max_db(whole), atol=0.02, rtol=0)
    edges = np.array(firsts[1:])
    near = np.unique(np.clip(np.concatenate([edges + d for d in range(-2, 2)]), 0,
                             whole.shape[1] - 1))
    # the frames beside each block edge differ no more than frames anywhere else do
    away = np.setdiff1d(np.arange(whole.shape[1]), near)
    assert diff[:, near].max() <= 4 * max(diff[:, away].max(), 1e-12)


def test_blocked_short_and_empty():
    """A signal shorter than a block (one segment) and no signal at all."""
    plan = CqtPlan(22050, 512, C1_HZ, 84, 12, 0.0).check()
    y = tones(22050, 0.5)
    (first, values), = list(plan.blocks(chunked(y, 1000)))
    assert first == 0
    np.testing.assert_array_equal(values.T, plan.response(y))
    assert list(plan.blocks([])) == []


@pytest.mark.parametrize("kw,match", [
    (dict(sr=22050, n_bins=120), "Nyquist"),
    (dict(sr=22050, fmin=0.0), "positive"),
    (dict(sr=22050, hop_length=0), "hop_length"),
])
def test_bad_settings_one_line(kw, match):
    y = tones(22050, 0.5)
    with pytest.raises(ParameterError, match=match):
        vqt_magnitude(y, **kw)
