"""The cursor readout: what is under the mouse, in the status bar, throttled to 30 Hz.

Time, then what every layer of the shown views says about that time, view by view and
bottom to top (ui.views.layer: ``describe``): the layers of the view under the mouse
also get its y (the spectrogram: frequency, nearest note, value), the others only the
time (the value of each shown feature curve).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF
from PySide6.QtWidgets import QLabel

from sonolens.core.units import format_time
from sonolens.model.document import Document
from sonolens.ui.views.layout import TimeView

RATE_LIMIT_HZ = 30


class CursorReadout(QObject):
    """Fills ``label`` from mouse moves over any of ``views``."""

    def __init__(self, document: Document, views: list[TimeView], label: QLabel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.label = label
        self.views = list(views)
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
        """The readout for time ``t`` s and y ``y`` (plot units) over ``view``."""
        parts = [format_time(max(0.0, t))]
        for shown in self.views:
            if shown.isHidden():  # e.g. the lower view not chosen
                continue
            here = y if shown is view else None
            for layer in shown.layers:
                parts += [part.text for part in layer.describe(t, here)]
        return "   ".join(parts)
