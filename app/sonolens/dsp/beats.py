"""Tempo and beats, equal to librosa 0.11's ``feature.tempo`` and ``beat.beat_track`` with
their defaults (numpy, and numba for the dynamic programme, as librosa).

``tempo(env, sr, hop_length)``: the autocorrelation tempogram of the onset envelope (8 s
hann windows, centred with a linear ramp to 0, each lag column scaled to max 1), averaged
over time, weighted by a log-normal prior around 120 BPM (one octave deviation) with
nothing above 320 BPM; the best lag's BPM. Averaged in runs of frames (no full tempogram).

``beat_track(y, sr)``: the envelope of ``onset_strength(..., aggregate=median)``, its
tempo, then Ellis' dynamic programme (tightness 100) over the envelope scaled by its
standard deviation and smoothed by a Gaussian beat window; beats on the best path, the weak
ones at the ends trimmed (librosa's ``__trim_beats``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import scipy.fft

from sonolens.dsp.onsets import mel_power, strength_from_mel

_RUN = 4096  # tempogram frames per run


def tempo(env: np.ndarray, sr: float, *, hop_length: int = 512, start_bpm: float = 120.0
          ) -> float:
    """``librosa.feature.tempo(onset_envelope=env, sr=sr, hop_length)[0]`` in BPM."""
    win = int(8.0 * sr) // hop_length
    mean = _mean_tempogram(np.asarray(env, dtype=np.float64), win)
    bpms = np.full(win, np.inf)
    bpms[1:] = 60.0 * sr / (hop_length * np.arange(1.0, win))
    with np.errstate(divide="ignore"):
        logprior = -0.5 * ((np.log2(bpms) - np.log2(start_bpm)) / 1.0) ** 2
    logprior[: int(np.argmax(bpms < 320.0))] = -np.inf
    return float(bpms[int(np.argmax(np.log1p(1e6 * mean) + logprior))])


def _mean_tempogram(env: np.ndarray, win: int) -> np.ndarray:
    """librosa's ``tempogram(onset_envelope=env, win_length=win)`` averaged over frames."""
    n = len(env)
    padded = np.pad(env, win // 2, mode="linear_ramp", end_values=0)
    frames = np.lib.stride_tricks.sliding_window_view(padded, win)[:n]
    from scipy.signal import get_window  # here: scipy.signal costs ~1 CPU-s to import

    window = get_window("hann", win, fftbins=True)
    n_pad = scipy.fft.next_fast_len(2 * win - 1, real=True)
    total = np.zeros(win)
    for start in range(0, n, _RUN):
        part = frames[start: start + _RUN] * window
        spectrum = np.fft.rfft(part, n=n_pad, axis=1)
        ac = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=n_pad, axis=1)[:, :win]
        peak = np.max(np.abs(ac), axis=1, keepdims=True)
        peak[peak < np.finfo(np.float64).tiny] = 1.0
        total += (ac / peak).sum(axis=0)
    return total / max(n, 1)


