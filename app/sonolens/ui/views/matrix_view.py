"""MFCC, chroma and spectral-contrast matrices as images with labelled rows."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from sonolens.core.catalog import CATALOG
from sonolens.core.features import PITCH_CLASSES
from sonolens.dsp.pooling import max_pool_rows, visible_frames
from sonolens.ui.colormaps import colormap
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.opaque_image import OpaqueImageItem

MATRICES = {  # lower view -> (column prefix, y label, colorbar unit, colormap)
    view: (f.column_prefix, f.label, f.unit, f.colormap)
    for view, f in CATALOG.matrix_views().items()}


class MatrixView(TimeView):
    """One feature family as an image: rows = coefficients/pitch classes/bands."""

    def __init__(self) -> None:
        super().__init__(y_label="MFCC")
        self.image = OpaqueImageItem(axisOrder="row-major")
        self.image.setAutoDownsample(False)
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), width=16, colorMap=colormap("magma"),
                                        interactive=False, colorMapMenu=False)
        self.colorbar.setImageItem(self.image)
        self.set_right_item(self.colorbar)
        self.kind = "mfcc"
        self.palette = "magma"
        self.features = None
        self.matrix: np.ndarray | None = None  # (n_rows, n_frames)
        self.row_names: list[str] = []
        self._levels = (0.0, 1.0)

    def set_kind(self, kind: str, palette: str) -> None:
        if (kind, palette) == (self.kind, self.palette):
            return
        self.kind, self.palette = kind, palette
        self._rebuild()

    def set_features(self, features) -> None:
        self.features = features
        self._rebuild()

    def clear_data(self) -> None:
        self.features = None
        self.matrix = None
        self.image.clear()

    def _rebuild(self) -> None:
        prefix, label, unit, fixed_map = MATRICES[self.kind]
        self.plot.setLabel("left", label)
        self.colorbar.setColorMap(colormap(fixed_map or self.palette))
        self.colorbar.axis.setLabel(unit)
        features = self.features
        names = [n for n in (features.columns if features is not None else {})
                 if n.startswith(prefix)]
        if not names:
            self.matrix = None
            self.image.clear()
            return
        # chroma/MFCC: a view of the engine's own (n_rows, n_frames) array, not a copy
        self.matrix = features.feature(prefix)
        self.row_names = names
        chroma = self.kind == "chroma"
        labels = list(PITCH_CLASSES) if chroma else [n[len(prefix) :] for n in names]
        ticks = [(k + 0.5, text) for k, text in enumerate(labels)]
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.getViewBox().setLimits(yMin=0, yMax=len(names))
        self.plot.setYRange(0, len(names), padding=0)
        stride = max(1, self.matrix.shape[1] // 20000)  # a subsample: under ~5 ms
        sample = np.nan_to_num(self.matrix[:, ::stride], nan=0.0)
        if self.kind == "mfcc":
            # coefficient 1 is the level (large, negative); scale the colours to the rest
            rest = np.abs(sample[1:] if len(sample) > 1 else sample)
            bound = float(np.percentile(rest, 99)) if rest.size else 1.0
            self._levels = (-bound, bound)
        elif self.kind == "chroma":
            self._levels = (0.0, 1.0)
        else:
            self._levels = (0.0, float(np.max(sample)) if sample.size else 1.0)
        self.colorbar.setLevels(self._levels)
        self.schedule_redraw()

    def redraw(self) -> None:
        if self.matrix is None or self.features is None:
            return
        times = self.features.times
        dt = float(times[1] - times[0]) if len(times) > 1 else 1.0
        t0, t1, width = self.visible_span()
        first, stop = visible_frames(self.matrix.shape[1], dt, t0, t1)
        if stop <= first:
            return
        factor = max(1, math.ceil((stop - first) / width))
        first = first // factor * factor  # groups aligned to the factor: steady when panning
        pooled = max_pool_rows(self.matrix[:, first:stop].T, factor).T
        pooled = np.nan_to_num(np.ascontiguousarray(pooled, dtype=np.float32), nan=0.0)
        x0 = (first - 0.5) * dt
        x1 = x0 + pooled.shape[1] * factor * dt
        self.image.setImage(pooled, autoLevels=False, levels=self._levels)
        self.image.setRect(QRectF(x0, 0, x1 - x0, self.matrix.shape[0]))
