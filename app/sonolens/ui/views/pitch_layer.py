"""The pitch track (f0) over the spectrogram: a line through the voiced frames only.

f0 (Hz) goes through the view's frequency scale like every frequency layer. Unvoiced
frames are NaN and the curves connect only finite points, so a gap is never bridged.
Opacity follows the voiced probability in steps, one pen each (fast: no per-segment
colours): every voiced frame is drawn at the first step's alpha, frames with P(voiced) >=
a step's threshold again at its alpha on top (:data:`STEPS`). A dark outline under the
voiced line keeps it readable over every colour map. Zoomed out (more frames than 2 per
pixel) frames are grouped: a group's f0 is the mean of its voiced frames (NaN: none), its
probability the group's highest.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from sonolens.core.catalog import CATALOG
from sonolens.core.notes import A4_DEFAULT, hz_to_note_name
from sonolens.dsp.pooling import visible_frames
from sonolens.ui.views.fast_curve import FastCurve
from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart

NAME = "f0"
#: (lowest voiced probability, alpha of 255): each step a curve over the previous ones
STEPS = ((0.0, 110), (0.15, 190), (0.5, 255))
WIDTH = 2  # px
OUTLINE = ("#000000", 120, WIDTH + 2)  # colour, alpha, width (px) under the line


class PitchLayer(BaseLayer):
    """A dsp.pitch.PitchTrack (``set_result``) drawn on the view's scale (``set_scale``)."""

    def __init__(self, color: str | None = None, label: str | None = None) -> None:
        super().__init__(NAME)
        feature = CATALOG.feature(NAME)
        self.color = color or feature.color
        self.label = label or feature.label
        self.a4 = A4_DEFAULT  # Hz: the reference of the note in the readout
        shade = pg.mkColor(OUTLINE[0])
        shade.setAlpha(OUTLINE[1])
        self.outline = FastCurve(pen=pg.mkPen(shade, width=OUTLINE[2]))
        self.outline.setZValue(10.5)
        self.steps: list[tuple[float, FastCurve]] = []
        for number, (lowest, alpha) in enumerate(STEPS):
            ink = pg.mkColor(self.color)
            ink.setAlpha(alpha)
            curve = FastCurve(pen=pg.mkPen(ink, width=WIDTH))
            curve.setZValue(11 + number * 0.1)
            self.steps.append((lowest, curve))
        self.track = None
        self.to_axis: Callable[[np.ndarray], np.ndarray] | None = None
        self.swatch: str | None = None

    def items(self) -> list[pg.GraphicsObject]:
        return [self.outline, *(curve for _, curve in self.steps)]

    def set_scale(self, scale) -> None:
        """Values in Hz drawn on ``scale`` (a FrequencyScale; None: as they are)."""
        self.to_axis = scale.to_axis if scale is not None else None

    def set_result(self, result: object | None) -> None:
        """A PitchTrack (or None: nothing drawn)."""
        self.track = result if result is not None and result.n_frames else None  # type: ignore[attr-defined]
        if self.track is None:
            for item in self.items():
                item.setData([], [])

    def _dt(self) -> float:
        track = self.track
        return track.params.hop_length / float(track.sr)

    def redraw(self, t0: float, t1: float, width: int) -> None:
        track = self.track
        if track is None:
            return
        dt = self._dt()
        first, stop = visible_frames(track.n_frames, dt, t0, t1)
        f0 = track.f0[first:stop]
        prob = track.voiced_prob[first:stop]
        voiced = track.voiced_flag[first:stop]
        step = max(1, len(f0) // max(1, 2 * width))
        centres = first + np.arange(0, len(f0), step) + (step - 1) / 2
        if step > 1:
            f0, prob = _grouped(f0, voiced, prob, step)
        else:
            f0 = np.where(voiced, f0, np.nan)
        y = self.to_axis(f0) if self.to_axis is not None else np.asarray(f0, np.float64)
        x = centres * dt
        self.outline.setData(x, y)
        for lowest, curve in self.steps:
            curve.setData(x, y if lowest <= 0 else np.where(prob >= lowest, y, np.nan))

    def frame_at(self, t: float) -> int | None:
        track = self.track
        if track is None:
            return None
        frame = round(t / self._dt())
        return frame if 0 <= frame < track.n_frames else None

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        frame = self.frame_at(t)
        if frame is None:
            return []
        track = self.track
        if not track.voiced_flag[frame]:
            return [ReadoutPart("f0", "unvoiced")]
        hz = float(track.f0[frame])
        return [ReadoutPart("f0", f"{hz:.1f} Hz {hz_to_note_name(hz, self.a4)}")]  # 220.0 Hz A3

    def legend(self) -> LegendEntry | None:
        if self.track is None:
            return None
        return LegendEntry(self.label, self.color, self.swatch)


def _grouped(f0: np.ndarray, voiced: np.ndarray, prob: np.ndarray, step: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Groups of ``step`` frames: (mean f0 of the voiced frames or NaN, highest prob)."""
    n = len(f0)
    pad = (-n) % step
    ok = np.pad(voiced, (0, pad)).reshape(-1, step)
    values = np.pad(np.where(voiced, f0, 0.0), (0, pad)).reshape(-1, step)
    count = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, values.sum(axis=1) / count, np.nan)
    top = np.pad(prob, (0, pad)).reshape(-1, step).max(axis=1)
    return mean, top
