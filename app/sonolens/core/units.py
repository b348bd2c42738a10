"""Human-readable units: note names, times and dB levels for the readouts and panels."""

from __future__ import annotations

import math

from sonolens.core.notes import PITCH_CLASSES

DB_FLOOR = -200.0
"""The level (dB) reported for silence: 20 log10(0) = -inf is replaced by this floor."""


def hz_to_note(hz: float, a4: float = 440.0) -> str:
    """Nearest equal-tempered note of ``hz`` (Hz) with its deviation, e.g. ``"C#5 -12¢"``.

    Scientific pitch notation: MIDI 69 = A4 = ``a4`` Hz, MIDI 60 = C4, MIDI 0 = C-1.
    Cents are rounded to an integer in [-50, +50] and always carry a sign ("A4 +0¢").
    Returns ``''`` for ``hz <= 0`` or a non-finite ``hz``.
    """
    if not math.isfinite(hz) or hz <= 0 or not math.isfinite(a4) or a4 <= 0:
        return ""
    midi = 69.0 + 12.0 * math.log2(hz / a4)
    nearest = math.floor(midi + 0.5)
    cents = math.floor(100.0 * (midi - nearest) + 0.5)
    name = PITCH_CLASSES[nearest % 12]
    octave = nearest // 12 - 1
    return f"{name}{octave} {cents:+d}¢"


def format_time(seconds: float) -> str:
    """``"1.234 s"`` under a minute, ``"m:ss.sss"`` under an hour, else ``"h:mm:ss.sss"``.

    Rounded to the millisecond first (59.9996 s reads ``"1:00.000"``); negative times get a
    leading ``-``; a non-finite value gives ``''``.
    """
    if not math.isfinite(seconds):
        return ""
    sign = "-" if seconds < 0 else ""
    ms = round(abs(seconds) * 1000.0)
    if ms == 0:
        sign = ""
    if ms < 60_000:
        return f"{sign}{ms // 1000}.{ms % 1000:03d} s"
    minutes, ms_in_minute = divmod(ms, 60_000)
    secs = f"{ms_in_minute // 1000:02d}.{ms_in_minute % 1000:03d}"
    if minutes < 60:
        return f"{sign}{minutes}:{secs}"
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs}"


def amplitude_to_dbfs(x: float) -> float:
    """20 log10(|x|) in dB re full scale (1.0 = 0 dBFS); silence (x = 0) gives :data:`DB_FLOOR`.

    Never returns -inf: values below the floor (|x| < 1e-10) are clipped to -200 dB so sums,
    plots and text files stay finite. NaN stays NaN.
    """
    magnitude = abs(float(x))
    if math.isnan(magnitude):
        return math.nan
    if magnitude <= 0.0:
        return DB_FLOOR
    return max(DB_FLOOR, 20.0 * math.log10(magnitude))
