"""MFCC, chroma and spectral-contrast matrices as images with labelled rows."""

from __future__ import annotations

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.dsp.matrix_image import PooledMatrix
from sonolens.ui.views.image_layer import ImageLayer
from sonolens.ui.views.layout import TimeView

MATRICES = {  # lower view -> (column prefix, y label, colorbar unit, colormap)
    view: (f.column_prefix, f.label, f.unit, f.colormap)
    for view, f in CATALOG.matrix_views().items()}


class MatrixView(TimeView):
    """One feature family as an image layer: rows = coefficients/pitch classes/bands,
    drawn through the same pooled-image path as the spectrogram (dsp.matrix_image)."""

    def __init__(self) -> None:
        super().__init__(y_label="MFCC")
        self.image_layer = ImageLayer("matrix")
        self.add_layer(self.image_layer)
        self.image = self.image_layer.item
        self.colorbar = self.image_layer.colorbar
        self.set_right_item(self.colorbar)
        self.kind = "mfcc"
        self.palette = "magma"
        self.features = None
        self.row_names: list[str] = []
        self._applied: tuple[str, str] | None = None  # (kind, palette) the axes show

    @property
    def matrix(self) -> np.ndarray | None:
        """The shown (n_rows, n_frames) matrix, or None."""
        provider = self.image_layer.provider
        return provider.matrix if isinstance(provider, PooledMatrix) else None

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
        self.image_layer.set_result(None)

    def _rebuild(self) -> None:
        prefix, label, unit, fixed_map = MATRICES[self.kind]
        if self._applied != (self.kind, self.palette):  # axis labels are slow to set
            self._applied = (self.kind, self.palette)
            self.plot.setLabel("left", label)
            self.image_layer.set_colormap(fixed_map or self.palette)
            self.image_layer.set_unit(unit)
        features = self.features
        names = [n for n in (features.columns if features is not None else {})
                 if n.startswith(prefix)]
        if not names:
            if self.image_layer.provider is not None:
                self.image_layer.set_result(None)
            return
        # chroma/MFCC: a view of the engine's own (n_rows, n_frames) array, not a copy
        matrix = features.feature(prefix)
        times = features.times
        dt = float(times[1] - times[0]) if len(times) > 1 else 1.0
        self.image_layer.set_result(PooledMatrix(matrix, dt))
        self.row_names = names
        labels = [n[len(prefix) :] for n in names]  # 1, 2, … or the pitch classes
        ticks = [(k + 0.5, text) for k, text in enumerate(labels)]
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.getViewBox().setLimits(yMin=0, yMax=len(names))
        self.plot.setYRange(0, len(names), padding=0)
        self.image_layer.y_extent = (0.0, float(len(names)))
        self.image_layer.color_levels = self._levels(matrix)
        self.image_layer.show_levels(*self.image_layer.color_levels)
        self.schedule_redraw()

    def _levels(self, matrix: np.ndarray) -> tuple[float, float]:
        """The catalog entry's ``levels``: "symmetric" about 0 (row 1, MFCC's level, left
        out), "unit" 0..1 (chroma), else 0..max. From a subsample of the frames: < ~5 ms."""
        stride = max(1, matrix.shape[1] // 20000)
        sample = np.nan_to_num(matrix[:, ::stride], nan=0.0)
        rule = CATALOG.matrix_views()[self.kind].levels
        if rule == "symmetric":
            # coefficient 1 is the level (large, negative); scale the colours to the rest
            rest = np.abs(sample[1:] if len(sample) > 1 else sample)
            bound = float(np.percentile(rest, 99)) if rest.size else 1.0
            return -bound, bound
        if rule == "unit":
            return 0.0, 1.0
        return 0.0, float(np.max(sample)) if sample.size else 1.0
