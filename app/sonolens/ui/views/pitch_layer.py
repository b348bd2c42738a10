"""The pitch track (f0) over the spectrogram: a line through the voiced frames only.

f0 (Hz) goes through the view's frequency scale like every frequency layer. Unvoiced
frames are NaN and the curves connect only finite points, so a gap is never bridged.
Opacity follows the voiced probability in steps, one pen each (fast: no per-segment
colours): every voiced frame is drawn at the first step's alpha, frames with P(voiced) >=
a step's threshold again at its alpha on top (:data:`STEPS`). A dark outline under the
voiced line keeps it readable over every colour map. Zoomed out (more frames than ~3 per
pixel) frames are grouped in aligned groups of a power of 2 frames (about 2 groups per
pixel): a group's f0 is the mean of its voiced frames (NaN: none), its probability the
group's highest; each group size is computed when first drawn (from the nearest smaller
one already made) and kept with the track, so a frame costs only what is drawn. The
strokes are drawn by one item (pitch_curves).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from sonolens.core.catalog import CATALOG
from sonolens.core.notes import A4_DEFAULT, hz_to_note_name
from sonolens.dsp.pooling import visible_frames
from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart
from sonolens.ui.views.pitch_curves import PitchCurves

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
        self.curves = PitchCurves(self.color, WIDTH, STEPS, OUTLINE)
        self.curves.setZValue(10.5)
        self.levels = _Levels(None)  # the frames grouped by 2, 4, 8...
        self.track = None
        self.to_axis: Callable[[np.ndarray], np.ndarray] | None = None
        self.swatch: str | None = None

    def items(self) -> list[pg.GraphicsObject]:
        return [self.curves]

    def set_scale(self, scale) -> None:
        """Values in Hz drawn on ``scale`` (a FrequencyScale; None: as they are)."""
        self.to_axis = scale.to_axis if scale is not None else None

    def set_result(self, result: object | None) -> None:
        """A PitchTrack (or None: nothing drawn)."""
        self.track = result if result is not None and result.n_frames else None  # type: ignore[attr-defined]
        self.levels = _Levels(self.track)
        if self.track is None:
            self.curves.set_data(np.zeros(0), np.zeros(0), np.zeros(0))

    def _dt(self) -> float:
        track = self.track
        return track.params.hop_length / float(track.sr)

    def redraw(self, t0: float, t1: float, width: int) -> None:
        track = self.track
        if track is None:
            return
        dt = self._dt()
        first, stop = visible_frames(track.n_frames, dt, t0, t1)
        wanted = (stop - first) / max(1, 2 * width)  # frames per group for ~2 per pixel
        level = min(MAX_LEVEL, round(np.log2(wanted))) if wanted > 1.5 else 0
        if level:
            step = 2**level
            g0, g1 = first // step, -(-stop // step)
            f0, prob = self.levels.groups(level, g0, g1)
            centres = np.arange(g0, g1) * step + (step - 1) / 2
        else:
            voiced = track.voiced_flag[first:stop]
            f0 = np.where(voiced, track.f0[first:stop], np.nan)
            prob = track.voiced_prob[first:stop]
            centres = np.arange(first, stop, dtype=np.float64)
        y = self.to_axis(f0) if self.to_axis is not None else np.asarray(f0, np.float64)
        self.curves.set_data(np.minimum(centres, track.n_frames - 1) * dt, y, prob)

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


MAX_LEVEL = 24  # groups of at most 2**24 frames


class _Levels:
    """A track's frames in aligned groups of 2**k (the last one shorter), made on demand:
    per level the sum of the voiced f0s, their count and the highest voiced probability."""

    def __init__(self, track) -> None:
        self.track = track
        self._made: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _level(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        made = self._made.get(k)
        if made is not None:
            return made
        if not self._made:  # level 0: the frames themselves
            track = self.track
            self._made[0] = (np.where(track.voiced_flag, track.f0, 0.0),
                             track.voiced_flag.astype(np.float64),
                             np.asarray(track.voiced_prob, dtype=np.float64))
        below = max(j for j in self._made if j < k)
        sums, counts, top = self._made[below]
        factor = 2 ** (k - below)
        pad = (-len(sums)) % factor
        made = tuple(np.pad(a, (0, pad)).reshape(-1, factor).max(axis=1) if n == 2
                     else np.pad(a, (0, pad)).reshape(-1, factor).sum(axis=1)
                     for n, a in enumerate((sums, counts, top)))
        self._made[k] = made  # type: ignore[assignment]
        return made  # type: ignore[return-value]

    def groups(self, k: int, g0: int, g1: int) -> tuple[np.ndarray, np.ndarray]:
        """Groups [g0, g1) of level ``k`` >= 1: (mean f0 of their voiced frames, NaN: none;
        highest voiced probability)."""
        sums, counts, top = (a[g0:g1] for a in self._level(k))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / counts, np.nan), top
