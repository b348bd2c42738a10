"""The one pooled-image path: a spectrogram or a feature matrix drawn from its provider.

A provider answers ``image(t0, t1, max_columns) -> (array, (x0, x1))``: float32
(n_rows, n_cols) columns covering [x0, x1) s, max-pooled to at most ``max_columns``
(dsp.spectrogram.Spectrogram, dsp.matrix_image.PooledMatrix). The layer turns its rows
into display rows (:meth:`ImageLayer.display`, e.g. onto a frequency scale), colours them
with fixed levels (OpaqueImageItem: row-major float32, ``setRect``) and keeps its colorbar
(the view's right column) in step.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from sonolens.ui.colormaps import colormap
from sonolens.ui.theme import PlotColors, style_colorbar
from sonolens.ui.views.layer import BaseLayer
from sonolens.ui.views.opaque_image import OpaqueImageItem


class ImageProvider(Protocol):
    def image(self, t0: float, t1: float, max_columns: int
              ) -> tuple[np.ndarray, tuple[float, float]]:
        """(float32 (n_rows, n_cols), (x0, x1) s) of the columns overlapping [t0, t1]."""
        ...


class ImageLayer(BaseLayer):
    """A pooled image with a colorbar.

    ``color_levels`` (lo, hi): the values at the ends of the colour table; ``relative``:
    draw values relative to ``hi`` (dB re max: the colorbar then reads lo - hi .. 0);
    ``unit``: the colorbar's label; ``y_extent`` (y0, y1): the plot's y span the display
    rows fill, bottom to top. ``shown``: whether the last redraw drew any column.
    """

    opaque = True

    def __init__(self, name: str, *, levels: tuple[float, float] = (0.0, 1.0),
                 colormap_name: str = "magma") -> None:
        super().__init__(name)
        self.item = OpaqueImageItem(axisOrder="row-major")
        self.item.setAutoDownsample(False)  # we pool with max ourselves
        self.colorbar = pg.ColorBarItem(values=levels, width=16,
                                        colorMap=colormap(colormap_name),
                                        interactive=False, colorMapMenu=False)
        self.colorbar.setImageItem(self.item)
        self.provider: ImageProvider | None = None
        self.color_levels = levels
        self.relative = False
        self.unit = ""
        self.y_extent = (0.0, 1.0)
        self.shown = False
        self._colorbar_state: tuple | None = None  # (lo, hi, unit) the colorbar shows

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item]

    def set_result(self, result: object | None) -> None:
        """The provider of the columns (None: clear the image)."""
        self.provider = result  # type: ignore[assignment]
        if result is None:
            self.item.clear()
            self.shown = False

    def set_colormap(self, name: str) -> None:
        self.colorbar.setColorMap(colormap(name))

    def display(self, array: np.ndarray) -> np.ndarray:
        """The provider's (n_rows, n_cols) -> the rows drawn (float32, C-contiguous).
        Default: the provider's array as it is."""
        return array

    def redraw(self, t0: float, t1: float, width: int) -> None:
        self.shown = False
        if self.provider is None:
            return
        array, (x0, x1) = self.provider.image(t0, t1, width)
        if array.size == 0:
            return
        shown = self.display(array)
        lo, hi = self.color_levels
        if self.relative:  # relative to the top, as specshow(ref=np.max) for dB
            if shown is array:  # never change the provider's array
                shown = shown.copy()
            shown -= np.float32(hi)
            lo, hi = lo - hi, 0.0
        self.item.setImage(shown, autoLevels=False, levels=(lo, hi))
        self.show_levels(lo, hi)
        y0, y1 = self.y_extent
        self.item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.shown = True

    def show_levels(self, lo: float, hi: float) -> None:
        """The colorbar's range and unit (only on change: else its cached picture stays)."""
        if (lo, hi, self.unit) != self._colorbar_state:
            self._colorbar_state = (lo, hi, self.unit)
            self.colorbar.setLevels((lo, hi))
            self._set_label(self.unit)

    def set_unit(self, unit: str) -> None:
        """The colorbar's label, shown now (before any column is drawn)."""
        self.unit = unit
        self._set_label(unit)
        if self._colorbar_state is not None:
            self._colorbar_state = (*self._colorbar_state[:2], unit)

    def _set_label(self, unit: str) -> None:
        """The colorbar axis' label, centred again (pyqtgraph centres it only on a resize:
        a label set after the last resize, e.g. results that came at once, sat off-centre)."""
        axis = self.colorbar.axis
        axis.setLabel(unit)
        axis.resizeEvent()

    def restyle(self, colors: PlotColors) -> None:
        style_colorbar(self.colorbar, colors)
