"""The reassigned spectrogram: an image of the visible range, computed on demand.

Reassigned energy moves across frames and bins, so it cannot be pooled per frame like the
other kinds (ui.views.spectrogram_layer). When the view's spectrogram is a kind with an
image of its own (``SpectrogramKind.image``), this layer asks for the reassigned image of
exactly the visible range at the plot's pixel size (a :class:`ImageRequest`: time span,
columns, frequency scale and rows; ``request`` runs it, a job in the window) and draws it
over the stored columns (the plain dB spectrogram of the same STFT), which stay visible
while the image is computed and when the range is too long to reassign (then a message
says to zoom in). Levels: dB relative to the image's own maximum, ``db_range`` below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.dsp.framing import frame_count
from sonolens.dsp.reassigned_image import MAX_FRAMES, PixelGrid, frames_for
from sonolens.dsp.scales import FrequencyScale
from sonolens.ui.colormaps import colormap
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.layer import BaseLayer
from sonolens.ui.views.opaque_image import OpaqueImageItem

_MAX_ROWS = 1024


@dataclass(frozen=True)
class ImageRequest:
    """One reassigned image: ``params`` at ``sr`` Hz on ``grid``; ``n_samples``: the
    analysis signal's length."""

    params: AnalysisParams
    sr: int
    n_samples: int
    grid: PixelGrid


def too_long_message(seconds: float) -> str:
    return (f"Reassigned view: zoom in to {seconds:.0f} s or less "
            "(the plain dB spectrogram is shown)")


