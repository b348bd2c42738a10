"""Slowed and band-limited playback: a :class:`Transformed` view of a source.

What the player plays instead of the source itself when a speed below 1 or a band is
chosen (DESIGN §6). It is a :class:`~sonolens.audio.protocol.Playable` at the source's
own rate (what the device was opened for) whose frames are the source's frames:

- band-limited (``band``): a zero-phase 4th-order Butterworth band-pass
  (``scipy.signal.sosfiltfilt``: the band's edges at -6 dB, no delay); ``Band.stop`` plays
  the rest instead, the source minus that band-pass (the two add up to the source);
- slowed by an integer ``slowdown`` k (speed 1/k, time expansion as bat workers use it):
  the result resampled ×k with soxr (the pitch drops k times); output frame j is source
  time j/k, so a playhead at output frame j shows file frame j/k.

Reads are computed in tiles of whole source frames with a margin of context on each side
(the filter's and the resampler's reach), so any read, in any order, gives the samples a
pass over the whole file would (to float32 rounding). Optional fades (raised cosine, 10 ms)
at the ends of the played region keep its start, end and loop wrap free of clicks.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from sonolens.audio.protocol import Playable
from sonolens.core.errors import ParameterError

SLOWDOWNS = (1, 2, 4, 8, 10, 16, 20, 32)
"""The slow-down factors k offered (speed 1/k)."""
FADE_S = 0.01  # seconds of fade at each end of a transformed region
BAND_ORDER = 4  # Butterworth order of the band filter (applied twice: zero phase)
RESAMPLE_MARGIN = 512  # source frames of context around a tile for soxr (its reach < 256)
TILE_OUT = 65536  # output frames per tile (about)
_DECAY = 1e-7  # a filter's impulse response is "over" below this fraction of its start
_MAX_MARGIN_S = 10.0


@dataclass(frozen=True)
class Band:
    """A frequency band in Hz (None: from 0 / up to Nyquist); ``stop``: all but the band."""

    low_hz: float | None
    high_hz: float | None
    stop: bool = False


def band_sos(band: Band, samplerate: int) -> np.ndarray | None:
    """Second-order sections of the band-pass for ``band`` at ``samplerate`` (Hz), or None
    when the band covers the whole spectrum (band-pass = the source itself).

    A band from 0 is a low-pass at ``high_hz``, one up to Nyquist a high-pass at
    ``low_hz``. Raises ParameterError for an empty band.
    """
    from scipy.signal import butter

    nyquist = samplerate / 2.0
    low = band.low_hz if band.low_hz is not None and band.low_hz > 0 else None
    high = band.high_hz if band.high_hz is not None and band.high_hz < nyquist else None
    if low is not None and high is not None and high <= low:
        raise ParameterError(f"the band {low:g}–{high:g} Hz is empty")
    if low is not None and low >= nyquist:
        raise ParameterError(f"the band starts at {low:g} Hz, above Nyquist ({nyquist:g} Hz)")
    if low is None and high is None:
        return None
    if low is None:
        return butter(BAND_ORDER, high, btype="lowpass", fs=samplerate, output="sos")
    if high is None:
        return butter(BAND_ORDER, low, btype="highpass", fs=samplerate, output="sos")
    return butter(BAND_ORDER, [low, high], btype="bandpass", fs=samplerate, output="sos")


def filter_reach(sos: np.ndarray, samplerate: int) -> int:
    """Frames after which the filter's impulse response has decayed below 1e-7 (from its
    poles' radius), capped at 10 s: the context a zero-phase pass needs on each side."""
    from scipy.signal import sos2zpk

    _, poles, _ = sos2zpk(sos)
    radius = float(np.max(np.abs(poles))) if len(poles) else 0.0
    cap = int(_MAX_MARGIN_S * samplerate)
    if radius <= 0.0:
        return len(sos) * 2
    if radius >= 1.0:
        return cap
    # a pole of multiplicity m decays as n^m r^n: take twice the plain estimate
    return min(cap, 2 * math.ceil(math.log(_DECAY) / math.log(radius)) + 64)


def fade_ramp(length: int) -> np.ndarray:
    """float32 (length,) raised-cosine ramp rising from near 0 to near 1 (both excluded)."""
    n = np.arange(1, length + 1, dtype=np.float64)
    return (0.5 - 0.5 * np.cos(np.pi * n / (length + 1))).astype(np.float32)


