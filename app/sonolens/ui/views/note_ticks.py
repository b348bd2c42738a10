"""Which note ticks a frequency axis draws and labels (Qt-free, pixel arithmetic only).

Positions are axis coordinates of a :class:`FrequencyScale` (``scale.to_axis(hz)``);
``px_per_unit`` converts them to pixels along the axis. The C of every octave is a major
tick, always drawn; the other semitones are minor ticks, drawn where neighbouring
semitones lie at least :data:`MIN_MINOR_TICK_PX` apart. A label is the note's name; labels
are kept greedily from the top (high notes first, Cs before other semitones) so that no
two lie closer than ``label_px`` (the text's height plus a gap): they never overlap.
A semitone is labelled only where semitones lie :data:`MIN_SEMITONE_LABEL_PX` apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sonolens.core.notes import is_octave_c, note_ticks
from sonolens.dsp.scales import FrequencyScale

MIN_SEMITONE_LABEL_PX = 14.0  # semitone spacing from which semitones get labels
MIN_MINOR_TICK_PX = 3.0  # closer semitones get no tick mark (on linear scales, low notes)


@dataclass(frozen=True)
class NoteTicks:
    """``major``/``minor``: tick positions (axis units, ascending); ``labels``: position
    -> note name for the labelled ticks."""

    major: list[float]
    minor: list[float]
    labels: dict[float, str]


def plan_note_ticks(scale: FrequencyScale, lo: float, hi: float, px_per_unit: float,
                    a4: float, label_px: float) -> NoteTicks:
    """The note ticks of the axis range [lo, hi] (axis units) of ``scale``."""
    f_lo = float(scale.from_axis(np.array([lo]))[0])
    f_hi = float(scale.from_axis(np.array([hi]))[0])
    notes = note_ticks(max(f_lo, scale.fmin if scale.kind == "log" else 0.0), f_hi, a4)
    if not notes or px_per_unit <= 0:
        return NoteTicks([], [], {})
    # one semitone beyond each end, so the first and last notes know their spacing
    hz = np.array([notes[0][0] / 2 ** (1 / 12), *(f for f, _ in notes),
                   notes[-1][0] * 2 ** (1 / 12)])
    positions = scale.to_axis(hz)
    below, above = np.diff(positions)[:-1], np.diff(positions)[1:]
    if scale.kind == "log":  # even steps; ``to_axis`` clips the extra note below fmin
        below = above
    spacing_px = np.minimum(below, above) * px_per_unit
    major: list[float] = []
    minor: list[float] = []
    candidates: list[tuple[int, float, str]] = []  # (priority, position, name)
    for (_, name), position, spacing in zip(notes, positions[1:-1], spacing_px, strict=True):
        pos = float(position)
        if is_octave_c(name):
            major.append(pos)
            candidates.append((0, pos, name))
        elif spacing >= MIN_MINOR_TICK_PX:
            minor.append(pos)
            if spacing >= MIN_SEMITONE_LABEL_PX:
                candidates.append((1, pos, name))
    candidates.sort(key=lambda c: (c[0], -c[1]))  # Cs first, then from the top
    labels: dict[float, str] = {}
    kept = np.empty(0)
    for _, pos, name in candidates:
        if not len(kept) or np.min(np.abs(kept - pos)) * px_per_unit >= label_px:
            labels[pos] = name
            kept = np.append(kept, pos)
    return NoteTicks(major, minor, labels)
