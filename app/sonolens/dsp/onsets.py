"""Onset strength and onset detection, equal to librosa 0.11 with its defaults (numpy only).

``onset_strength(y, sr)`` = ``librosa.onset.onset_strength(y=y, sr=sr, n_fft, hop_length)``:
the mel power spectrogram (128 bands, 0..sr/2, hann window, centred frames, zero padding)
in dB (``power_to_db``: ref 1, amin 1e-10, ``top_db`` 80 below the loudest band of the
**whole** signal), its positive first difference (lag 1) averaged (or the median) over the
bands, delayed by ``1 + n_fft // (2 hop_length)`` frames. The spectrogram is computed in
runs of frames so a long file needs (n_frames, 128) float64, not its STFT.

``onset_detect(y, sr)`` = ``librosa.onset.onset_detect(y=y, sr=sr, hop_length)`` (frames):
the envelope scaled to 0..1 and librosa's ``peak_pick`` (30 ms local maximum, 100 ms mean
+ 0.07, 30 ms wait).
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from sonolens.dsp.filterbanks import mel_filterbank
from sonolens.dsp.windows import periodic_window

N_MELS = 128
TOP_DB = 80.0
AMIN = 1e-10
_RUN = 1024  # frames per STFT run


def frame_count(n_samples: int, *, hop_length: int) -> int:
    """Frames of a centred STFT of ``n_samples`` (librosa: 1 + n // hop)."""
    return 1 + n_samples // hop_length


def mel_power_steps(y: np.ndarray, sr: float, *, n_fft: int = 2048, hop_length: int = 512
                    ) -> Generator[tuple[int, int], None, np.ndarray]:
    """librosa's ``melspectrogram(y=y, sr=sr, n_fft, hop_length)``, frames-major: float64
    (n_frames, 128). Yields (frames done, n_frames) after each run of frames."""
    y = np.asarray(y)
    if y.dtype not in (np.float32, np.float64):
        y = y.astype(np.float64)
    pad = n_fft // 2  # frames are windowed in float64 run by run (a float32 y stays so)
    padded = np.pad(y, (pad, pad))
    if len(padded) < n_fft:  # librosa warns and pads a signal shorter than its frame
        padded = np.pad(padded, (0, n_fft - len(padded)))
    n_frames = 1 + (len(padded) - n_fft) // hop_length
    window = periodic_window("hann", n_fft)  # = scipy.signal.get_window("hann", n_fft)
    basis = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=N_MELS, fmin=0.0, fmax=0.5 * sr)
    basis_t = basis.T.astype(np.float64)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop_length]
    out = np.empty((n_frames, N_MELS))
    for start in range(0, n_frames, _RUN):
        stop = min(start + _RUN, n_frames)
        spectrum = np.fft.rfft(frames[start:stop] * window, axis=1)
        out[start:stop] = (spectrum.real**2 + spectrum.imag**2) @ basis_t
        yield stop, n_frames
    return out


def mel_power(y: np.ndarray, sr: float, *, n_fft: int = 2048, hop_length: int = 512
              ) -> np.ndarray:
    """:func:`mel_power_steps` run to its end."""
    steps = mel_power_steps(y, sr, n_fft=n_fft, hop_length=hop_length)
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def power_to_db(power: np.ndarray) -> np.ndarray:
    """librosa's ``power_to_db(S)`` (ref 1, amin 1e-10, top_db 80 below the global max)."""
    db = 10.0 * np.log10(np.maximum(AMIN, power))
    if db.size:
        np.maximum(db, db.max() - TOP_DB, out=db)
    return db


def strength_from_mel(mel: np.ndarray, *, n_fft: int = 2048, hop_length: int = 512,
                      aggregate: str = "mean") -> np.ndarray:
    """Onset strength (n_frames,) float64 from the mel power (n_frames, n_mels) of
    :func:`mel_power` (``aggregate``: "mean" as onset_strength, "median" as beat_track)."""
    db = power_to_db(mel)
    reduce = np.median if aggregate == "median" else np.mean
    env = np.zeros(max(0, len(db) - 1))
    for start in range(0, len(env), _RUN):  # in runs: no second (n_frames, 128) array
        stop = min(start + _RUN, len(env))
        env[start:stop] = reduce(np.maximum(0.0, db[start + 1:stop + 1] - db[start:stop]),
                                 axis=1)
    delay = 1 + n_fft // (2 * hop_length)
    return np.concatenate([np.zeros(delay), env])[: len(mel)]


def onset_strength(y: np.ndarray, sr: float, *, n_fft: int = 2048, hop_length: int = 512,
                   aggregate: str = "mean") -> np.ndarray:
    """``librosa.onset.onset_strength(y=y, sr=sr, n_fft, hop_length)``: (n_frames,) float64."""
    mel = mel_power(y, sr, n_fft=n_fft, hop_length=hop_length)
    return strength_from_mel(mel, n_fft=n_fft, hop_length=hop_length, aggregate=aggregate)


def peak_pick(x: np.ndarray, *, pre_max: int, post_max: int, pre_avg: int, post_avg: int,
              delta: float, wait: int) -> np.ndarray:
    """``librosa.util.peak_pick`` (sparse): frame indices (int64) of the peaks of ``x``.

    A frame is a peak when it equals the maximum of x[n - pre_max : n + post_max], is at
    least the mean of x[n - pre_avg : n + post_avg] plus ``delta`` (both windows cut at the
    ends), and comes more than ``wait`` frames after the previous peak. The maxima are
    found at once; the mean is taken (as librosa, ``np.mean`` of the window) only there.
    """
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    padded = np.concatenate([np.full(pre_max, -np.inf), x, np.full(post_max, -np.inf)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, pre_max + post_max)
    is_max = x == windows[:n].max(axis=1)
    peaks: list[int] = []
    after = 0
    for i in np.flatnonzero(is_max):
        if i < after:
            continue
        mean = np.mean(x[max(0, i - pre_avg): min(i + post_avg, n)])
        if x[i] >= mean + delta:
            peaks.append(int(i))
            after = i + wait + 1
    return np.asarray(peaks, dtype=np.int64)


def detect_from_strength(env: np.ndarray, sr: float, *, hop_length: int = 512) -> np.ndarray:
    """``librosa.onset.onset_detect(onset_envelope=env, sr, hop_length)``: onset frames."""
    env = env - env.min() if len(env) else env
    if len(env):
        env = env / (env.max() + np.finfo(env.dtype).tiny)
    if not env.any() or not np.all(np.isfinite(env)):
        return np.zeros(0, dtype=np.int64)
    def frames(seconds: float, extra: int = 0) -> int:  # librosa: ceil(s * sr // hop + extra)
        return int(np.ceil(seconds * sr // hop_length + extra))

    return peak_pick(env, pre_max=frames(0.03), post_max=frames(0.0, 1), pre_avg=frames(0.10),
                     post_avg=frames(0.10, 1), wait=frames(0.03), delta=0.07)


def onset_detect(y: np.ndarray, sr: float, *, hop_length: int = 512) -> np.ndarray:
    """``librosa.onset.onset_detect(y=y, sr=sr, hop_length)`` (n_fft 2048): onset frames."""
    env = onset_strength(y, sr, hop_length=hop_length)
    return detect_from_strength(env, sr, hop_length=hop_length)
