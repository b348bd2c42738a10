"""sonolens.dsp.pyin against librosa.pyin on speech, a melody, noise and edge cases.

Issue 17's contract: voicing identical on >= 99.9 % of frames; f0 within 1 cent and voiced
probability within 1e-4 on >= 99.9 % of frames. Where ``fill_na=None`` the f0 of unvoiced
frames is the decoded state's pitch too, so the whole Viterbi path is compared.
"""

from __future__ import annotations

import shutil
import subprocess

import librosa
import numpy as np
import pytest
import soundfile as sf

from sonolens.core.errors import ParameterError
from sonolens.dsp.pyin import BLOCK_FRAMES, pyin

SR = 22050
C2, C7 = librosa.note_to_hz("C2"), librosa.note_to_hz("C7")


def melody(seconds: float = 8.0, sr: int = SR, seed: int = 3) -> np.ndarray:
    """Sung/played notes (0.4 s each, some rests): 5 partials, 5.5 Hz vibrato, decay,
    quiet noise floor. float32 (n,)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    y = np.zeros(n)
    note = int(0.4 * sr)
    for start in range(0, n - note + 1, note):
        if rng.random() < 0.15:
            continue
        f = 98.0 * 2 ** (rng.integers(0, 36) / 12)
        t = np.arange(note) / sr
        phase = 2 * np.pi * np.cumsum(f * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))) / sr
        envelope = np.minimum(1, t / 0.02) * np.exp(-2 * t)
        y[start:start + note] = envelope * sum(0.5**h * np.sin((h + 1) * phase)
                                               for h in range(5))
    y += 0.01 * rng.standard_normal(n)
    return y.astype(np.float32)


def assert_like_librosa(y: np.ndarray, sr: int, **params: object) -> None:
    f0, voiced, prob = pyin(y, sr, **params)
    ref_f0, ref_voiced, ref_prob = librosa.pyin(y, sr=sr, **{"fmin": C2, "fmax": C7, **params})
    assert f0.shape == voiced.shape == prob.shape == ref_f0.shape
    assert voiced.dtype == bool and f0.dtype == prob.dtype == np.float64
    n = len(ref_f0)
    need = int(np.ceil(0.999 * n))
    assert np.count_nonzero(voiced == ref_voiced) >= need
    both = ~np.isnan(f0) & ~np.isnan(ref_f0)
    assert np.count_nonzero(np.isnan(f0) == np.isnan(ref_f0)) >= need
    cents = np.zeros(n)
    cents[both] = 1200 * np.abs(np.log2(f0[both] / ref_f0[both]))
    assert np.count_nonzero(cents <= 1.0) >= need
    assert np.count_nonzero(np.abs(prob - ref_prob) <= 1e-4) >= need


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, int]:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path_factory.mktemp("speech") / "speech.wav"
    text = "The quick brown fox jumps over the lazy dog. How high is the pitch of my voice?"
    subprocess.run(["espeak-ng", "-w", str(wav), text], check=True, capture_output=True)
    y, sr = sf.read(wav, dtype="float32")
    assert y.ndim == 1 and len(y) > sr
    return y, sr


def test_speech_equals_librosa(speech: tuple[np.ndarray, int]) -> None:
    y, sr = speech
    assert_like_librosa(y, sr)


def test_speech_path_equals_librosa_state_for_state(speech: tuple[np.ndarray, int]) -> None:
    y, sr = speech
    assert_like_librosa(y, sr, fill_na=None)


def test_melody_equals_librosa_across_blocks() -> None:
    y = melody()
    assert 1 + len(y) // 512 > BLOCK_FRAMES  # more than one block of frames
    assert_like_librosa(y, SR, fill_na=None)
    f0, voiced, _ = pyin(y, SR)
    assert 0.5 < voiced.mean() < 1.0  # notes voiced, rests not: a real pitch track
    assert np.nanmin(f0) >= 90 and np.nanmax(f0) <= 98 * 2**3 * 1.03


def test_white_noise_equals_librosa() -> None:
    y = np.random.default_rng(7).standard_normal(4 * SR).astype(np.float32) * 0.3
    assert_like_librosa(y, SR, fill_na=None)


def test_silence_equals_librosa() -> None:
    """No trough anywhere: every voiced state is impossible, every unvoiced one equal."""
    y = np.zeros(SR, dtype=np.float32)
    assert_like_librosa(y, SR, fill_na=None)
    f0, voiced, prob = pyin(y, SR)
    assert not voiced.any() and np.isnan(f0).all() and (prob == 0).all()


def test_ten_milliseconds() -> None:
    y = melody(1.0)[: SR // 100]
    assert_like_librosa(y, SR, fill_na=None)
    assert len(pyin(y, SR)[0]) == 1


def test_other_parameters_equal_librosa() -> None:
    y = melody(4.0, seed=11)
    assert_like_librosa(y, SR, fmin=100.0, fmax=1000.0, frame_length=1024, center=False,
                        fill_na=None)
    assert_like_librosa(y.astype(np.float64), SR, hop_length=300, resolution=0.25,
                        max_transition_rate=20.0, switch_prob=0.05, n_thresholds=50,
                        beta_parameters=(1, 10), pad_mode="reflect", fill_na=-1.0)


def test_voicing_that_never_switches_equals_librosa() -> None:
    """switch_prob=0: the voiced/unvoiced cross blocks are all log(tiny), no band at all."""
    assert_like_librosa(melody(2.0, seed=2), SR, switch_prob=0.0, fill_na=None)


def test_other_rate_equals_librosa() -> None:
    y = librosa.resample(melody(3.0, seed=5), orig_sr=SR, target_sr=16000)
    assert_like_librosa(y, 16000, fmax=1000.0, frame_length=1024, fill_na=None)


def test_progress_reports_each_block() -> None:
    y = melody(8.0)
    seen: list[tuple[int, int]] = []
    f0 = pyin(y, SR, progress=lambda done, total: seen.append((done, total)))[0]
    n = len(f0)
    assert [done for done, _ in seen] == [*range(BLOCK_FRAMES, n, BLOCK_FRAMES), n]
    assert {total for _, total in seen} == {n}


def test_checkpointed_decoding_equals_librosa(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long inputs decode the path block by block from checkpoints: same results."""
    from sonolens.dsp import pyin_viterbi

    y = melody(10.0, seed=9)
    kept = pyin(y, SR, fill_na=None)
    monkeypatch.setattr(pyin_viterbi, "KEEP_POINTERS_BYTES", 100_000)
    seen: list[tuple[int, int]] = []
    checkpointed = pyin(y, SR, fill_na=None, progress=lambda *step: seen.append(step))
    for ours, theirs in zip(checkpointed, kept, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    n = len(kept[0])
    assert seen[-1] == (2 * n, 2 * n) and len(seen) == 2 * int(np.ceil(n / BLOCK_FRAMES))
    assert_like_librosa(y, SR, fill_na=None)


@pytest.mark.parametrize(("y", "params", "message"), [
    (np.zeros(SR, dtype=np.float32), {"fmax": 12000.0}, "Nyquist"),
    (np.zeros(SR, dtype=np.float32), {"fmin": 10.0}, "too small for frame_length"),
    (np.zeros((2, SR), dtype=np.float32), {}, "1-D"),
    (np.full(SR, np.nan, dtype=np.float32), {}, "NaN"),
    (np.zeros(SR, dtype=np.int16), {}, "floating-point"),
    (np.zeros(1000, dtype=np.float32), {"center": False}, "too short"),
])
def test_bad_input_is_a_parameter_error(y: np.ndarray, params: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        pyin(y, SR, **params)


def test_low_fmin_warns_like_librosa() -> None:
    with pytest.warns(UserWarning, match="less than two periods of fmin"):
        pyin(np.zeros(SR, dtype=np.float32), SR, fmin=20.0)


def test_low_fmin_warning_can_be_handed_to_a_callback_instead() -> None:
    import warnings

    from sonolens.dsp.pyin import pyin_steps

    heard: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warnings.warn here would raise
        steps = pyin_steps(np.zeros(SR, dtype=np.float32), SR, fmin=20.0,
                           on_warning=heard.append)
        for _ in steps:
            pass
    assert len(heard) == 1 and "less than two periods of fmin" in heard[0]
