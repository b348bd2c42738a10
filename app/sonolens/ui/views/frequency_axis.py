"""A left axis whose positions are in a FrequencyScale's units but labelled in Hz/kHz."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from sonolens.dsp.scales import FrequencyScale, format_hz

_NICE_STEPS = (1.0, 2.0, 5.0)


class FrequencyAxis(pg.AxisItem):
    """Ticks at round frequencies, placed through ``scale.to_axis``."""

    def __init__(self, orientation: str = "left", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.scale_: FrequencyScale | None = None
        self.setLabel("Frequency", units="")

    def set_scale(self, scale: FrequencyScale) -> None:
        self.scale_ = scale
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float):
        scale = self.scale_
        if scale is None or scale.kind == "linear":
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((minVal, maxVal))
        f_lo = float(scale.from_axis(np.array([lo]))[0])
        f_hi = float(scale.from_axis(np.array([hi]))[0])
        max_ticks = max(2, int(size / 28))
        major = _round_frequencies(max(f_lo, 1e-3), f_hi, max_ticks)
        positions = [float(p) for p in scale.to_axis(np.array(major))] if major else []
        return [(1.0, positions)]

    def tickStrings(self, values, scale, spacing):
        if self.scale_ is None:
            return super().tickStrings(values, scale, spacing)
        hz = self.scale_.from_axis(np.asarray(values, dtype=float))
        return [format_hz(float(f)) for f in hz]


def _round_frequencies(f_lo: float, f_hi: float, max_ticks: int) -> list[float]:
    """Round frequencies (1-2-5 x 10^k) in [f_lo, f_hi], at most ``max_ticks``."""
    if f_hi <= f_lo:
        return []
    candidates: list[float] = []
    for exponent in range(math.floor(math.log10(f_lo)), math.ceil(math.log10(f_hi)) + 1):
        for step in _NICE_STEPS:
            value = step * 10.0**exponent
            if f_lo <= value <= f_hi:
                candidates.append(value)
    if len(candidates) <= max_ticks:
        # too few on a narrow range: add multiples of the finest decade inside it
        if len(candidates) < 3:
            decade = 10.0 ** math.floor(math.log10(max(f_hi - f_lo, 1e-9)))
            first = math.ceil(f_lo / decade) * decade
            candidates = sorted(set(candidates) | {
                first + k * decade for k in range(int((f_hi - first) / decade) + 1)
            })
        return candidates[:max_ticks * 2]
    stride = math.ceil(len(candidates) / max_ticks)
    return candidates[::stride]
