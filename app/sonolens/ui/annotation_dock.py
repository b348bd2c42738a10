"""Wiring of the Annotations dock's parts into the window: the tiers panel above the
table, refused edits in the status bar, Space in the table plays a row's annotation, and
Edit > Next / Previous Annotation (Alt+Right / Alt+Left).

Space on a span selects it and plays it (looping if Loop is on); on a point it moves the
cursor there and plays from it (Shift+Space or Space again stops).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from PySide6.QtCore import QObject

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.model.document import Document
from sonolens.ui.annotation_table import AnnotationTable
from sonolens.ui.navigation import Navigator
from sonolens.ui.playback_controller import PlaybackController
from sonolens.ui.tier_list import TierList

EDGE_MARGIN = 0.1  # fraction of the view kept beside an annotation scrolled into view
MESSAGE_MS = 8000


class AnnotationStepper(QObject):
    """Next / previous annotation in time (start, then end, then tier order) among the
    shown tiers, from the cursor: its span is selected (a point: the cursor only), the
    view scrolls to show it and its table row is selected."""

    def __init__(self, document: Document, navigator: Navigator, table: AnnotationTable,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document, self.navigator, self.table = document, navigator, table
        self.last: Annotation | None = None  # where the last step went (ties at one time)
        self._order: tuple[AnnotationSet, list[Annotation], list[float]] | None = None

    def ordered(self) -> tuple[list[Annotation], list[float]]:
        """The annotations of the shown tiers in time order, and their starts (s); kept
        until the annotations change (each edit makes a new set)."""
        annotations = self.document.annotations
        if self._order is None or self._order[0] is not annotations:
            order = {t.name: k for k, t in enumerate(annotations.tiers) if t.visible}
            shown = sorted((a for a in annotations.annotations if a.tier in order),
                           key=lambda a: (a.start, a.end, order[a.tier]))
            self._order = (annotations, shown, [a.start for a in shown])
        return self._order[1], self._order[2]

    def step(self, direction: int) -> Annotation | None:
        """Go to the next (+1) or previous (-1) annotation; None when there is none."""
        if self.document.source is None:
            return None
        items, starts = self.ordered()
        cursor = self.document.cursor
        here = None
        if self.last is not None and abs(self.last.start - cursor) < 1e-9:
            k = bisect_left(starts, self.last.start)
            while k < len(items) and starts[k] == self.last.start and here is None:
                here = k if items[k] is self.last else None
                k += 1
        if here is not None:
            target = here + direction
        elif direction > 0:
            target = bisect_right(starts, cursor + 1e-9)
        else:
            target = bisect_left(starts, cursor - 1e-9) - 1
        if not 0 <= target < len(items):
            return None
        self.go_to(items[target])
        return items[target]

    def go_to(self, annotation: Annotation) -> None:
        self.last = annotation
        doc = self.document
        doc.set_selection(None if annotation.is_point else (annotation.start, annotation.end))
        doc.set_cursor(annotation.start)
        self.navigator.playback.jump_to(doc.cursor)
        self.scroll_to(annotation.start, annotation.end)
        self.table.select_annotation(annotation)

    def scroll_to(self, t0: float, t1: float) -> None:
        """Move the view (same span) so [t0, t1] s is inside it; zoom out if too wide."""
        v0, v1 = self.navigator.visible()
        width = v1 - v0
        margin = EDGE_MARGIN * width
        if t0 >= v0 and t1 <= v1:
            return
        if t1 - t0 > width - 2 * margin:
            pad = EDGE_MARGIN * (t1 - t0)
            self.navigator.show(t0 - pad, t1 + pad)
        elif t0 < v0:
            self.navigator.show(t0 - margin, t0 - margin + width)
        else:
            self.navigator.show(t1 + margin - width, t1 + margin)


def play_annotation(document: Document, playback: PlaybackController,
                    annotation: Annotation) -> None:
    """Space in the table: stop if playing, else select the span and play it (a point:
    play from it)."""
    if playback.state == "playing":
        playback.stop()
        return
    if annotation.is_point:
        document.set_selection(None)
    else:
        document.set_selection((annotation.start, annotation.end))
    document.set_cursor(annotation.start)
    playback.stop()
    playback.play()


def connect_annotation_dock(window: Any) -> TierList:
    """Add the tiers panel to ``window.annotation_table`` and wire the dock's keys and
    messages (``window``: the MainWindow)."""
    table: AnnotationTable = window.annotation_table
    tiers = TierList(window.document, window.annotation_editor, table)
    tiers.tree.setMaximumHeight(130)
    table.layout_.insertWidget(0, tiers)
    table.layout_.setStretchFactor(table.view, 1)  # the table takes the height left
    status = window.statusBar()
    for source in (tiers, table):
        source.message.connect(lambda text: status.showMessage(text, MESSAGE_MS))
    table.play_annotation = lambda a: play_annotation(window.document, window.playback, a)
    stepper = AnnotationStepper(window.document, window.navigator, table, parent=window)
    window.actions.next_annotation.triggered.connect(lambda: stepper.step(1))
    window.actions.previous_annotation.triggered.connect(lambda: stepper.step(-1))
    window.annotation_stepper = stepper
    return tiers
