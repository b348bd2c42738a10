"""Level-meter math (no Qt): peak and RMS per channel in dBFS, with a DAW meter's ballistics.

Full scale (0 dBFS) is a float sample of magnitude 1.0; a level is ``20 log10(x)`` of the
linear value (a full-scale sine: peak 0 dBFS, RMS -3.01 dBFS; no AES17 +3 dB offset).
:class:`LevelMeter` is fed the frames that were output since its last update:

- **peak**: the largest magnitude of the new frames; the bar jumps up at once and falls
  back at ``fall`` dB/s (IEC 60268-18 digital peak meters: 20 dB in 1.7 s);
- **peak hold**: the highest peak stays ``hold`` seconds, then falls at ``fall`` dB/s;
- **RMS**: over the last ``rms_window`` seconds of output (a rectangular window, 300 ms
  as most DAWs' RMS meters);
- **clip**: latched once a sample reaches full scale, until :meth:`LevelMeter.reset_clip`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FULL_SCALE = 1.0
FALL_DB_PER_S = 20.0 / 1.7
HOLD_S = 2.0
RMS_WINDOW_S = 0.3


def to_dbfs(linear: np.ndarray | float) -> np.ndarray:
    """``20 log10(linear / FULL_SCALE)`` in dBFS; 0 gives -inf."""
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(np.asarray(linear, dtype=np.float64) / FULL_SCALE)


def peak_rms(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear peak (max |x|) and RMS (sqrt of the mean square) per channel of ``frames``
    (n, channels), float64 of shape (channels,); zeros for n == 0."""
    frames = np.asarray(frames)
    if len(frames) == 0:
        zeros = np.zeros(frames.shape[1], dtype=np.float64)
        return zeros, zeros.copy()
    x = frames.astype(np.float64, copy=False)
    return np.max(np.abs(x), axis=0), np.sqrt(np.mean(x * x, axis=0))


@dataclass(frozen=True)
class Reading:
    """What a meter shows, per channel (dBFS, -inf for silence)."""

    peak: np.ndarray  # the peak bar (with its fall)
    rms: np.ndarray  # the RMS bar
    hold: np.ndarray  # the peak-hold mark
    clipped: np.ndarray  # bool: a sample reached full scale since the last reset


class LevelMeter:
    """Peak/RMS/hold/clip of ``channels`` channels at ``samplerate`` Hz (see module doc)."""

    def __init__(self, channels: int, samplerate: int, *, rms_window: float = RMS_WINDOW_S,
                 hold: float = HOLD_S, fall: float = FALL_DB_PER_S) -> None:
        if channels <= 0 or samplerate <= 0 or rms_window <= 0 or hold < 0 or fall <= 0:
            raise ValueError("meter needs channels, samplerate, rms_window, fall > 0, "
                             "hold >= 0")
        self.channels, self.samplerate = channels, samplerate
        self.hold_s, self.fall = hold, fall
        self._squares = np.zeros((max(1, round(rms_window * samplerate)), channels))
        self._filled = 0  # frames of the window received so far (up to its length)
        self._at = 0  # next slot of the squares ring
        self._peak = np.full(channels, -np.inf)
        self._hold = np.full(channels, -np.inf)
        self._held_for = np.zeros(channels)  # seconds the hold mark has stayed
        self._clipped = np.zeros(channels, dtype=bool)

    def feed(self, frames: np.ndarray, seconds: float) -> Reading:
        """Update with the ``frames`` (n, channels) output since the last update,
        ``seconds`` ago; returns the new reading."""
        frames = np.asarray(frames, dtype=np.float64)
        if frames.ndim != 2 or frames.shape[1] != self.channels:
            raise ValueError(f"frames must be (n, {self.channels}), got {frames.shape}")
        seconds = max(float(seconds), 0.0)
        peak, _ = peak_rms(frames)
        self._push_squares(frames * frames)
        self._clipped |= peak >= FULL_SCALE
        new = to_dbfs(peak)
        fallen = self._peak - self.fall * seconds
        self._peak = np.maximum(new, fallen)
        self._held_for += seconds
        over = self._held_for - self.hold_s
        drop = np.where(over > 0, self.fall * np.minimum(over, seconds), 0.0)
        self._hold = np.maximum(self._hold - drop, self._peak)
        renewed = new >= self._hold
        self._hold[renewed] = new[renewed]
        self._held_for[renewed] = 0.0
        return self.reading()

    def feed_silence(self, seconds: float) -> Reading:
        """Nothing is being played (no stream): ``seconds`` of silence."""
        n = min(round(max(seconds, 0.0) * self.samplerate), len(self._squares))
        return self.feed(np.zeros((n, self.channels)), seconds)

    def reset_clip(self) -> None:
        self._clipped[:] = False

    def reset_hold(self) -> None:
        """The hold mark drops to the peak bar (and holds from there)."""
        self._hold = self._peak.copy()
        self._held_for[:] = 0.0

    def reading(self) -> Reading:
        window = self._squares[:self._filled] if self._filled < len(self._squares) \
            else self._squares
        mean = window.mean(axis=0) if len(window) else np.zeros(self.channels)
        return Reading(self._peak.copy(), to_dbfs(np.sqrt(mean)), self._hold.copy(),
                       self._clipped.copy())

    def _push_squares(self, squares: np.ndarray) -> None:
        size = len(self._squares)
        squares = squares[-size:]
        n = len(squares)
        first = self._at
        head = min(n, size - first)
        self._squares[first:first + head] = squares[:head]
        self._squares[:n - head] = squares[head:]
        self._at = (first + n) % size
        self._filled = min(self._filled + n, size)