class ReassignedLayer(BaseLayer):
    """Draws the reassigned image for the spectrogram ``spectrogram()`` of the view (see
    the module doc); ``request(ImageRequest)`` computes one and hands it to
    :meth:`set_image`. ``plot_height()``: the plot's height in device pixels."""

    opaque = True

    def __init__(self, spectrogram: Callable[[], object], plot_height: Callable[[], int],
                 request: Callable[[ImageRequest], None]) -> None:
        super().__init__("reassigned")
        self.spectrogram = spectrogram
        self.plot_height = plot_height
        self.request = request
        self.scale: FrequencyScale | None = None
        self.db_range = 80.0
        self.colormap_name = ""
        self.item = OpaqueImageItem(axisOrder="row-major")
        self.item.setAutoDownsample(False)
        self.item.setZValue(1)  # over the stored columns, under the overlays (z 10)
        self.text = pg.TextItem(anchor=(0, 0), color="#ffffff", fill=(0, 0, 0, 160))
        self.text.setZValue(20)
        self.text.hide()
        self.wanted: ImageRequest | None = None  # the last image asked for
        self.drawn: ImageRequest | None = None  # the image shown
        self.message = ""

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item, self.text]

    def set_scale(self, scale: object | None) -> None:
        self.scale = scale  # type: ignore[assignment]

    def set_look(self, colormap_name: str, db_range: float) -> None:
        if colormap_name != self.colormap_name:
            self.colormap_name = colormap_name
            self.item.setColorMap(colormap(colormap_name))
        self.db_range = float(db_range)

    @property
    def active(self) -> bool:
        """Whether the view's spectrogram is a kind this layer draws."""
        spec = self.spectrogram()
        return spec is not None and bool(CATALOG.kind(spec.kind).image)  # type: ignore[attr-defined]

    def clear(self) -> None:
        self.item.clear()
        self.item.hide()
        self._say("")
        self.wanted = self.drawn = None

    def _say(self, message: str) -> None:
        self.message = message
        self.text.setText(message)
        self.text.setVisible(bool(message))

    def request_for(self, t0: float, t1: float, width: int) -> ImageRequest | None:
        """The image of [t0, t1] s at ``width`` columns and the plot's height in rows
        (clipped to the file), or None when there is nothing to draw."""
        spec = self.spectrogram()
        if spec is None or self.scale is None or not self.active:
            return None
        sr, params = spec.sr, spec.params  # type: ignore[attr-defined]
        duration = spec.n_frames * spec.hop_length / float(sr)  # type: ignore[attr-defined]
        lo, hi = max(0.0, t0), min(t1, duration)
        if hi <= lo or width < 1:
            return None
        columns = max(1, round(width * (hi - lo) / (t1 - t0)))
        rows = max(1, min(_MAX_ROWS, self.plot_height()))
        # the signal's length as the frames tell it (the window's job reads the source's)
        n_samples = max(0, (spec.n_frames - 1) * spec.hop_length)  # type: ignore[attr-defined]
        grid = PixelGrid(lo, hi, columns, self.scale.fmin, self.scale.fmax, rows,
                         self.scale.kind)
        return ImageRequest(params, sr, int(n_samples), grid)

    def redraw(self, t0: float, t1: float, width: int) -> None:
        if not self.active:
            if self.drawn is not None or self.message:
                self.clear()
            return
        request = self.request_for(t0, t1, width)
        if request is None:
            self.clear()
            return
        p = request.params
        first, stop = frames_for(request.grid, sr=request.sr, n_fft=p.n_fft,
                                 hop_length=p.hop_length, n_frames=frame_count(
                                     request.n_samples, n_fft=p.n_fft, hop_length=p.hop_length))
        if stop - first > MAX_FRAMES:
            self.item.hide()
            self.drawn = self.wanted = None
            self.text.setPos(t0, self.scale.axis_range[1] if self.scale else 0.0)
            self._say(too_long_message(MAX_FRAMES * p.hop_length / request.sr))
            return
        self._say("")
        if self.drawn is not None and self._same_look(self.drawn, request):
            self.item.show()  # the previous range stays where it was while computing
        else:
            self.item.hide()
        if (request in (self.drawn, self.wanted) or interacting()
                or not self.spectrogram().complete):  # type: ignore[attr-defined]
            return
        self.wanted = request
        self.request(request)

    @staticmethod
    def _same_look(a: ImageRequest, b: ImageRequest) -> bool:
        """Same parameters, scale and rows: a's image still belongs in b's view."""
        ga, gb = a.grid, b.grid
        return (a.params, a.sr, ga.f0, ga.f1, ga.scale, ga.n_rows) == (
            b.params, b.sr, gb.f0, gb.f1, gb.scale, gb.n_rows)

    def fail(self, message: str) -> None:
        """The wanted image could not be computed: say why (the stored columns show)."""
        self.item.hide()
        self.drawn = None
        if self.scale is not None and self.wanted is not None:
            self.text.setPos(self.wanted.grid.t0, self.scale.axis_range[1])
        self._say(message)

    def set_image(self, request: ImageRequest, image: np.ndarray) -> None:
        """The dB image (n_rows, n_cols) of ``request``: drawn if still the one wanted."""
        if request != self.wanted or self.scale is None:
            return
        top = float(image.max()) if image.size else 0.0
        shown = image - np.float32(top)
        self.item.setImage(shown, autoLevels=False, levels=(-self.db_range, 0.0))
        grid = request.grid
        a0, a1 = self.scale.axis_range
        self.item.setRect(QRectF(grid.t0, a0, grid.t1 - grid.t0, a1 - a0))
        self.item.show()
        self.drawn = request


def add_computing_layer(view, source, *, colormap_name: str, db_range: float
                        ) -> ReassignedLayer:
    """Add to SpectrogramView ``view`` a layer that computes its images on the calling
    thread from ``source`` (``sonolens render``: nothing else runs; the window computes
    an exported picture's image as a job, ui.image_export)."""
    from sonolens.core.progress import run_to_end
    from sonolens.dsp.reassigned_image import range_image

    def compute(request: ImageRequest) -> None:
        n_samples = round(source.frames * request.sr / source.samplerate)
        layer.set_image(request, run_to_end(range_image(
            source, request.params, request.sr, request.grid, n_samples)))

    layer = add_layer(view, compute, colormap_name=colormap_name, db_range=db_range)
    return layer


def add_layer(view, request: Callable[[ImageRequest], None], *, colormap_name: str,
              db_range: float) -> ReassignedLayer:
    """Add to SpectrogramView ``view``, over its image, a layer that hands the images it
    wants to ``request``."""
    layer = ReassignedLayer(lambda: view.spectrogram, view.plot_height, request)
    layer.set_look(colormap_name, db_range)
    layer.set_scale(view.scale)
    view.add_layer(layer, index=view.layers.index(view.image_layer) + 1)
    return layer
