"""The spectrogram as an image layer: its rows resampled onto the frequency scale.

``Spectrogram.image`` max-pools the visible range to the plot's pixel width (the pooled
image path, ui.views.image_layer), a RowMap resamples its rows onto the frequency axis
(linear/log/mel), and dB kinds are drawn relative to the file's maximum (a running
maximum over the columns computed so far).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.core.notes import A4_DEFAULT, hz_to_note_name
from sonolens.dsp.scales import FrequencyScale, RowMap, format_hz
from sonolens.ui.views.image_layer import ImageLayer
from sonolens.ui.views.layer import ReadoutPart

_MAX_DISPLAY_ROWS = 1024
_MIN_DISPLAY_ROWS = 256


class SpectrogramLayer(ImageLayer):
    """Draws a dsp Spectrogram (``set_result``) on ``scale`` (:meth:`set_scale`);
    ``plot_height()``: the plot's height in device pixels (no more display rows)."""

    def __init__(self, plot_height: Callable[[], int]) -> None:
        super().__init__("spectrogram", levels=(-80.0, 0.0))
        self.plot_height = plot_height
        self.spectrogram = None
        self.scale: FrequencyScale | None = None
        self.db_range = 80.0
        self.a4 = A4_DEFAULT  # Hz: the reference of the note in the readout
        self.drawn_filled = -1  # columns of the spectrogram that the image shows
        self._rowmap: RowMap | None = None
        self._rowmap_key: tuple | None = None
        self._max_value = -np.inf
        self._max_filled = 0
        self._max_k = 0  # frames_per_column when _max_filled was counted

    def set_scale(self, scale: FrequencyScale | None) -> None:
        self.scale = scale
        if scale is not None:
            self.y_extent = scale.axis_range

    def set_result(self, result: object | None) -> None:
        """A Spectrogram (possibly still growing), or None (clears the image)."""
        spec = result
        if spec is None:
            self.spectrogram = None
            self.drawn_filled = -1
            self._max_value, self._max_filled = -np.inf, 0
            super().set_result(None)
            return
        if spec is not self.spectrogram or (
                spec.frames_per_column != self._max_k):  # type: ignore[attr-defined]
            self._max_value, self._max_filled = -np.inf, 0  # new, or re-pooled
            self._max_k = spec.frames_per_column  # type: ignore[attr-defined]
        self.spectrogram = spec
        super().set_result(spec)
        self._update_max()

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
        return spec is not None and CATALOG.kind(spec.kind).db

    @property
    def unit_label(self) -> str:
        """The colorbar's unit: dB kinds are drawn relative to the file's maximum."""
        if self.spectrogram is None:
            return ""
        return "dB (re max)" if self.is_db else CATALOG.kind(self.spectrogram.kind).unit

    def levels(self) -> tuple[float, float]:
        """Colour levels in the stored values' unit (dB kinds: the range below the max)."""
        top = self._max_value if np.isfinite(self._max_value) else 0.0
        if self.is_db:
            return top - self.db_range, top
        return 0.0, top if top > 0 else 1.0

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

    def display(self, array: np.ndarray) -> np.ndarray:
        return self._row_map().apply(array)

    def redraw(self, t0: float, t1: float, width: int) -> None:
        spec = self.spectrogram
        self.shown = False
        if spec is None or self.scale is None or spec.filled == 0:
            return
        self.color_levels = self.levels()
        self.relative = self.is_db
        self.unit = self.unit_label
        super().redraw(t0, t1, width)
        if self.shown:
            self.drawn_filled = spec.filled

    def describe(self, t: float, y: float | None) -> list[ReadoutPart]:
        """Frequency, nearest note (A4 = ``self.a4``, e.g. ``D#6 +14 c``) and value under
        the mouse (over this view only), whichever way the axis is labelled."""
        if y is None or self.scale is None:
            return []
        hz = float(self.scale.from_axis(np.array([y]))[0])
        parts = [ReadoutPart("", format_hz(hz), "Hz")]
        note = hz_to_note_name(hz, self.a4)
        if note:
            parts.append(ReadoutPart("", note))
        spec = self.spectrogram
        if spec is not None and spec.filled:
            value = spec.value_at(t, hz)
            if self.is_db and math.isfinite(value):
                value -= self.levels()[1]
            parts.append(ReadoutPart("", f"{value:.4g}", self.unit_label))
        return parts
