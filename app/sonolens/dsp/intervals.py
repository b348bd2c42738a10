"""The numbers of the measuring tools (ruler, harmonic cursor), without Qt.

Intervals between two frequencies in equal-tempered semitones and cents (a semitone is a
factor 2 ** (1/12), a cent 1/100 of it), the harmonics of a fundamental, a fundamental
moved by cents, and the one-line texts the tools show and copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sonolens.core.notes import A4_DEFAULT, hz_to_note_name
from sonolens.dsp.scales import format_hz

MAX_HARMONICS = 200  # markers drawn at most (a low f under a high top)


def semitones(f_from: float, f_to: float) -> float:
    """The interval from ``f_from`` to ``f_to`` (Hz > 0) in semitones (up: positive);
    NaN when either is not a positive finite frequency."""
    if not (math.isfinite(f_from) and math.isfinite(f_to) and f_from > 0 and f_to > 0):
        return math.nan
    return 12.0 * math.log2(f_to / f_from)


def cents(f_from: float, f_to: float) -> float:
    """The interval from ``f_from`` to ``f_to`` in cents (100 per semitone)."""
    return 100.0 * semitones(f_from, f_to)


def split_interval(st: float) -> tuple[int, int]:
    """A signed interval in semitones as (whole semitones, cents in [-50, 50]), the
    nearest semitone first: 7.02 -> (7, 2), 6.6 -> (7, -40), -0.3 -> (0, -30)."""
    total = round(100.0 * st)  # whole cents
    whole = round(total / 100.0)
    return int(whole), int(total - 100 * whole)


def interval_text(f_from: float, f_to: float) -> str:
    """``'+7 st +2 c'`` (nearest semitone, then the cents off it); ``''`` if undefined."""
    st = semitones(f_from, f_to)
    if not math.isfinite(st):
        return ""
    whole, rest = split_interval(st)
    return f"{whole:+d} st {rest:+d} c"


def shift_cents(hz: float, amount: float) -> float:
    """``hz`` moved by ``amount`` cents (positive: up)."""
    return hz * 2.0 ** (amount / 1200.0)


def harmonics(f0: float, top: float, limit: int = MAX_HARMONICS) -> np.ndarray:
    """f0, 2 f0, 3 f0 … up to ``top`` Hz (inclusive), at most ``limit`` of them, float64
    (empty for a non-positive f0)."""
    if not (math.isfinite(f0) and f0 > 0 and math.isfinite(top) and top >= f0):
        return np.zeros(0)
    count = min(limit, math.floor(top / f0 + 1e-9))
    return f0 * np.arange(1, count + 1, dtype=np.float64)


def format_duration(seconds: float) -> str:
    """``'250.0 ms'`` under a second, ``'1.250 s'`` from one (sign kept)."""
    if abs(seconds) < 1.0:
        return f"{seconds * 1000.0:.1f} ms"
    return f"{seconds:.3f} s"


def level_difference(a: float, b: float, unit: str, db: bool) -> float:
    """B's level minus A's in dB: values in dB are subtracted, powers compared as
    10 log10, amplitudes as 20 log10 (NaN where a ratio is undefined)."""
    if db:
        return b - a
    if not (a > 0 and b > 0):
        return math.nan
    return (10.0 if unit == "power" else 20.0) * math.log10(b / a)


@dataclass(frozen=True)
class RulerReading:
    """A ruler from A = (t_a, y_a) to B = (t_b, y_b): times in s; on the spectrogram
    ``f_a``/``f_b`` are the frequencies (Hz) and ``delta_db`` B's level minus A's (NaN:
    unknown); elsewhere the ``y`` values, named ``y_name`` (the axis title) in the text."""

    t_a: float
    t_b: float
    y_a: float
    y_b: float
    f_a: float | None = None
    f_b: float | None = None
    delta_db: float = math.nan
    y_name: str = ""

    @property
    def dt(self) -> float:
        return self.t_b - self.t_a

    @property
    def df(self) -> float:
        return math.nan if self.f_a is None or self.f_b is None else self.f_b - self.f_a

    def text(self) -> str:
        """The one-line readout (also what Copy puts on the clipboard)."""
        parts = [f"Δt {format_duration(self.dt)}"]
        if self.f_a is not None and self.f_b is not None:
            parts.append(f"Δf {self.df:+.1f} Hz ({format_hz(self.f_a)} → "
                         f"{format_hz(self.f_b)} Hz)")
            interval = interval_text(self.f_a, self.f_b)
            if interval:
                parts.append(interval)
            if math.isfinite(self.delta_db):
                parts.append(f"ΔL {self.delta_db:+.1f} dB")
        else:
            parts.append(f"Δ{self.y_name or 'y'} {self.y_b - self.y_a:+.4g} ({self.y_a:.4g} → "
                         f"{self.y_b:.4g})")
        return "   ".join(parts)


def harmonic_text(f0: float, a4: float = A4_DEFAULT) -> str:
    """``'f0 220.0 Hz  A3'`` / ``'f0 225.0 Hz  A3 +39 c'``: the fundamental and its note."""
    note = hz_to_note_name(f0, a4)
    return f"f0 {f0:.1f} Hz" + (f"  {note}" if note else "")
