"""The cursor readout: what is under the mouse, in the status bar, throttled to 30 Hz.

Time; on the spectrogram also frequency, nearest note (A4 = 440 Hz) and the spectrogram
value in its unit; then the value of each shown feature at that time.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF
from PySide6.QtWidgets import QLabel

from sonolens.core.units import format_time, hz_to_note
from sonolens.core.view_settings import OVERLAYS
from sonolens.dsp.scales import format_hz
from sonolens.model.document import Document
from sonolens.ui.views.feature_plot import FEATURE_CURVES
from sonolens.ui.views.layout import TimeView
from sonolens.ui.views.spectrogram_view import SpectrogramView

RATE_LIMIT_HZ = 30


class CursorReadout(QObject):
    """Fills ``label`` from mouse moves over any of ``views``."""

    def __init__(self, document: Document, views: list[TimeView], label: QLabel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.label = label
        self._proxies = []
        for view in views:
            proxy = pg.SignalProxy(view.scene().sigMouseMoved, delay=0.0,
                                   rateLimit=RATE_LIMIT_HZ,
                                   slot=lambda args, v=view: self.update_from_scene(v, args[0]))
            self._proxies.append(proxy)

    def update_from_scene(self, view: TimeView, scene_pos: QPointF) -> str:
        """Compute and show the readout for a scene position over ``view``."""
        if self.document.source is None or not view.plot.sceneBoundingRect().contains(scene_pos):
            self.label.setText("")
            return ""
        point = view.viewbox.mapSceneToView(scene_pos)
        text = self.text_at(view, point.x(), point.y())
        self.label.setText(text)
        return text

    def text_at(self, view: TimeView, t: float, y: float) -> str:
        parts = [format_time(max(0.0, t))]
        if isinstance(view, SpectrogramView) and view.scale is not None:
            hz = float(view.scale.from_axis(np.array([y]))[0])
            parts.append(f"{format_hz(hz)} Hz")
            note = hz_to_note(hz)
            if note:
                parts.append(note)
            spec = view.spectrogram
            if spec is not None and spec.filled:
                value = spec.value_at(t, hz)
                if view.is_db and math.isfinite(value):
                    value -= view.levels()[1]
                parts.append(f"{value:.4g} {view.unit_label}")
        parts += self._feature_parts(t)
        return "   ".join(parts)

    def _feature_parts(self, t: float) -> list[str]:
        table = self.document.features
        if table is None or table.n_frames == 0:
            return []
        view = self.document.view
        shown = [n for n in OVERLAYS if n in view.overlays]
        if view.lower_view == "features":
            shown += list(FEATURE_CURVES)
        hop = table.times[1] - table.times[0] if table.n_frames > 1 else 1.0
        frame = round(float(t / hop)) if hop > 0 else 0
        if not 0 <= frame < table.n_frames:
            return []
        parts = []
        for name in shown:
            if name in table.columns:
                value = float(table.columns[name][frame])
                unit = " Hz" if name in OVERLAYS else ""
                label = OVERLAYS.get(name) or FEATURE_CURVES[name][0]
                parts.append(f"{label.split(' (')[0]} {value:.4g}{unit}")
        return parts