class Fades:
    """Raised-cosine fades (``FADE_S`` each, at most a quarter of the region) at the ends
    of a played region of output frames at ``samplerate``."""

    def __init__(self, samplerate: int) -> None:
        self.samplerate = samplerate
        self._ramps: tuple[tuple[int, np.ndarray], ...] = ()

    def set(self, lo: int | None, hi: int | None = None, *, resume: int | None = None
            ) -> None:
        """Fade in from frame ``lo`` (and from ``resume``, where playing carries on after a
        change) and out to ``hi``; ``lo=None``: no fades."""
        if lo is None or hi is None or hi <= lo:
            self._ramps = ()
            return
        length = max(1, min(round(FADE_S * self.samplerate), (hi - lo) // 4))
        ramp = fade_ramp(length)
        ins = (int(lo),) if resume is None or resume == lo else (int(lo), int(resume))
        self._ramps = (*((first, ramp) for first in ins), (int(hi) - length, ramp[::-1]))

    def apply(self, out: np.ndarray, start: int) -> None:
        """Multiply ``out`` (n, channels), frames from ``start``, by the fades in place."""
        for first, gains in self._ramps:
            a, b = max(first, start), min(first + len(gains), start + len(out))
            if a < b:
                out[a - start:b - start] *= gains[a - first:b - first, None]


class SlowedPlayable:
    """What every slowed view of a source shares: output frames are source frames times
    ``slowdown`` (``frames``, :meth:`to_output`, :meth:`to_source`), at the source's rate
    and channels, with :class:`Fades` at the ends of what is played."""

    def __init__(self, source: Playable, slowdown: int) -> None:
        if int(slowdown) != slowdown or slowdown < 1:
            raise ParameterError(f"slowdown must be a whole number >= 1, got {slowdown}")
        self._source = source
        self.slowdown = int(slowdown)
        self.fades = Fades(source.samplerate)

    @property
    def samplerate(self) -> int:
        return self._source.samplerate

    @property
    def channels(self) -> int:
        return self._source.channels

    @property
    def frames(self) -> int:
        return self._source.frames * self.slowdown

    def to_output(self, frame: int) -> int:
        """The output frame where source frame ``frame`` is played."""
        return int(frame) * self.slowdown

    def to_source(self, frame: int) -> float:
        """The source frame (fractional) played at output frame ``frame``."""
        return frame / self.slowdown

    def set_fades(self, lo: int | None, hi: int | None = None, *,
                  resume: int | None = None) -> None:
        """See :meth:`Fades.set` (output frames)."""
        self.fades.set(lo, hi, resume=resume)


class Transformed(SlowedPlayable):
    """``source`` band-limited and/or slowed ``slowdown`` times (see the module doc).

    Frames are output frames: ``frames = source.frames * slowdown``; :meth:`to_source`
    maps one back to the file. Read from one thread at a time (the feeder's).
    """

    def __init__(self, source: Playable, *, slowdown: int = 1, band: Band | None = None
                 ) -> None:
        super().__init__(source, slowdown)
        k = self.slowdown
        self.band = band
        sr = source.samplerate
        self._sos = None if band is None else band_sos(band, sr)
        reach = 0 if self._sos is None else filter_reach(self._sos, sr)
        self._margin = reach + (RESAMPLE_MARGIN if k > 1 else 0)
        self._tile = max(1024, TILE_OUT // k, reach)
        self._tiles: OrderedDict[int, np.ndarray] = OrderedDict()

    # -- Playable --------------------------------------------------------------------------
    def read(self, start: int, stop: int) -> np.ndarray:
        """Output frames [start, stop) as float32 (n, channels); shorter at the end."""
        start, stop = max(int(start), 0), min(int(stop), self.frames)
        if stop <= start:
            return np.zeros((0, self.channels), dtype=np.float32)
        span = self._tile * self.slowdown
        parts = []
        for index in range(start // span, (stop - 1) // span + 1):
            tile = self._tile_at(index)
            first = index * span
            part = tile[max(start - first, 0):stop - first]
            parts.append(part)
            if len(tile) < span:  # the data ends here
                break
        out = np.concatenate(parts) if len(parts) > 1 else parts[0].copy()
        self.fades.apply(out, start)
        return out

    # -- internals -------------------------------------------------------------------------
    def _tile_at(self, index: int) -> np.ndarray:
        tile = self._tiles.get(index)
        if tile is None:
            tile = self._compute(index)
            self._tiles[index] = tile
            while len(self._tiles) > 4:
                self._tiles.popitem(last=False)
        else:
            self._tiles.move_to_end(index)
        return tile

    def _compute(self, index: int) -> np.ndarray:
        """Tile ``index``: source frames [index·T, (index+1)·T) transformed, with context."""
        first = index * self._tile
        a = max(first - self._margin, 0)
        data = np.asarray(self._source.read(a, first + self._tile + self._margin),
                          dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        got = min(max(len(data) - (first - a), 0), self._tile)
        if got == 0:
            return np.zeros((0, self.channels), dtype=np.float32)
        signal = data.astype(np.float64)
        if self.band is not None:
            signal = self._filtered(signal)
        if self.slowdown > 1:
            import soxr

            sr = self.samplerate
            signal = soxr.resample(signal, sr, sr * self.slowdown, quality="HQ")
        k = self.slowdown
        offset = (first - a) * k
        return np.ascontiguousarray(signal[offset:offset + got * k], dtype=np.float32)

    def _filtered(self, signal: np.ndarray) -> np.ndarray:
        from scipy.signal import sosfiltfilt

        if self._sos is None:  # the band is the whole spectrum
            passed = signal
        elif len(signal) <= 3 * (2 * len(self._sos) + 1):  # too short for filtfilt's padding
            passed = np.zeros_like(signal)
        else:
            passed = sosfiltfilt(self._sos, signal, axis=0)
        return signal - passed if self.band is not None and self.band.stop else passed
