"""Fast pYIN: ``librosa.pyin`` (0.11) with the same numbers, computed in blocks of frames.

The YIN half (:mod:`sonolens.dsp.pyin_yin`) runs vectorised over a block of frames; each
block's observations feed the banded Viterbi forward pass (:mod:`sonolens.dsp.pyin_viterbi`)
at once. Short inputs keep the uint16 backpointers (2 x n_pitch per frame, 2.4 KB); long ones
(over ~10 minutes at hop 512 / 22050 Hz) keep per-block checkpoints instead and decode the
path block by block in a second pass, so memory stays nearly flat (~100 bytes a frame).
:func:`pyin_steps` yields ``(done, total)`` work units (frames, twice when checkpointed)
after each block, a progress and cancel checkpoint; :func:`pyin` runs it to the end.
Input is one channel (1-D); the caller picks the channel or the mix. The compiled parts
(numba) load on first use, not on import: importing this module stays light.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from sonolens.core.errors import ParameterError

if TYPE_CHECKING:
    from sonolens.dsp.pyin_viterbi import Observations
    from sonolens.dsp.pyin_yin import YinPlan

FMIN_C2 = 65.40639132514966  # librosa.note_to_hz("C2")
FMAX_C7 = 2093.004522404789  # librosa.note_to_hz("C7")
BLOCK_FRAMES = 256


class Samples(Protocol):
    """A 1-D signal read forward by sample range instead of one array (e.g.
    :class:`sonolens.dsp.chunk_stream.ChunkStream`): pyin reads [start, stop) ranges whose
    start never decreases, so a long signal need not be held in memory."""

    def __len__(self) -> int: ...

    def read(self, start: int, stop: int) -> np.ndarray: ...


@dataclass(frozen=True)
class PyinResult:
    """Per-frame results (n_frames,): f0 in Hz (fill_na where unvoiced), voicing, P(voiced)."""

    f0: np.ndarray
    voiced_flag: np.ndarray
    voiced_prob: np.ndarray


def pyin(y: np.ndarray, sr: float, *, fmin: float = FMIN_C2, fmax: float = FMAX_C7,
         frame_length: int = 2048, hop_length: int | None = None, n_thresholds: int = 100,
         beta_parameters: tuple[float, float] = (2, 18), boltzmann_parameter: float = 2,
         resolution: float = 0.1, max_transition_rate: float = 35.92,
         switch_prob: float = 0.01, no_trough_prob: float = 0.01,
         fill_na: float | None = np.nan, center: bool = True, pad_mode: str = "constant",
         progress: Callable[[int, int], None] | None = None,
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``librosa.pyin(y, sr=sr, ...)`` for mono ``y`` (n,): (f0, voiced_flag, voiced_prob),
    each (n_frames,). ``progress(done, total)`` is called after each block of frames."""
    steps = pyin_steps(y, sr, fmin=fmin, fmax=fmax, frame_length=frame_length,
                       hop_length=hop_length, n_thresholds=n_thresholds,
                       beta_parameters=beta_parameters,
                       boltzmann_parameter=boltzmann_parameter, resolution=resolution,
                       max_transition_rate=max_transition_rate, switch_prob=switch_prob,
                       no_trough_prob=no_trough_prob, fill_na=fill_na, center=center,
                       pad_mode=pad_mode)
    while True:
        try:
            done, total = next(steps)
        except StopIteration as stop:
            result: PyinResult = stop.value
            return result.f0, result.voiced_flag, result.voiced_prob
        if progress is not None:
            progress(done, total)