def _local_score(onsets: np.ndarray, fpb: float) -> np.ndarray:  # pragma: no cover
    n = len(onsets)
    offsets = np.arange(-fpb, fpb + 1)
    window = np.exp(-0.5 * (offsets * 32.0 / fpb) ** 2)
    k_len = len(window)
    out = np.zeros(n)
    for i in range(n):
        acc = 0.0
        for k in range(max(0, i + k_len // 2 - n + 1), min(i + k_len // 2, k_len)):
            acc += window[k] * onsets[i + k_len // 2 - k]
        out[i] = acc
    return out


def _dp(localscore: np.ndarray, fpb: float, tightness: float):  # pragma: no cover
    n = len(localscore)
    backlink = np.empty(n, dtype=np.int64)
    cumscore = np.empty(n)
    score_thresh = 0.01 * localscore.max()
    first_beat = True
    backlink[0] = -1
    cumscore[0] = localscore[0]
    for i in range(n):
        score_i = localscore[i]
        best_score = -np.inf
        beat_location = -1
        for loc in range(int(i - np.round(fpb / 2)), int(i - 2 * fpb - 1), -1):
            if loc < 0:
                break
            score = cumscore[loc] - tightness * (np.log(i - loc) - np.log(fpb)) ** 2
            if score > best_score:
                best_score = score
                beat_location = loc
        if beat_location >= 0:
            cumscore[i] = score_i + best_score
        else:
            cumscore[i] = score_i
        if first_beat and score_i < score_thresh:
            backlink[i] = -1
        else:
            backlink[i] = beat_location
            first_beat = False
    return backlink, cumscore


@functools.cache
def _compiled() -> tuple[Callable, Callable]:
    """The local score and the DP compiled by numba (imported and compiled on first use:
    the command line and the pure layers load without it)."""
    import numba

    return numba.njit(cache=True)(_local_score), numba.njit(cache=True)(_dp)


def _last_beat(cumscore: np.ndarray) -> int:
    """librosa's ``__last_beat``: the last local maximum of at least half their median."""
    n = len(cumscore)
    peaks = np.zeros(n, dtype=bool)
    if n > 2:
        peaks[1:-1] = (cumscore[1:-1] > cumscore[:-2]) & (cumscore[1:-1] >= cumscore[2:])
    if n > 1:
        peaks[-1] = cumscore[-1] > cumscore[-2]
    if not peaks.any():
        return n - 1
    threshold = 0.5 * np.median(cumscore[peaks])
    good = np.flatnonzero(peaks & (cumscore >= threshold))
    return int(good[-1]) if len(good) else n - 1


def _trim(localscore: np.ndarray, beats: np.ndarray) -> np.ndarray:
    """librosa's ``__trim_beats`` (trim=True): no beat at the ends below half the RMS of
    the smoothed beat strengths."""
    w = np.hanning(5)
    smooth = np.convolve(localscore[beats], w)[len(w) // 2: len(localscore) + len(w) // 2]
    threshold = 0.5 * float(np.sqrt((smooth**2).mean())) if len(smooth) else 0.0
    beats = beats.copy()
    n = 0
    while n < len(localscore) and localscore[n] <= threshold:
        beats[n] = False
        n += 1
    n = len(localscore) - 1
    while n >= 0 and localscore[n] <= threshold:
        beats[n] = False
        n -= 1
    return beats


def track(env: np.ndarray, bpm: float, sr: float, *, hop_length: int = 512,
          tightness: float = 100.0) -> np.ndarray:
    """Beat frames (int64) of onset envelope ``env`` at tempo ``bpm`` (librosa's tracker)."""
    env = np.asarray(env, dtype=np.float64)
    if not env.any():
        return np.zeros(0, dtype=np.int64)
    fpb = float(np.round(sr / hop_length * 60.0 / bpm))
    onsets = env / (env.std(ddof=1) + np.finfo(np.float64).tiny)
    local_score, dp = _compiled()
    localscore = local_score(onsets, fpb)
    backlink, cumscore = dp(localscore, fpb, float(tightness))
    beats = np.zeros(len(env), dtype=bool)
    n = _last_beat(cumscore)
    while n >= 0:
        beats[n] = True
        n = backlink[n]
    return np.flatnonzero(_trim(localscore, beats)).astype(np.int64)


def beat_track(y: np.ndarray, sr: float, *, hop_length: int = 512) -> tuple[float, np.ndarray]:
    """``librosa.beat.beat_track(y=y, sr=sr, hop_length)``: (tempo in BPM, beat frames);
    (0.0, no beats) when the envelope is all zeros (silence, a very short file)."""
    mel = mel_power(y, sr, hop_length=hop_length)
    env = strength_from_mel(mel, hop_length=hop_length, aggregate="median")
    return beats_from_strength(env, sr, hop_length=hop_length)


def beats_from_strength(env: np.ndarray, sr: float, *, hop_length: int = 512
                        ) -> tuple[float, np.ndarray]:
    """(tempo, beat frames) of a median-aggregated onset envelope, as ``beat_track``."""
    if not np.asarray(env).any():
        return 0.0, np.zeros(0, dtype=np.int64)
    bpm = tempo(env, sr, hop_length=hop_length)
    return bpm, track(env, bpm, sr, hop_length=hop_length)
