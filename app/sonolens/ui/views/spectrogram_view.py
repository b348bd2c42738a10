"""The spectrogram image with a colorbar and feature overlays, on a chosen frequency scale.

A stack of layers: the spectrogram (ui.views.spectrogram_layer: only the visible time
range, max-pooled to the plot's pixel width, rows resampled onto the scale), then one
layer per shown overlay (a curve, or the bandwidth band), in :data:`OVERLAYS` order;
overlays are features in Hz mapped through the same scale (``FrequencyScale.to_axis``).
Showing an overlay is adding its layer; the legend strip lists the layers' entries.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from sonolens.core.catalog import CATALOG, Drawn
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import OVERLAYS, ViewSettings
from sonolens.dsp.scales import FrequencyScale
from sonolens.ui.colormaps import colormap
from sonolens.ui.views.band_layer import BandLayer
from sonolens.ui.views.curve_layer import CurveLayer
from sonolens.ui.views.frequency_axis import FrequencyAxis
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.kind_scale import kind_scale, notes_axis
from sonolens.ui.views.layer import FrequencyLayer, Layer
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.spectrogram_layer import SpectrogramLayer
from sonolens.ui.views.value_curve import ValueCurve

OVERLAY_COLORS = {name: CATALOG.feature(name).color for name in OVERLAYS}
DEFAULT_RATE = 44100  # Hz: the empty window's frequency axis (0 … 22.05 kHz)
BAND_OVERLAYS = frozenset(f.name for f in CATALOG.drawn_as(Drawn.BAND))  # around the centroid


def overlay_layer(name: str) -> CurveLayer | BandLayer:
    """The layer drawing overlay ``name`` (a key of OVERLAYS) over the spectrogram."""
    if name in BAND_OVERLAYS:
        return BandLayer(name, OVERLAYS[name], OVERLAY_COLORS[name])
    return CurveLayer(name, OVERLAYS[name], OVERLAY_COLORS[name],
                      unit=CATALOG.feature(name).unit, band=False, z=10)


class SpectrogramView(TimeView):
    """Draws ``document.spectrogram`` and the centroid/rolloff/bandwidth overlays.

    ``detail_wanted(spectrogram, keys)``: the visible range needs finer columns than the
    pooled store holds; the tiles ``keys`` (dsp.tiles) should be computed (then the
    spectrogram changes again and the view redraws with them).
    """

    detail_wanted = Signal(object, object)

    def __init__(self) -> None:
        self.axis = FrequencyAxis("left")
        super().__init__(y_label="Frequency (Hz)", left_axis=self.axis)
        self.viewbox.frequency_zoom = True  # Shift+wheel zooms frequencies (TimeViewBox)
        self.scale: FrequencyScale | None = None
        self.image_layer = SpectrogramLayer(self.display_rows)
        self.add_layer(self.image_layer)
        self.image = self.image_layer.item
        self.colorbar = self.image_layer.colorbar
        self.set_right_item(self.colorbar)
        self.add_legend_strip()
        self.overlay_layers: dict[str, CurveLayer | BandLayer] = {
            name: overlay_layer(name) for name in OVERLAYS}
        self.features = None
        self.view = ViewSettings()
        # (analysis rate, params) of the open file, for the axis before any result
        self._expected: tuple[int, AnalysisParams] = (DEFAULT_RATE, AnalysisParams())
        self._asked: tuple[int, tuple] | None = None  # last detail request (spec id, keys)
        self._update_scale()
        self.viewbox.sigYRangeChanged.connect(self.schedule_redraw)  # rows follow the zoom

    # -- what the window and the exports read ------------------------------------------
    @property
    def spectrogram(self):
        return self.image_layer.spectrogram

    @property
    def drawn_filled(self) -> int:
        """Columns of the spectrogram that the image shows (-1: none)."""
        return self.image_layer.drawn_filled

    @property
    def is_db(self) -> bool:
        return self.image_layer.is_db

    @property
    def unit_label(self) -> str:
        return self.image_layer.unit_label

    def levels(self) -> tuple[float, float]:
        return self.image_layer.levels()

    # -- inputs --------------------------------------------------------------------------
    def set_view(self, view: ViewSettings) -> None:
        self.view = view
        self.image_layer.db_range = view.db_range
        self.image_layer.a4 = view.a4
        self.image_layer.set_colormap(view.colormap)
        self._update_axis_labels(view)
        self._update_scale()
        self._update_overlays()
        self.update_legend()
        self.schedule_redraw()

    def _update_axis_labels(self, view: ViewSettings) -> None:
        """Hz or note names (at ``view.a4``) on the frequency axis, and its title."""
        notes = view.freq_axis == "notes" or notes_axis(view.kind)
        self.axis.set_notes(view.a4 if notes else None)
        title = f"Note (A4 = {view.a4:g} Hz)" if notes else "Frequency (Hz)"
        if title != self.axis.labelText:  # setLabel re-lays out the plot: only on change
            self.plot.setLabel("left", title)

    def set_spectrogram(self, spectrogram) -> None:
        growing = spectrogram is self.spectrogram and not spectrogram.complete
        self.image_layer.set_result(spectrogram)
        self._update_scale()
        if growing:
            self.schedule_progress_redraw()
        else:
            self.schedule_redraw()

    def set_features(self, features) -> None:
        self.features = features
        for layer in self.shown_overlays():
            layer.set_result(features)
        self._update_overlays()

    def clear_data(self) -> None:
        self.image_layer.set_result(None)
        self.features = None
        self._update_overlays()

    # -- geometry ------------------------------------------------------------------------
    def set_audio(self, samplerate: int, params: AnalysisParams) -> None:
        """The open file's rate and the analysis parameters: the frequency axis shows the
        range the spectrogram will have (0 … Nyquist) before any column is computed."""
        self._expected = (params.sr or samplerate, params)
        self._update_scale()

    def _update_scale(self) -> None:
        spec = self.spectrogram
        sr, p = (spec.sr, spec.params) if spec is not None else self._expected
        fmax = p.fmax if p.fmax is not None else sr / 2
        try:
            scale = kind_scale(spec.kind if spec is not None else self.view.kind, p
                               ) or FrequencyScale.for_view(self.view.freq_scale, sr=sr,
                                                            n_fft=p.n_fft, fmin=p.fmin, fmax=fmax)
        except ValueError:  # e.g. a log axis whose range lies below the first FFT bin
            scale = FrequencyScale.for_view("linear", sr=sr, n_fft=p.n_fft,
                                            fmin=p.fmin, fmax=fmax)
        if scale != self.scale:
            self.scale = scale
            self.axis.set_scale(scale)
            for layer in [*self.layers, *self.overlay_layers.values()]:
                if isinstance(layer, FrequencyLayer):  # the image, overlays, regions
                    layer.set_scale(scale)
            lo, hi = scale.axis_range
            self.plot.getViewBox().setLimits(yMin=lo, yMax=hi)
            self.plot.setYRange(lo, hi, padding=0)
            self._update_overlays()

    def display_rows(self) -> int:
        """Display rows over the whole axis: the plot's height in device pixels, times the
        frequency zoom (a zoomed-in or fitted range keeps a row per pixel)."""
        lo, hi = self.scale.axis_range if self.scale is not None else (0.0, 1.0)
        _, (y0, y1) = self.viewbox.viewRange()
        return int(self.plot_height() * max(1.0, (hi - lo) / max(y1 - y0, 1e-12)))

    def add_layer(self, layer: Layer, index: int | None = None) -> None:
        """As TimeView's; a layer of frequencies is drawn on the view's scale."""
        if isinstance(layer, FrequencyLayer) and self.scale is not None:
            layer.set_scale(self.scale)
        super().add_layer(layer, index)

    # -- drawing -------------------------------------------------------------------------
    def redraw(self) -> None:
        spec = self.spectrogram
        if spec is None or self.scale is None or spec.filled == 0:
            return
        t0, t1, width = self.visible_span()
        self.image_layer.redraw(t0, t1, width)
        self._ask_for_detail(spec, t0, t1, width)  # also a range the pass has not reached
        if not self.image_layer.shown:
            return
        self.draw_layers(t0, t1, width, self.layers[1:])

    def _ask_for_detail(self, spec, t0: float, t1: float, width: int) -> None:
        """Ask for the tiles the visible range lacks (and one on each side, for panning);
        the same request is not repeated."""
        if interacting():
            return  # the full-resolution redraw after the gesture asks, for the final view
        keys = spec.wanted_tiles(t0, t1, width, around=1)
        request = (id(spec), tuple(keys))
        if keys and request != self._asked:
            self.detail_wanted.emit(spec, keys)
        self._asked = request if keys else None

    # -- overlays ------------------------------------------------------------------------
    def shown_overlays(self) -> list[CurveLayer | BandLayer]:
        """The overlay layers in the stack, in OVERLAYS order."""
        return [layer for layer in self.overlay_layers.values() if layer in self.layers]

    def _wanted_overlays(self) -> set[str]:
        columns = self.features.columns if self.features is not None else {}
        return {name for name in self.view.overlays if CATALOG.can_draw(name, columns)}

    def _update_overlays(self) -> None:
        """Add the layers of newly wanted overlays, remove the others, and draw those
        shown (new features, a new scale or a new set)."""
        wanted = self._wanted_overlays()
        shown = {layer.name for layer in self.shown_overlays()}
        for name in shown - wanted:
            layer = self.overlay_layers[name]
            layer.set_result(None)
            self.remove_layer(layer)
        for name in sorted(wanted - shown):  # the items' order in the scene, as always
            layer = self.overlay_layers[name]
            layer.set_result(self.features)
            self.add_layer(layer, index=self._overlay_index(name))
        if wanted != shown:
            self.update_legend()
        if wanted:
            self.draw_layers(*self.visible_span(), self.shown_overlays())

    def _overlay_index(self, name: str) -> int:
        """Where overlay ``name``'s layer goes in the stack: after the image and the
        shown overlays before it in OVERLAYS order."""
        order = list(self.overlay_layers)
        before = sum(order.index(layer.name) < order.index(name)
                     for layer in self.shown_overlays())
        return self.layers.index(self.image_layer) + 1 + before

    def overlay_items(self) -> dict[str, ValueCurve]:
        """Overlay curve per shown feature (bandwidth: its upper edge)."""
        return {layer.name: layer.curve for layer in self.shown_overlays()}

    def update_legend(self) -> None:
        """One entry per shown overlay, its line sample on the colormap's low end (what
        overlays are mostly drawn over)."""
        swatch = colormap(self.view.colormap).map(0.0, mode="qcolor").name()
        for layer in self.overlay_layers.values():
            layer.swatch = swatch
        super().update_legend()