def pyin_steps(y: np.ndarray | Samples, sr: float, *, fmin: float = FMIN_C2, fmax: float = FMAX_C7,
               frame_length: int = 2048, hop_length: int | None = None,
               n_thresholds: int = 100, beta_parameters: tuple[float, float] = (2, 18),
               boltzmann_parameter: float = 2, resolution: float = 0.1,
               max_transition_rate: float = 35.92, switch_prob: float = 0.01,
               no_trough_prob: float = 0.01, fill_na: float | None = np.nan,
               center: bool = True, pad_mode: str = "constant",
               provisional: Callable[[PyinResult, int], None] | None = None,
               on_warning: Callable[[str], None] | None = None,
               ) -> Generator[tuple[int, int], None, PyinResult]:
    """pYIN as a generator: yields ``(frames_done, n_frames)`` after each block, returns a
    :class:`PyinResult`. Stop iterating to cancel. ``y`` may be :class:`Samples` (streamed,
    same results) with ``pad_mode='constant'`` or ``center=False``. ``provisional(estimate,
    done)``, called after each forward block (before its yield), gets a growing PyinResult
    (n_frames,) whose first ``done`` frames hold a provisional path (each block's best path
    to its last frame), the rest NaN / unvoiced / 0; the same arrays each call (copy them
    to keep them). The final result is the same with or without it. ``on_warning(text)``
    receives librosa's warnings instead of ``warnings.warn`` (no global warning state on
    a worker thread)."""
    from sonolens.dsp.pyin_viterbi import Decoder, make_transitions
    from sonolens.dsp.pyin_yin import make_yin_plan

    _check(y, sr=sr, fmin=fmin, fmax=fmax, frame_length=frame_length, on_warning=on_warning)
    hop = frame_length // 4 if hop_length is None else int(hop_length)
    if hop < 1:
        raise ParameterError(f"hop_length={hop} must be a positive integer")
    plan = make_yin_plan(sr=sr, fmin=fmin, fmax=fmax, frame_length=frame_length,
                         n_thresholds=n_thresholds, beta_parameters=beta_parameters,
                         boltzmann_parameter=boltzmann_parameter, resolution=resolution,
                         no_trough_prob=no_trough_prob)
    n_pitch = plan.n_pitch_bins
    max_semitones_per_frame = round(max_transition_rate * 12 * hop / sr)
    width = max_semitones_per_frame * plan.n_bins_per_semitone + 1
    trans = make_transitions(n_pitch, width, switch_prob)

    signal = _Padded(y, frame_length // 2 if center else 0, pad_mode)
    if signal.length < frame_length:
        raise ParameterError(
            f"input is too short ({signal.length} samples) for frame_length={frame_length}")
    n_frames = 1 + (signal.length - frame_length) // hop
    decoder = Decoder(trans, n_frames)
    total = 2 * n_frames if decoder.checkpointed else n_frames  # a second Viterbi pass
    voiced_prob = np.empty(n_frames)
    freqs = fmin * 2 ** (np.arange(n_pitch) / (12 * plan.n_bins_per_semitone))
    estimate = None if provisional is None else PyinResult(
        np.full(n_frames, np.nan), np.zeros(n_frames, dtype=bool), np.zeros(n_frames))
    for start in range(0, n_frames, BLOCK_FRAMES):
        stop = min(n_frames, start + BLOCK_FRAMES)
        segment = signal.read(start * hop, (stop - 1) * hop + frame_length)
        if not isinstance(y, np.ndarray):
            _check_segment(segment)
        frames = np.lib.stride_tricks.sliding_window_view(segment, frame_length)[::hop]
        obs = _observations(frames, plan)
        voiced_prob[start:stop] = obs.voiced
        states = decoder.feed(obs, path=estimate is not None)
        if estimate is not None and provisional is not None and states is not None:
            _fill(estimate, start, stop, states, freqs, obs.voiced)
            provisional(estimate, stop)
        yield stop, total

    backward = decoder.backward()
    while True:
        try:
            yield n_frames + next(backward), total
        except StopIteration as stop:
            states = stop.value
            break
    f0 = freqs[states % n_pitch]
    voiced_flag = states < n_pitch
    if fill_na is not None:
        f0[~voiced_flag] = fill_na
    return PyinResult(f0=f0, voiced_flag=voiced_flag, voiced_prob=voiced_prob)


def _fill(estimate: PyinResult, start: int, stop: int, states: np.ndarray, freqs: np.ndarray,
          voiced: np.ndarray) -> None:
    """Frames [start, stop) of ``estimate`` from provisional ``states`` (NaN unvoiced)."""
    n_pitch = len(freqs)
    flag = states < n_pitch
    estimate.voiced_flag[start:stop] = flag
    estimate.f0[start:stop] = np.where(flag, freqs[states % n_pitch], np.nan)
    estimate.voiced_prob[start:stop] = voiced


def _observations(frames: np.ndarray, plan: YinPlan) -> Observations:
    """Observations of frames (n, frame_length), as librosa's ``__pyin_helper``."""
    from sonolens.dsp.pyin_viterbi import Observations
    from sonolens.dsp.pyin_yin import cmnd, parabolic_shifts, trough_probs

    yin = cmnd(frames, plan.min_period, plan.max_period)
    shifts = parabolic_shifts(yin)
    frame, lag, probs = trough_probs(yin, plan)
    keep = probs != 0
    frame, lag, probs = frame[keep], lag[keep], probs[keep]
    period = (plan.min_period + lag) + shifts[frame, lag]
    f0 = plan.sr / period
    n_pitch = plan.n_pitch_bins
    bins = 12 * plan.n_bins_per_semitone * np.log2(f0 / plan.fmin)
    bins = np.clip(np.round(bins), 0, n_pitch).astype(int)
    n = len(frames)
    obs = np.zeros((n, n_pitch + 1))  # bin n_pitch (clipped above fmax) is dropped
    obs[frame, bins] = probs  # repeated (frame, bin): the last (longest period) wins
    hit_frame, hit_bin = np.nonzero(obs[:, :n_pitch])
    hit_prob = obs[hit_frame, hit_bin]
    voiced = np.zeros(n)
    np.add.at(voiced, hit_frame, hit_prob)  # bin by bin, as numpy's axis-0 sum
    return Observations(n=n, frame=hit_frame, bin=hit_bin, prob=hit_prob,
                        voiced=np.clip(voiced, 0, 1))


class _Padded:
    """The signal as librosa pads it for centred frames, read by sample range."""

    def __init__(self, y: np.ndarray | Samples, pad: int, pad_mode: str) -> None:
        self.pad = pad
        if pad and pad_mode != "constant":
            if not isinstance(y, np.ndarray):
                raise ParameterError(f"a streamed signal cannot be padded with '{pad_mode}'")
            y = np.pad(y, (pad, pad), mode=pad_mode)  # type: ignore[call-overload]
            self.pad = 0
        self.y = y
        self.length = len(y) + 2 * self.pad

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples [start, stop) of the padded signal (zeros in the constant padding)."""
        lo, hi = start - self.pad, stop - self.pad
        if lo >= 0 and hi <= len(self.y):
            return self._samples(lo, hi)
        a, b = max(lo, 0), min(hi, len(self.y))
        inside = self._samples(a, max(a, b))
        out = np.zeros(stop - start, dtype=inside.dtype)
        out[a - lo : a - lo + len(inside)] = inside
        return out

    def _samples(self, a: int, b: int) -> np.ndarray:
        return self.y[a:b] if isinstance(self.y, np.ndarray) else self.y.read(a, b)


def _check_segment(segment: np.ndarray) -> None:
    """``_check``'s sample tests for a streamed signal, one block at a time."""
    if not np.issubdtype(segment.dtype, np.floating):
        raise ParameterError(f"audio samples must be floating-point, not {segment.dtype}")
    if not np.isfinite(segment).all():
        raise ParameterError("audio contains NaN or infinite samples")


def _check(y: np.ndarray | Samples, *, sr: float, fmin: float, fmax: float,
           frame_length: int, on_warning: Callable[[str], None] | None = None) -> None:
    """librosa's ``valid_audio`` and ``__check_yin_params``, as ParameterError (a
    streamed signal's samples are checked block by block: ``_check_segment``)."""
    if isinstance(y, np.ndarray):
        if y.ndim != 1:
            raise ParameterError("pyin needs a 1-D array of samples (pick a channel or the mix)")
        _check_segment(y)
    elif not callable(getattr(y, "read", None)):
        raise ParameterError("pyin needs a 1-D array of samples (pick a channel or the mix)")
    if fmax > sr / 2:
        raise ParameterError(f"fmax={fmax:.3f} cannot exceed Nyquist frequency {sr / 2}")
    if fmin >= fmax:
        raise ParameterError(f"fmin={fmin:.3f} must be less than fmax={fmax:.3f}")
    if fmin <= 0:
        raise ParameterError(f"fmin={fmin:.3f} must be strictly positive")
    if sr / fmin >= frame_length - 1:
        raise ParameterError(
            f"fmin={fmin:.3f} is too small for frame_length={frame_length} and sr={sr}: "
            f"use fmin >= {sr / (frame_length - 1):.3f} or frame_length >= "
            f"{int(np.ceil(sr / fmin) + 1)}")
    if sr / fmin >= frame_length // 2:
        text = (f"With fmin={fmin:.3f}, sr={sr} and frame_length={frame_length}, less than "
                "two periods of fmin fit into the frame, which can cause inaccurate pitch "
                "detection.")
        if on_warning is not None:
            on_warning(text)
        else:
            warnings.warn(text, stacklevel=3)
