"""A per-frame feature column as a curve: each pixel's mean as a line over its min..max.

Drawn from the column's min/max pyramid (a redraw costs O(pixels), not O(frames)); see
ui.views.value_curve. Over the spectrogram the values (Hz) go through the frequency
scale (:meth:`CurveLayer.set_scale`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from sonolens.dsp.minmax import MinMaxPyramid
from sonolens.dsp.pooling import visible_frames
from sonolens.ui.theme import PlotColors
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.layer import BaseLayer, LegendEntry, ReadoutPart
from sonolens.ui.views.value_curve import ValueCurve


def frame_at(features, t: float) -> int | None:
    """The frame of ``features`` (a FeatureTable) nearest to ``t`` s, or None outside."""
    if features is None or features.n_frames == 0:
        return None
    times = features.times
    hop = times[1] - times[0] if features.n_frames > 1 else 1.0
    frame = round(float(t / hop)) if hop > 0 else 0
    return frame if 0 <= frame < features.n_frames else None


def frame_seconds(features) -> float:
    """Seconds between the frames of ``features`` (hop_length / sr)."""
    return features.params.hop_length / float(features.sr)


class CurveLayer(BaseLayer):
    """Column ``column`` of a FeatureTable (``set_result``) as a ValueCurve.

    ``label``: legend name (the readout uses it up to a " (" ); ``unit``: the readout's;
    ``palette_index``: which of the theme's curve colours it takes (None: keeps
    ``color``); ``min_frames``: frames a table needs before the curve is drawn;
    ``coarse_while_moving``: half the columns again during a pan/zoom gesture (dense
    curves cost pixels). ``swatch``: the legend's sample background (None: none).
    """

    def __init__(self, column: str, label: str, color: str, *, unit: str = "",
                 band: bool = True, z: float = 0.0, palette_index: int | None = None,
                 min_frames: int = 0, coarse_while_moving: bool = False) -> None:
        super().__init__(column)
        self.column = column
        self.unit = unit
        self.palette_index = palette_index
        self.min_frames = min_frames
        self.coarse_while_moving = coarse_while_moving
        self.swatch: str | None = None
        self.curve = ValueCurve(color, name=label, band=band, z=z)
        self.features = None
        self.pyramid: MinMaxPyramid | None = None
        self.to_axis: Callable[[np.ndarray], np.ndarray] | None = None

    def items(self) -> list[pg.GraphicsObject]:
        return self.curve.items()

    def set_scale(self, scale) -> None:
        """Values in Hz drawn on ``scale`` (a FrequencyScale; None: as they are)."""
        self.to_axis = scale.to_axis if scale is not None else None

    def set_result(self, result: object | None) -> None:
        """A FeatureTable (or None): the curve is drawn when it has the column."""
        features = result
        self.features = features
        if (features is not None and self.column in features.columns  # type: ignore[attr-defined]
                and features.n_frames >= self.min_frames):  # type: ignore[attr-defined]
            self.pyramid = features.pyramid(self.column)  # type: ignore[attr-defined]
        else:
            self.pyramid = None
            self.curve.clear()

    def redraw(self, t0: float, t1: float, width: int) -> None:
        if self.pyramid is None or self.features is None:
            return
        dt = frame_seconds(self.features)
        first, stop = visible_frames(self.features.n_frames, dt, t0, t1)
        if self.coarse_while_moving and interacting():
            width = max(16, width // 2)
        self.curve.draw(self.pyramid, first, stop, width, dt, self.to_axis)

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        frame = frame_at(self.features, t) if self.pyramid is not None else None
        if frame is None:
            return []
        value = float(self.features.columns[self.column][frame])  # type: ignore[union-attr]
        return [ReadoutPart(self.curve.name.split(" (")[0], f"{value:.4g}", self.unit)]

    def restyle(self, colors: PlotColors) -> None:
        if self.palette_index is not None:
            self.curve.set_color(colors.curves[self.palette_index % len(colors.curves)],
                                 colors.background)

    def legend(self) -> LegendEntry | None:
        if self.pyramid is None:
            return None
        return LegendEntry(self.curve.name, self.curve.color, self.swatch)
