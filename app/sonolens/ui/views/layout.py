"""Base of every time-axis view: a PlotItem that redraws its visible range, lined up.

Each view keeps a fixed left-axis width and a fixed right column (the colorbar, or an
empty spacer) so the plot areas of all views share the same x pixels.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGraphicsItem

from sonolens.ui.views.interaction import INTERACTION_S, interacting
from sonolens.ui.views.layer import Layer
from sonolens.ui.views.legend_strip import LegendStrip
from sonolens.ui.views.text_axis import TextCachedAxis
from sonolens.ui.views.time_axis import TimeAxis, time_label
from sonolens.ui.views.time_viewbox import TimeViewBox

LEFT_AXIS_WIDTH = 64  # px: labels like "10k" plus the axis title
RIGHT_COLUMN_WIDTH = 84  # px: the colorbar column (empty for views without one)
REDRAW_DELAY_MS = 10  # coalesces bursts of range changes into one redraw
PROGRESS_REDRAW_MS = 250  # while results are still growing


class TimeView(pg.GraphicsLayoutWidget):
    """A plot on the shared time axis: an ordered stack of layers (ui.views.layer), drawn
    bottom to top for the visible range; subclasses may refine :meth:`redraw`."""

    def __init__(self, *, y_label: str, left_axis: pg.AxisItem | None = None) -> None:
        super().__init__()
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.ci.layout.setHorizontalSpacing(4)
        axes: dict[str, pg.AxisItem] = {"bottom": TimeAxis("bottom")}
        axes["left"] = left_axis if left_axis is not None else TextCachedAxis("left")
        self.viewbox = TimeViewBox()
        # row 0: a legend strip for views with curves (add_legend_strip); row 1: the plot
        self.plot: pg.PlotItem = self.addPlot(row=1, col=0, axisItems=axes,
                                              viewBox=self.viewbox)
        self.plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        for name in ("left", "bottom", "top", "right"):  # SI prefixes: label HTML per change
            self.plot.getAxis(name).enableAutoSIPrefix(False)
            # axis titles (rotated text on the left) are drawn from a cached pixmap
            self.plot.getAxis(name).label.setCacheMode(
                QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot.setLabel("left", y_label)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.plot.getViewBox().setLimits(xMin=-0.5)
        self.right_column: pg.GraphicsWidget | None = None
        self.layers: list[Layer] = []
        self.legend: LegendStrip | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_DELAY_MS)
        self._timer.timeout.connect(self.redraw)
        self._settle = QTimer(self)  # the full-resolution redraw after a gesture
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._on_settle_timeout)
        self.plot.getViewBox().sigXRangeChanged.connect(self.schedule_redraw)
        self._time_label_shown = False
        self._time_label_text = ""
        self.plot.getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)
        self.plot.getViewBox().sigResized.connect(self.schedule_redraw)

    def set_right_item(self, item: pg.GraphicsWidget | None) -> None:
        """Put ``item`` (a colorbar) in the right column, or a blank spacer if None."""
        if self.right_column is not None:
            self.removeItem(self.right_column)
        self.right_column = item if item is not None else pg.LabelItem("")
        self.addItem(self.right_column, row=1, col=1)
        self.ci.layout.setColumnFixedWidth(1, RIGHT_COLUMN_WIDTH)

    def add_legend_strip(self) -> LegendStrip:
        """A legend row above the plot (names start at the plot's left edge)."""
        strip = LegendStrip(indent=LEFT_AXIS_WIDTH)
        self.addItem(strip, row=0, col=0)
        self.legend = strip
        return strip

    # -- layers --------------------------------------------------------------------------
    def add_layer(self, layer: Layer, index: int | None = None) -> None:
        """Attach ``layer`` to the plot and put it in the stack (at ``index``; default:
        on top)."""
        layer.attach(self.plot)
        self.layers.insert(len(self.layers) if index is None else index, layer)

    def remove_layer(self, layer: Layer) -> None:
        layer.detach()
        self.layers.remove(layer)

    def draw_layers(self, t0: float, t1: float, width: int,
                    layers: list[Layer] | None = None) -> None:
        """Redraw ``layers`` (default: the whole stack) for [t0, t1] s at ``width`` px."""
        for layer in self.layers if layers is None else layers:
            layer.redraw(t0, t1, width)

    def update_legend(self) -> None:
        """The legend strip (if any) lists the layers' entries, bottom to top (a layer
        may give a list: the annotations layer, one per tier)."""
        if self.legend is not None:
            entries = [layer.legend() for layer in self.layers]
            self.legend.set_entries([one for entry in entries if entry is not None
                                     for one in (entry if isinstance(entry, list) else [entry])])

    def show_time_label(self, shown: bool) -> None:
        """The time axis under this view (the window shows it once, under the lowest view:
        less to lay out and paint per frame while panning)."""
        self._time_label_shown = shown
        self._time_label_text = self._time_label() if shown else ""
        self.plot.setLabel("bottom", self._time_label_text or None)
        if shown:
            self.plot.showAxis("bottom")
        else:
            self.plot.hideAxis("bottom")

    def set_time_origin(self, seconds: float) -> None:
        """The time axis reads ``seconds`` where the data start (an excerpt of a file)."""
        self.plot.getAxis("bottom").set_origin(seconds)
        self._on_x_range_changed()

    def _time_label(self) -> str:
        (t0, t1), _ = self.plot.getViewBox().viewRange()
        origin = self.plot.getAxis("bottom").origin
        return time_label(max(abs(t0 + origin), abs(t1 + origin)))

    def _on_x_range_changed(self) -> None:
        if interacting():
            self._settle.start(int(INTERACTION_S * 1000) + REDRAW_DELAY_MS)
        if self._time_label_shown:
            text = self._time_label()
            if text != self._time_label_text:  # setLabel re-lays out the plot: only on change
                self._time_label_text = text
                self.plot.setLabel("bottom", text)

    def _on_settle_timeout(self) -> None:
        if interacting():  # another gesture came: wait for it to rest
            self._settle.start(int(INTERACTION_S * 1000))
        else:
            self.schedule_redraw()

    def dispose(self) -> None:
        """Stop pending redraws (before the widget is deleted)."""
        self._timer.stop()
        self._settle.stop()
        self._timer.timeout.disconnect(self.redraw)

    def schedule_redraw(self) -> None:
        self._timer.start(REDRAW_DELAY_MS)

    def schedule_progress_redraw(self) -> None:
        """Redraw for data still arriving: at most ~4 times a second (each redraw costs
        GUI-thread time the analysis threads need), never postponed by newer arrivals."""
        if not self._timer.isActive():
            self._timer.start(PROGRESS_REDRAW_MS)

    @property
    def redraw_pending(self) -> bool:
        return self._timer.isActive() or self._settle.isActive()

    def visible_span(self) -> tuple[float, float, int]:
        """(t0, t1) seconds shown and the columns to draw: the plot width in device pixels
        (HiDPI: more), half of it during a pan/zoom gesture (see :func:`note_interaction`)."""
        (t0, t1), _ = self.plot.getViewBox().viewRange()
        width = max(16, int(self.plot.getViewBox().width() * self.devicePixelRatioF()))
        if interacting():
            width = max(16, width // 2)
        return float(t0), float(t1), width

    def plot_height(self) -> int:
        """The plot area's height in device pixels."""
        return max(16, int(self.plot.getViewBox().height() * self.devicePixelRatioF()))

    def redraw(self) -> None:
        """Draw every layer for the visible range."""
        self.draw_layers(*self.visible_span())
