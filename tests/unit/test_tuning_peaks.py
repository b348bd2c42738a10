"""The tuning's peak picking is librosa's ``localmax`` (``x[i] > x[i-1] and x[i] >= x[i+1]``),
flat peaks included: ``scipy.signal.find_peaks`` takes a plateau's middle and skips a
plateau that rises again, which moves the peaks and the tuning (see dsp/tuning.py)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.dsp import filterbanks
from sonolens.dsp.tuning import TuningPeaks

SR, N_FFT = 22050, 2048


def _plateaus(seed: int, n_frames: int = 40) -> np.ndarray:
    """float32 power (n_bins, n_frames): noise under the threshold and flat-topped peaks
    2-4 bins wide, each followed by a drop or by a louder bin."""
    rng = np.random.default_rng(seed)
    power = rng.uniform(0, 0.05, (N_FFT // 2 + 1, n_frames)).astype(np.float32)
    for t in range(n_frames):
        for _ in range(3):
            k, width = int(rng.integers(20, 350)), int(rng.integers(2, 5))
            power[k - 1, t] = 0.6
            power[k:k + width, t] = 1.0
            power[k + width, t] = 0.3 if rng.random() < 0.5 else 1.4
    return power


@pytest.mark.parametrize("seed", [3, 4])
def test_flat_peaks_are_picked_as_librosa_picks_them(seed):
    power = _plateaus(seed)
    peaks = TuningPeaks(sr=SR, n_fft=N_FFT)
    found = peaks.find(np.ascontiguousarray(power.T))
    assert found is not None
    pitches, mags = librosa.piptrack(S=power, sr=SR, n_fft=N_FFT, fmin=150.0, fmax=4000.0,
                                     threshold=0.1)
    picked = mags > 0
    want = sorted(zip(filterbanks.tuning_bins(pitches[picked]).tolist(),
                      mags[picked].tolist(), strict=True))
    assert sorted(zip(found[0].tolist(), found[1].tolist(), strict=True)) == want
    peaks.add(found)
    assert peaks.estimate() == librosa.estimate_tuning(S=power, sr=SR, n_fft=N_FFT)
