"""A left axis whose positions are in a FrequencyScale's units, labelled in Hz/kHz or with
note names (ui.views.note_ticks: Cs major, semitones minor, labels never overlapping)."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QFontMetricsF

from sonolens.dsp.scales import FrequencyScale, format_hz
from sonolens.ui.views.note_ticks import plan_note_ticks
from sonolens.ui.views.text_axis import TextCachedAxis

_NICE_STEPS = (1.0, 2.0, 5.0)
MIN_TICK_SPACING_PX = 26
MIN_TICK_SPACING_PX_HORIZONTAL = 44  # labels side by side ("200", "10k") need more room


class FrequencyAxis(TextCachedAxis):
    """Ticks at round frequencies, placed through ``scale.to_axis``."""

    def __init__(self, orientation: str = "left", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.scale_: FrequencyScale | None = None
        self.min_spacing_px = (MIN_TICK_SPACING_PX if orientation in ("left", "right")
                               else MIN_TICK_SPACING_PX_HORIZONTAL)
        self.setLabel("Frequency", units="")
        self.notes_a4: float | None = None  # A4 (Hz) when labelled with notes, else None
        self._note_labels: dict[float, str] = {}
        self._hz_fill_limits = list(self.style["textFillLimits"])

    def set_notes(self, a4: float | None) -> None:
        """Label with note names at reference ``a4`` Hz, or in Hz (None)."""
        if a4 == self.notes_a4:
            return
        self.notes_a4 = a4
        # note labels are thinned here (never overlapping), not by pyqtgraph's text density
        self.style["textFillLimits"] = [(0, 1.0)] if a4 else self._hz_fill_limits
        self.picture = None
        self.update()

    def label_spacing_px(self) -> float:
        """Least distance (px) between two label centres: a line of the tick font + 1."""
        return QFontMetricsF(self._font()).height() + 1.0

    def set_scale(self, scale: FrequencyScale) -> None:
        self.scale_ = scale
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float):
        scale = self.scale_
        if scale is None or (scale.kind == "linear" and self.notes_a4 is None):
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((minVal, maxVal))
        if hi <= lo or size <= 0:
            return []
        if self.notes_a4 is not None:
            plan = plan_note_ticks(scale, lo, hi, size / (hi - lo), self.notes_a4,
                                   self.label_spacing_px())
            self._note_labels = plan.labels
            return [(1.0, plan.major), (0.5, plan.minor)]
        f_lo = float(scale.from_axis(np.array([lo]))[0])
        f_hi = float(scale.from_axis(np.array([hi]))[0])
        candidates = _round_frequencies(max(f_lo, 1.0), f_hi)
        positions = scale.to_axis(np.array(candidates)) if candidates else np.array([])
        pixels_per_unit = size / (hi - lo)
        kept: list[float] = []
        for position in sorted(positions, reverse=True):  # high frequencies first
            if all(abs(position - k) * pixels_per_unit >= self.min_spacing_px for k in kept):
                kept.append(float(position))
        return [(1.0, sorted(kept))]

    def tickStrings(self, values, scale, spacing):
        if self.scale_ is None:
            return super().tickStrings(values, scale, spacing)
        if self.notes_a4 is not None:  # None: a tick without a label
            return [self._note_labels.get(float(v)) for v in values]
        hz = self.scale_.from_axis(np.asarray(values, dtype=float))
        return [format_hz(float(f)) for f in hz]


def _round_frequencies(f_lo: float, f_hi: float) -> list[float]:
    """Round frequencies (1, 2, 5 x 10^k) in [f_lo, f_hi], ascending."""
    if f_hi <= f_lo:
        return []
    values = []
    for exponent in range(math.floor(math.log10(f_lo)), math.ceil(math.log10(f_hi)) + 1):
        for step in _NICE_STEPS:
            value = step * 10.0**exponent
            if f_lo <= value <= f_hi:
                values.append(value)
    return values
