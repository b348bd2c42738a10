"""Moving around in time from the keyboard: fit, zoom, zoom to the selection, go to the
start/end, scroll. Every time view is x-linked to ``plot``, so moving it moves them all.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject

from sonolens.model.document import Document
from sonolens.ui.actions import Actions
from sonolens.ui.playback_controller import PlaybackController
from sonolens.ui.views.interaction import note_interaction
from sonolens.ui.views.time_viewbox import TimeViewBox

MARGIN = 0.02  # fraction of the duration the view may pass either end
MIN_SPAN_SAMPLES = 16  # deepest zoom: this many samples across the view


class Navigator(QObject):
    """Time-axis moves on ``plot`` (seconds); ``frequency_box``'s y zoom is reset on fit."""

    def __init__(self, document: Document, plot: pg.PlotItem, frequency_box: TimeViewBox,
                 playback: PlaybackController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.plot = plot
        self.frequency_box = frequency_box
        self.playback = playback

    def connect_actions(self, a: Actions) -> None:
        """View > zoom, go to and pan actions."""
        a.zoom_fit.triggered.connect(self.fit)
        a.zoom_in.triggered.connect(lambda: self.zoom(0.5))
        a.zoom_out.triggered.connect(lambda: self.zoom(2.0))
        a.zoom_selection.triggered.connect(self.zoom_selection)
        a.go_start.triggered.connect(self.go_start)
        a.go_end.triggered.connect(self.go_end)
        a.pan_left.triggered.connect(lambda: self.pan(-0.1))
        a.pan_right.triggered.connect(lambda: self.pan(0.1))

    def visible(self) -> tuple[float, float]:
        (t0, t1), _ = self.plot.getViewBox().viewRange()
        return float(t0), float(t1)

    def show(self, t0: float, t1: float) -> None:
        note_interaction()  # key repeat pans/zooms like a gesture
        self.plot.setXRange(t0, t1, padding=0)

    def fit(self) -> None:
        """The whole file, every frequency (Ctrl+0)."""
        duration = self.document.duration
        if duration <= 0:
            return
        source = self.document.source
        min_span = MIN_SPAN_SAMPLES / source.samplerate if source is not None else 0.0
        self.plot.getViewBox().setLimits(xMin=-MARGIN * duration, xMax=duration * (1 + MARGIN),
                                         minXRange=min(min_span, duration))
        self.show(0.0, duration)
        self.frequency_box.fit_y()

    def refit(self, previous: float) -> None:
        """The file's duration changed from ``previous`` s (its real end was found): fit
        again if the view showed the whole file, else only move the limits."""
        t0, t1 = self.visible()
        if t0 <= 1e-9 and t1 >= previous * (1 - 1e-6):
            self.fit()
            return
        duration = self.document.duration
        if duration > 0:
            self.plot.getViewBox().setLimits(xMin=-MARGIN * duration,
                                             xMax=duration * (1 + MARGIN))

    def zoom(self, factor: float) -> None:
        """Scale the visible span by ``factor`` around its centre (< 1 zooms in)."""
        t0, t1 = self.visible()
        centre, half = (t0 + t1) / 2, (t1 - t0) / 2 * factor
        self.show(centre - half, centre + half)

    def zoom_selection(self) -> None:
        """Fit the time axis to the selection (F); the whole file without one."""
        selection = self.document.selection
        if selection is None:
            self.fit()
        else:
            self.show(*selection)

    def go_start(self) -> None:
        """Home: the view starts at 0 s (same span) and the play cursor goes there."""
        t0, t1 = self.visible()
        self.show(0.0, t1 - t0)
        self._move_cursor(0.0)

    def go_end(self) -> None:
        """End: the view ends at the file's end and the play cursor goes there."""
        t0, t1 = self.visible()
        duration = self.document.duration
        self.show(duration - (t1 - t0), duration)
        self._move_cursor(duration)

    def pan(self, fraction: float) -> None:
        """Scroll by ``fraction`` of the visible span (negative: earlier)."""
        t0, t1 = self.visible()
        step = fraction * (t1 - t0)
        self.show(t0 + step, t1 + step)

    def _move_cursor(self, seconds: float) -> None:
        if self.document.source is None:
            return
        self.document.set_cursor(seconds)
        self.playback.jump_to(self.document.cursor)
