"""Selection, cursor and playhead drawn on every time view and kept in step.

The Document holds the selection and cursor; each view shows a LinearRegionItem (edges
draggable) and two vertical lines, each a layer on top of the view's stack. Dragging on
any view selects; clicking sets the cursor.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt

from sonolens.model.document import Document
from sonolens.ui.theme import PlotColors
from sonolens.ui.views.layer import BaseLayer
from sonolens.ui.views.layout import TimeView

SELECTION_BRUSH = (120, 170, 255, 55)
PLAYHEAD_PEN = pg.mkPen("#ff5252", width=1.5)
CURSOR_PEN = pg.mkPen("#ffffff", width=1, style=Qt.PenStyle.DashLine)


class ItemLayer(BaseLayer):
    """A layer of one ready-made item over the data (not counted for auto-range)."""

    ignore_bounds = True

    def __init__(self, name: str, item: pg.GraphicsObject) -> None:
        super().__init__(name)
        self.item = item

    def items(self) -> list[pg.GraphicsObject]:
        return [self.item]


class CursorLayer(ItemLayer):
    """The play cursor: a dashed line, white over an image, the theme's cursor colour
    over curves (``over_image``)."""

    def __init__(self, line: pg.InfiniteLine, *, over_image: bool) -> None:
        super().__init__("cursor", line)
        self.over_image = over_image

    def restyle(self, colors: PlotColors) -> None:
        color = "#ffffff" if self.over_image else colors.cursor
        self.item.setPen(pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine))


class TimeMarkers(QObject):
    """Owns the region and lines of every view; follows and edits the Document."""

    def __init__(self, document: Document, views: list[TimeView],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.views = views
        self.regions: list[pg.LinearRegionItem] = []
        self.playheads: list[pg.InfiniteLine] = []
        self.cursors: list[pg.InfiniteLine] = []
        self._syncing = False
        for view in views:
            region = pg.LinearRegionItem(values=(0, 0), movable=True,
                                         brush=pg.mkBrush(*SELECTION_BRUSH),
                                         pen=pg.mkPen(120, 170, 255, 200))
            region.setZValue(20)
            region.hide()
            region.sigRegionChanged.connect(self._on_region_changed)
            playhead = pg.InfiniteLine(angle=90, movable=False, pen=PLAYHEAD_PEN)
            playhead.setZValue(30)
            playhead.hide()
            cursor = pg.InfiniteLine(angle=90, movable=False, pen=CURSOR_PEN)
            cursor.setZValue(25)
            over_image = any(layer.opaque for layer in view.layers)
            view.add_layer(ItemLayer("selection", region))
            view.add_layer(ItemLayer("playhead", playhead))
            view.add_layer(CursorLayer(cursor, over_image=over_image))
            view.viewbox.selecting.connect(self._on_view_selecting)
            view.viewbox.clicked.connect(self._on_view_clicked)
            self.regions.append(region)
            self.playheads.append(playhead)
            self.cursors.append(cursor)
        document.selection_changed.connect(self._on_document_selection_changed)
        document.cursor_changed.connect(self._on_document_cursor_changed)
        document.audio_changed.connect(self._on_document_selection_changed)
        document.audio_changed.connect(self._on_document_cursor_changed)

    # -- user edits ----------------------------------------------------------------------
    def _on_view_selecting(self, t0: float, t1: float, finished: bool) -> None:
        if self.document.source is None:
            return
        self.document.set_selection((t0, t1))

    def _on_view_clicked(self, t: float) -> None:
        if self.document.source is None:
            return
        self.document.set_cursor(t)
        self.document.set_selection(None)

    def _on_region_changed(self, region: pg.LinearRegionItem) -> None:
        if self._syncing:
            return
        self.document.set_selection(region.getRegion())

    # -- document events -----------------------------------------------------------------
    def _on_document_selection_changed(self) -> None:
        selection = self.document.selection
        self._syncing = True
        try:
            for region in self.regions:
                if selection is None:
                    region.hide()
                else:
                    region.setRegion(selection)
                    region.show()
        finally:
            self._syncing = False

    def _on_document_cursor_changed(self) -> None:
        for line in self.cursors:
            line.setValue(self.document.cursor)

    # -- playhead ------------------------------------------------------------------------
    def show_playhead(self, seconds: float | None) -> None:
        """Move every view's playhead to ``seconds`` (None hides it)."""
        for line in self.playheads:
            if seconds is None:
                line.hide()
            else:
                line.setValue(seconds)
                line.show()
