"""Spectrogram kind kernels: one function per catalog kind (``SpectrogramKind.kernel``).

Each takes an exact STFT's ``magnitude`` |X| (n_frames, n_bins) float32, its ``power``
|X|^2 (or None: not needed by the kind, see ``SpectrogramKind.power``) and the plan (for
its mel filterbank), and returns float32 (n_frames, n_rows) values, time-major. Equal per
frame to librosa with ``ref=1.0`` and no ``top_db`` (the view picks the colour range):
"""

from __future__ import annotations

from typing import Any

import numpy as np

_AMIN_AMPLITUDE = 1e-5  # librosa.amplitude_to_db default
_AMIN_POWER = 1e-10  # librosa.power_to_db default


def magnitude(magnitude: np.ndarray, power: np.ndarray | None, plan: Any) -> np.ndarray:
    """``np.abs(librosa.stft(y, center=True))``."""
    return magnitude


def power(magnitude: np.ndarray, power: np.ndarray | None, plan: Any) -> np.ndarray:
    """magnitude**2."""
    return np.square(magnitude) if power is None else power


def db(magnitude: np.ndarray, power: np.ndarray | None, plan: Any) -> np.ndarray:
    """``librosa.amplitude_to_db(magnitude, ref=1.0, amin=1e-5, top_db=None)`` (it squares,
    then ``power_to_db(amin=amin**2)``)."""
    squared = np.square(magnitude) if power is None else power
    return 10.0 * np.log10(np.maximum(_AMIN_AMPLITUDE**2, squared))


def mel_db(magnitude: np.ndarray, power: np.ndarray | None, plan: Any) -> np.ndarray:
    """``librosa.power_to_db(melspectrogram(S=power, ...), ref=1.0, amin=1e-10,
    top_db=None)``; rows are the plan's mel bands."""
    squared = np.square(magnitude) if power is None else power
    mel = squared @ plan.mel.T
    return 10.0 * np.log10(np.maximum(_AMIN_POWER, mel))


# -- pooled before the log ---------------------------------------------------------------
# A kernel that is "a monotonic function of a per-frame linear quantity" can be max-pooled
# on that quantity first and finished once per pooled column (max of dB = dB of max):
# the display store keeps only pooled columns, so this saves the log of every frame.
# kernel -> (linear part from (|X|, |X|^2 or None, plan), finish of pooled columns)


def _power(magnitude: np.ndarray, power: np.ndarray | None, plan: Any) -> np.ndarray:
    return np.square(magnitude) if power is None else power


def _mel_power(magnitude: np.ndarray, power: np.ndarray | None, plan: Any) -> np.ndarray:
    return _power(magnitude, power, plan) @ plan.mel.T


def _db_of_power(pooled: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(np.maximum(_AMIN_AMPLITUDE**2, pooled))


def _db_of_mel(pooled: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(np.maximum(_AMIN_POWER, pooled))


POOLED = {
    db: (_power, _db_of_power),
    mel_db: (_mel_power, _db_of_mel),
    power: (_power, None),
    magnitude: (magnitude, None),
}
