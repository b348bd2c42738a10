"""The spectrogram image with a colorbar and feature overlays, on a chosen frequency scale.

Only the visible time range is drawn: ``Spectrogram.image`` max-pools it to the plot's
pixel width, a RowMap resamples its rows onto the frequency axis (linear/log/mel), and
the ImageItem gets a row-major float32 array with fixed levels and an exact ``setRect``.
Overlays are features in Hz mapped through the same scale (``FrequencyScale.to_axis``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import OVERLAYS, SPECTROGRAM_UNITS, ViewSettings
from sonolens.dsp.minmax import MinMaxPyramid
from sonolens.dsp.pooling import visible_frames
from sonolens.dsp.scales import FrequencyScale, RowMap
from sonolens.ui.colormaps import colormap
from sonolens.ui.views.frequency_axis import FrequencyAxis
from sonolens.ui.views.interaction import interacting
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.opaque_image import OpaqueImageItem
from sonolens.ui.views.value_curve import ValueCurve

OVERLAY_COLORS = {name: CATALOG.feature(name).color for name in OVERLAYS}
DEFAULT_RATE = 44100  # Hz: the empty window's frequency axis (0 … 22.05 kHz)
_MAX_DISPLAY_ROWS = 1024
_MIN_DISPLAY_ROWS = 256


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
        self.image = OpaqueImageItem(axisOrder="row-major")
        self.image.setAutoDownsample(False)  # we pool with max ourselves
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-80, 0), width=16, colorMap=colormap("magma"),
                                        interactive=False, colorMapMenu=False)
        self.colorbar.setImageItem(self.image)
        self.set_right_item(self.colorbar)
        self.legend = self.add_legend_strip()
        self.curves: dict[str, ValueCurve] = {
            name: ValueCurve(OVERLAY_COLORS[name], name=OVERLAYS[name], band=False, z=10)
            for name in ("spectral_centroid", "spectral_rolloff")}
        # the bandwidth band: its two edges as translucent lines, no fill over the image
        edge = dict(band=False, style=Qt.PenStyle.DashLine, alpha=170, z=10)
        self.band_low = ValueCurve(OVERLAY_COLORS["spectral_bandwidth"], **edge)
        self.band_high = ValueCurve(OVERLAY_COLORS["spectral_bandwidth"],
                                    name=OVERLAYS["spectral_bandwidth"], **edge)
        self.spectrogram = None
        self.features = None
        self.view = ViewSettings()
        self.scale: FrequencyScale | None = None
        # (analysis rate, params) of the open file, for the axis before any result
        self._expected: tuple[int, AnalysisParams] = (DEFAULT_RATE, AnalysisParams())
        self._rowmap: RowMap | None = None
        self._rowmap_key: tuple | None = None
        self._max_value = -np.inf
        self._max_filled = 0
        self._max_k = 0  # frames_per_column when _max_filled was counted
        self._shown_overlays: set[str] = set()
        self._pyramids: dict[str, MinMaxPyramid] = {}  # overlay curves, values in Hz
        self._pyramid_key: tuple | None = None  # (features, overlays) built for
        self.drawn_filled = -1  # columns of the spectrogram that the image shows
        self._asked: tuple[int, tuple] | None = None  # last detail request (spec id, keys)
        self._colorbar_state: tuple | None = None  # (lo, hi, unit) the colorbar shows
        self._update_scale()

    # -- inputs --------------------------------------------------------------------------
    def set_view(self, view: ViewSettings) -> None:
        self.view = view
        self.colorbar.setColorMap(colormap(view.colormap))
        self._update_scale()
        self._update_overlays()
        self._update_legend()
        self.schedule_redraw()

    def set_spectrogram(self, spectrogram) -> None:
        growing = spectrogram is self.spectrogram and not spectrogram.complete
        if spectrogram is not self.spectrogram or (
                spectrogram.frames_per_column != self._max_k):  # new, or re-pooled
            self._max_value, self._max_filled = -np.inf, 0
            self._max_k = spectrogram.frames_per_column
        self.spectrogram = spectrogram
        self._update_max()
        self._update_scale()
        if growing:
            self.schedule_progress_redraw()
        else:
            self.schedule_redraw()

    def set_features(self, features) -> None:
        self.features = features
        self._update_overlays()

    def clear_data(self) -> None:
        self.spectrogram = None
        self.features = None
        self.image.clear()
        self.drawn_filled = -1
        self._max_value, self._max_filled = -np.inf, 0
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
            scale = FrequencyScale.for_view(self.view.freq_scale, sr=sr, n_fft=p.n_fft,
                                            fmin=p.fmin, fmax=fmax)
        except ValueError:  # e.g. a log axis whose range lies below the first FFT bin
            scale = FrequencyScale.for_view("linear", sr=sr, n_fft=p.n_fft,
                                            fmin=p.fmin, fmax=fmax)
        if scale != self.scale:
            self.scale = scale
            self.axis.set_scale(scale)
            lo, hi = scale.axis_range
            self.plot.getViewBox().setLimits(yMin=lo, yMax=hi)
            self.plot.setYRange(lo, hi, padding=0)
            self._update_overlays()

    def _row_map(self) -> RowMap:
        spec, scale = self.spectrogram, self.scale
        assert spec is not None and scale is not None
        inside = int(np.count_nonzero((spec.freqs >= scale.fmin) & (spec.freqs <= scale.fmax)))
        # no more rows than pixels (max-pooled, so peaks stay): less to colour and scale
        n_rows = min(_MAX_DISPLAY_ROWS, max(_MIN_DISPLAY_ROWS, inside), self.plot_height())
        key = (id(spec.freqs), len(spec.freqs), scale, n_rows)
        if key != self._rowmap_key:
            self._rowmap = RowMap.build(spec.freqs, scale, n_rows)
            self._rowmap_key = key
        assert self._rowmap is not None
        return self._rowmap

    def _update_max(self) -> None:
        """Track the running maximum over newly filled columns only (cheap per partial)."""
        spec = self.spectrogram
        if spec is None:
            return
        filled = spec.filled  # before values: the worker may swap in a larger array
        if filled <= self._max_filled:
            return
        fresh = spec.values[self._max_filled : filled]
        if fresh.size:
            self._max_value = max(self._max_value, float(np.max(fresh)))
        self._max_filled = filled

    @property
    def is_db(self) -> bool:
        spec = self.spectrogram
        return spec is not None and SPECTROGRAM_UNITS[spec.kind] == "dB"

    @property
    def unit_label(self) -> str:
        """The colorbar's unit: dB kinds are drawn relative to the file's maximum."""
        if self.spectrogram is None:
            return ""
        return "dB (re max)" if self.is_db else SPECTROGRAM_UNITS[self.spectrogram.kind]

    def levels(self) -> tuple[float, float]:
        """Colour levels in the stored values' unit (dB kinds: the range below the max)."""
        top = self._max_value if np.isfinite(self._max_value) else 0.0
        if self.is_db:
            return top - self.view.db_range, top
        return 0.0, top if top > 0 else 1.0

    # -- drawing -------------------------------------------------------------------------
    def redraw(self) -> None:
        spec = self.spectrogram
        if spec is None or self.scale is None or spec.filled == 0:
            return
        t0, t1, width = self.visible_span()
        array, (x0, x1) = spec.image(t0, t1, width)
        if array.size == 0:
            return
        display = self._row_map().apply(array)
        lo, hi = self.levels()
        if self.is_db:  # shown relative to the file's maximum, as specshow(ref=np.max)
            display -= np.float32(hi)
            lo, hi = lo - hi, 0.0
        self.image.setImage(display, autoLevels=False, levels=(lo, hi))
        if (lo, hi, self.unit_label) != self._colorbar_state:  # else its cached picture stays
            self._colorbar_state = (lo, hi, self.unit_label)
            self.colorbar.setLevels((lo, hi))
            self.colorbar.axis.setLabel(self.unit_label)
        a0, a1 = self.scale.axis_range
        self.image.setRect(QRectF(x0, a0, x1 - x0, a1 - a0))
        self.drawn_filled = spec.filled
        self._draw_overlays()
        self._ask_for_detail(spec, t0, t1, width)

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

    def _update_overlays(self) -> None:
        wanted = set(self.view.overlays) if self.features is not None else set()
        columns = self.features.columns if self.features is not None else {}
        wanted = {name for name in wanted if name in columns or (
            name == "spectral_bandwidth" and "spectral_centroid" in columns)}
        if "spectral_bandwidth" in wanted and "spectral_bandwidth" not in columns:
            wanted.discard("spectral_bandwidth")
        self._show_items(wanted)
        if not wanted or self.scale is None:
            self._pyramids, self._pyramid_key = {}, None
            return
        key = (id(self.features), frozenset(wanted))
        if key == self._pyramid_key:  # e.g. a colormap change: nothing to rebuild
            self._draw_overlays()
            return
        self._pyramids, self._pyramid_key = {}, key
        for name in ("spectral_centroid", "spectral_rolloff"):
            if name in wanted:
                self._pyramids[name] = self.features.pyramid(name)
        if "spectral_bandwidth" in wanted:  # (built on the worker with the table)
            self._pyramids["band_low"] = self.features.pyramid("bandwidth_low")
            self._pyramids["band_high"] = self.features.pyramid("bandwidth_high")
        self._draw_overlays()

    def _draw_overlays(self) -> None:
        """The overlay curves of the visible range from their min/max pyramids: per pixel
        the mean in Hz, mapped onto the axis (see ValueCurve). The bandwidth band's edges
        are the means of centroid -/+ bandwidth/2."""
        if not self._pyramids or self.features is None or self.scale is None:
            return
        t0, t1, width = self.visible_span()
        features = self.features
        dt = features.params.hop_length / float(features.sr)
        first, stop = visible_frames(features.n_frames, dt, t0, t1)
        scale = self.scale
        curves = {**self.curves, "band_low": self.band_low, "band_high": self.band_high}
        for name, pyramid in self._pyramids.items():
            to_axis = scale.to_axis if name in self.curves else (  # band edges: in range
                lambda hz: scale.to_axis(np.clip(hz, scale.fmin, scale.fmax)))
            curves[name].draw(pyramid, first, stop, width, dt, to_axis)

    def overlay_items(self) -> dict[str, ValueCurve]:
        """Overlay curve per shown feature (bandwidth: its upper edge)."""
        items = {n: c for n, c in self.curves.items() if n in self._shown_overlays}
        if "spectral_bandwidth" in self._shown_overlays:
            items["spectral_bandwidth"] = self.band_high
        return items

    def _show_items(self, wanted: set[str]) -> None:
        if wanted == self._shown_overlays:
            return
        for name in self._shown_overlays - wanted:
            for curve in self._curves_of(name):
                curve.clear()
                for item in curve.items():
                    self.plot.removeItem(item)
        for name in sorted(wanted - self._shown_overlays):
            for curve in self._curves_of(name):
                for item in curve.items():
                    self.plot.addItem(item)
        self._shown_overlays = set(wanted)
        self._update_legend()

    def _update_legend(self) -> None:
        """One entry per shown overlay, its line sample on the colormap's low end (what
        overlays are mostly drawn over)."""
        swatch = colormap(self.view.colormap).map(0.0, mode="qcolor").name()
        self.legend.set_entries([(OVERLAYS[name], OVERLAY_COLORS[name], swatch)
                                 for name in OVERLAYS if name in self._shown_overlays])

    def _curves_of(self, name: str) -> list[ValueCurve]:
        if name == "spectral_bandwidth":
            return [self.band_low, self.band_high]
        return [self.curves[name]]
