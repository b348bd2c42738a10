"""The difference spectrogram at full resolution where the view is zoomed in.

The whole-overlap difference (dsp.difference) is pooled to a few thousand columns: on an
hour, ~19 frames a column. When the view shows those columns at least 2 px wide, this
layer asks (``request``) for the difference of the visible frames (plus a margin of
MARGIN of the span on each side) pooled only as far as the view's pixel width needs (1
frame a column when zoomed in far enough) and draws it over the coarse image, which
shows meanwhile and around it. Zoomed back out, the detail is dropped (``withdraw``);
a new coarse image (another offset) drops it too. It takes the coarse image, colours,
levels and frequency extent from the view's :class:`ImageLayer`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QRectF

from sonolens.dsp.difference import DifferenceImage, DifferenceSpectrogram
from sonolens.ui.colormaps import colormap
from sonolens.ui.views.image_layer import ImageLayer
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.layer import BaseLayer
from sonolens.ui.views.opaque_image import OpaqueImageItem

MARGIN = 0.1  # of the visible span, computed on each side (a short pan needs nothing new)


@dataclass(frozen=True)
class DetailRequest:
    """Frames [first, stop) of the difference, ``factor`` frames a column."""

    first: int
    stop: int
    factor: int

    def covers(self, first: int, stop: int, factor: int) -> bool:
        """Whether this detail shows frames [first, stop) at least ``factor`` fine."""
        return self.factor <= factor and self.first <= first and stop <= self.stop


class DifferenceDetailLayer(BaseLayer):
    """Draws the detail of ``coarse``'s image (see the module doc); ``request(r)`` asks
    for a :class:`DetailRequest` (the answer goes to :meth:`set_detail`), ``withdraw()``
    says the last one asked for is no longer wanted."""

    opaque = True

    def __init__(self, coarse: ImageLayer, colormap_name: str,
                 request: Callable[[DetailRequest], None], withdraw: Callable[[], None]
                 ) -> None:
        super().__init__("difference detail")
        self.coarse = coarse
        self.request = request
        self.withdraw = withdraw
        self.item = OpaqueImageItem(axisOrder="row-major")
        self.item.setAutoDownsample(False)
        self.item.setZValue(1)  # over the coarse image, under the cursors
        self.item.setColorMap(colormap(colormap_name))
        self.item.hide()
        self.wanted: DetailRequest | None = None  # asked for, not yet here
        self.drawn: DetailRequest | None = None  # the detail held (shown where visible)
        self.detail: DifferenceImage | None = None
        self._provider: object | None = None  # the coarse image the detail belongs to

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item]

    def coarse_difference(self) -> DifferenceSpectrogram | None:
        provider = self.coarse.provider
        return provider.difference if isinstance(provider, DifferenceImage) else None

    def clear(self) -> None:
        """Drop the detail and what was asked for (an offset changed, zoomed out)."""
        if self.wanted is not None:
            self.withdraw()
        self.item.hide()
        self.item.clear()
        self.wanted = self.drawn = self.detail = None

    def forget(self, request: DetailRequest) -> None:
        """``request`` will not be answered: ask again at the next redraw."""
        if request == self.wanted:
            self.wanted = None

    def visible(self, t0: float, t1: float, width: int) -> tuple[int, int, int] | None:
        """(first, stop, factor): the frames [first, stop) of [t0, t1] s (those whose hop
        overlaps it) and the frames a column at ``width`` px; None when the coarse
        columns suffice (under 2 px wide) or there is nothing to show."""
        coarse = self.coarse_difference()
        if coarse is None or coarse.factor <= 1 or width < 1:
            return None
        dt = coarse.frame_seconds
        lo, hi = coarse.first, coarse.first + coarse.values.shape[1] * coarse.factor
        first = max(lo, math.floor(t0 / dt + 0.5))
        stop = min(hi, math.ceil(t1 / dt + 0.5))
        if stop <= first:
            return None
        factor = math.ceil((t1 - t0) / dt / width)  # frames a pixel shows
        return None if 2 * factor > coarse.factor else (first, stop, factor)

    def request_for(self, first: int, stop: int, factor: int) -> DetailRequest:
        """The detail to ask for frames [first, stop) at ``factor``: MARGIN more on each
        side, its columns on the grid of ``factor`` frames from the coarse's first."""
        coarse = self.coarse_difference()
        assert coarse is not None
        lo, hi = coarse.first, coarse.first + coarse.values.shape[1] * coarse.factor
        margin = math.ceil(MARGIN * (stop - first))
        start = lo + max(0, first - margin - lo) // factor * factor
        return DetailRequest(start, min(hi, stop + margin), factor)

    def redraw(self, t0: float, t1: float, width: int) -> None:
        if self.coarse.provider is not self._provider:  # a new coarse image: start over
            self._provider = self.coarse.provider
            self.clear()
        visible = self.visible(t0, t1, width)
        if visible is None:  # zoomed out (or nothing to show): the coarse image only
            if self.drawn is not None or self.wanted is not None:
                self.clear()
            return
        self._draw(t0, t1, width)
        if interacting() or any(held is not None and held.covers(*visible)
                                for held in (self.drawn, self.wanted)):
            return
        self.wanted = self.request_for(*visible)
        self.request(self.wanted)

    def _draw(self, t0: float, t1: float, width: int) -> None:
        if self.detail is None:
            self.item.hide()
            return
        array, (x0, x1) = self.detail.image(t0, t1, width)
        if array.size == 0:
            self.item.hide()
            return
        y0, y1 = self.coarse.y_extent
        self.item.setImage(array, autoLevels=False, levels=self.coarse.color_levels)
        self.item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.item.show()

    def set_detail(self, request: DetailRequest, difference: DifferenceSpectrogram) -> bool:
        """The answer to ``request``: kept if it is still the one wanted (then the view
        should redraw); returns whether it was kept."""
        if request != self.wanted:
            return False
        self.wanted = None
        self.drawn = request
        self.detail = DifferenceImage(difference)
        return True
