"""Provisional pitch from pyin_steps' forward pass: a growing prefix of frames given after
each block, close to the exact path, without changing the final arrays (librosa's)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.dsp.pyin import BLOCK_FRAMES, pyin_steps
from tests.unit.test_pyin import SR, melody

N_SAMPLES = (3 * BLOCK_FRAMES + 37) * 512 + 301  # 3 blocks and a bit


def run(steps):
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


@pytest.mark.parametrize("checkpointed", [False, True])
def test_provisional_prefixes_leave_the_final_path_unchanged(
        monkeypatch: pytest.MonkeyPatch, checkpointed: bool) -> None:
    from sonolens.dsp import pyin_viterbi

    if checkpointed:
        monkeypatch.setattr(pyin_viterbi, "KEEP_POINTERS_BYTES", 100_000)
    y = melody(N_SAMPLES / SR + 1, seed=8)[:N_SAMPLES].astype(np.float64)
    seen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    with_estimates = run(pyin_steps(y, SR, provisional=lambda est, done: seen.append(
        (done, est.f0.copy(), est.voiced_flag.copy(), est.voiced_prob.copy()))))
    plain = run(pyin_steps(y, SR))
    for name in ("f0", "voiced_flag", "voiced_prob"):  # bit for bit
        np.testing.assert_array_equal(getattr(with_estimates, name), getattr(plain, name))
    _f0, flag, prob = librosa.pyin(y, sr=SR, fmin=librosa.note_to_hz("C2"),
                                  fmax=librosa.note_to_hz("C7"))
    np.testing.assert_allclose(plain.voiced_prob, prob, atol=1e-4)
    assert np.mean(plain.voiced_flag == flag) >= 0.999

    n = len(plain.f0)
    assert [done for done, *_ in seen] == [BLOCK_FRAMES, 2 * BLOCK_FRAMES, 3 * BLOCK_FRAMES, n]
    for done, est_f0, est_flag, est_prob in seen:
        # beyond the frames done: nothing; within: voicing and NaN agree, probs exact
        assert np.isnan(est_f0[done:]).all() and not est_flag[done:].any()
        assert (est_prob[done:] == 0).all()
        np.testing.assert_array_equal(np.isnan(est_f0[:done]), ~est_flag[:done])
        np.testing.assert_allclose(est_prob[:done], prob[:done], atol=1e-4)
    # the provisional path (each block's best path to its end) mostly is the exact one
    _, last_f0, last_flag, _ = seen[-1]
    assert np.mean(last_flag == plain.voiced_flag) >= 0.9
    both = last_flag & plain.voiced_flag
    cents = np.abs(1200 * np.log2(last_f0[both] / plain.f0[both]))
    assert np.mean(cents < 1) >= 0.9
