"""The Annotations dock: a sortable table of the document's annotations, filtered by
text and tier.

Columns: tier, start, end, duration (s, 3 decimals), low/high Hz, label. Double-click a
row selects its span and zooms to it; Space plays it (``play_annotation``). Editing a
tier, start, end, low/high Hz or label cell is one undoable edit; a value that is not a
valid one is refused with a one-line ``message`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.core.errors import ParameterError
from sonolens.model.document import Document
from sonolens.ui.annotation_edits import AnnotationEditor

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("tier", "start", "end", "duration", "low Hz", "high Hz", "label")
TIER, START, END, DURATION, LOW, HIGH, LABEL = range(len(HEADERS))
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_FIELDS = {TIER: "tier", START: "start", END: "end", LOW: "low_hz", HIGH: "high_hz",
           LABEL: "label"}  # editable columns -> Annotation field
ALL_TIERS = "All tiers"


def _value(annotation: Annotation, column: int) -> Any:
    """The cell's raw value: str for tier/label, float seconds or Hz (None: no band)."""
    return (annotation.tier, annotation.start, annotation.end, annotation.duration,
            annotation.low_hz, annotation.high_hz, annotation.label)[column]


def _parsed(column: int, text: str) -> Any:
    """The cell text as the field's value: str for tier/label, float seconds, float Hz or
    None (empty) for a band edge. ValueError when it is not one."""
    text = text.strip()
    if column == LABEL:
        return text
    if column == TIER:
        if not text:
            raise ValueError("a tier needs a name")
        return text
    if column in (LOW, HIGH) and not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def edit_text(column: int, old: Annotation, new: Annotation) -> str:
    """The undo text of an edit of ``column``: 'Relabel "x"', 'Edit start of "x"'…"""
    if column == LABEL:
        return f'Relabel "{old.label}"'
    if column == TIER:
        return f'Move "{old.label}" to tier "{new.tier}"'
    return f'Edit {HEADERS[column]} of "{old.label}"'


def _sorted(items: list[Annotation], rows: list[int], column: int, descending: bool
            ) -> list[int]:
    """``rows`` (indices into ``items``) stably sorted by ``column``: casefolded text, or
    the number (no band edge: first), compared in numpy for the numeric columns."""
    if column in (TIER, LABEL):
        field = _FIELDS[column]
        keys = [getattr(a, field).casefold() for a in items]
        return sorted(rows, key=keys.__getitem__, reverse=descending)
    n, inf = len(items), float("-inf")
    if column in (START, END, DURATION):
        start = np.fromiter(map(attrgetter("start"), items), dtype=np.float64, count=n)
        end = np.fromiter(map(attrgetter("end"), items), dtype=np.float64, count=n)
        values = {START: start, END: end}.get(column, end - start)
    else:
        values = np.array([inf if v is None else v
                           for v in map(attrgetter(_FIELDS[column]), items)], dtype=np.float64)
    chosen = np.asarray(rows, dtype=np.int64)
    keys = values[chosen]
    return chosen[np.argsort(-keys if descending else keys, kind="stable")].tolist()


class AnnotationTableModel(QAbstractTableModel):
    """Rows: the document's annotations that pass the filters (text in label or tier,
    ``tier``), sorted by one column; rebuilt in one pass on every change (100 000 in
    about 0.1 s: no per-row calls from a proxy). ``message(text)``: a refused edit."""

    message = Signal(str)

    def __init__(self, document: Document, editor: AnnotationEditor) -> None:
        super().__init__()
        self.document, self.editor = document, editor
        self.text, self.tier = "", None  # filters: casefolded text, tier name or None
        self.sort_column, self.sort_order = START, Qt.SortOrder.AscendingOrder
        self._all: list[Annotation] = []
        self._rows: list[int] = []  # row -> index in ``_all`` (the document's order)
        self._rebuild()
        document.annotations_changed.connect(self._rebuild)

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._all = list(self.document.annotations.annotations)
        text, tier, items = self.text, self.tier, self._all
        rows = list(range(len(items))) if tier is None and not text else [
            k for k, a in enumerate(items) if (tier is None or a.tier == tier) and (
                not text or text in a.label.casefold() or text in a.tier.casefold())]
        self._rows = _sorted(items, rows, self.sort_column,
                             self.sort_order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def set_text(self, text: str) -> None:
        """Only rows whose label or tier contains ``text`` (case-insensitive)."""
        self.text = text.casefold()
        self._rebuild()

    def set_tier(self, tier: str | None) -> None:
        """Only the rows of ``tier`` (None: every tier)."""
        self.tier = tier
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._rebuild()

    def annotation(self, row: int) -> Annotation:
        return self._all[self._rows[row]]

    def row_of(self, annotation: Annotation) -> int | None:
        """The row showing ``annotation`` (this very object), None if filtered out."""
        index = next((k for k, a in enumerate(self._all) if a is annotation), None)
        try:
            return None if index is None else self._rows.index(index)
        except ValueError:
            return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        value = _value(self.annotation(index.row()), index.column())
        if role in (_DISPLAY, _EDIT):
            if value is None or isinstance(value, str):
                return "" if value is None else value
            return f"{value:.3f}" if index.column() <= DURATION else f"{value:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() not in (TIER, LABEL):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() in _FIELDS else flags

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        """A new tier, time, band edge or label: the annotation is replaced as one
        undoable edit; a bad value is refused with a ``message``."""
        column = index.column()
        if role != _EDIT or column not in _FIELDS or not index.isValid():
            return False
        position = self._rows[index.row()]
        old = self._all[position]
        try:
            new = old.replace(**{_FIELDS[column]: _parsed(column, str(value))})
        except (ValueError, ParameterError) as exc:
            self.message.emit(f"Not changed: {exc}")
            return False
        if new == old:
            return False
        before = self.document.annotations
        after, text = before.with_replaced(position, new), edit_text(column, old, new)
        # pushed once the cell editor has closed: the reset would pull it from under Qt
        QTimer.singleShot(0, lambda: self._push(before, after, text))
        return True

    def _push(self, before: AnnotationSet, after: AnnotationSet, text: str) -> None:
        if self.document.annotations is before:  # else something else changed them first
            self.editor.push(before, after, text)


class AnnotationTable(QWidget):
    """The dock's widget: a filter line, a tier filter and the table. ``zoom()``: zoom to
    the selection (the Navigator's). ``play_annotation(a)``: Space in the table (set by
    ``annotation_dock``). ``message(text)``: a refused edit. ``set_shown`` is there for
    the tabbed-dock helper (no-op)."""

    message = Signal(str)

    def __init__(self, document: Document, editor: AnnotationEditor,
                 zoom: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self._zoom = document, zoom
        self.play_annotation: Callable[[Annotation], None] | None = None
        self.model = AnnotationTableModel(document, editor)
        self.model.setParent(self)
        self.model.message.connect(self._on_model_message)
        self.proxy = self.model  # what the view shows: the model filters and sorts itself
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("annotation_filter")
        self.filter_edit.setPlaceholderText("filter by label or tier")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.model.set_text)
        self.tier_filter = QComboBox(self)
        self.tier_filter.setObjectName("annotation_tier_filter")
        self.tier_filter.setToolTip("Only the annotations of one tier")
        self.tier_filter.currentIndexChanged.connect(self._on_tier_filter_changed)
        self.view = QTableView(self)
        self.view.setObjectName("annotation_table")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(START, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.verticalHeader().hide()
        self._lay_out_columns()
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.installEventFilter(self)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 2)
        filters.addWidget(self.tier_filter, 1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.addLayout(filters)
        self.layout_.addWidget(self.view)
        document.annotations_changed.connect(self._fill_tier_filter)
        self._fill_tier_filter()

    def set_shown(self, shown: bool) -> None:
        """Shown or hidden behind another tab (nothing to pause: resets are cheap)."""

    def annotation_at(self, row: int) -> Annotation:
        """The annotation in the table's ``row`` (sorted and filtered order)."""
        return self.model.annotation(row)

    def show_annotation(self, annotation: Annotation) -> None:
        """Select the annotation's span (a point: a cursor move) and zoom the view to it."""
        if annotation.is_point:
            self.document.set_cursor(annotation.start)
            return
        self.document.set_selection((annotation.start, annotation.end))
        self._zoom()

    def select_annotation(self, annotation: Annotation) -> bool:
        """Make ``annotation``'s row current and scroll to it; False if it is not shown."""
        row = self.model.row_of(annotation)
        if row is None:
            return False
        index = self.model.index(row, TIER)  # scrolled to from the left
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    def _lay_out_columns(self) -> None:
        """Compact rows; the label right after the tier (visual order only: the model's
        columns stay as HEADERS), so tier, label, start and end fit the dock's width."""
        metrics = self.view.fontMetrics()
        self.view.verticalHeader().setDefaultSectionSize(metrics.height() + 6)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.moveSection(header.visualIndex(LABEL), 1)
        number = metrics.horizontalAdvance("00000.000") + 12
        for column in range(len(HEADERS)):
            header.resizeSection(column, 11 * number // 10 if column == TIER
                                 else 2 * number if column == LABEL else number)

    def _fill_tier_filter(self) -> None:
        """All tiers, then each tier; the chosen one stays (All if it is gone)."""
        names = [t.name for t in self.document.annotations.tiers]
        chosen = self.model.tier if self.model.tier in names else None
        self.tier_filter.blockSignals(True)
        self.tier_filter.clear()
        self.tier_filter.addItem(ALL_TIERS, None)
        for name in names:
            self.tier_filter.addItem(name, name)
        self.tier_filter.setCurrentIndex(0 if chosen is None else names.index(chosen) + 1)
        self.tier_filter.blockSignals(False)
        if chosen != self.model.tier:
            self.model.set_tier(chosen)

    def _on_tier_filter_changed(self, index: int) -> None:
        self.model.set_tier(self.tier_filter.itemData(index))

    def _on_model_message(self, text: str) -> None:
        self.view.setToolTip(text)
        self.message.emit(text)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        self.show_annotation(self.annotation_at(index.row()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space in the table plays the current row's annotation (before the window's
        Play / Pause shortcut takes the key); F2 edits the current cell (not the window's
        Relabel Annotation)."""
        if (watched is self.view and event.type() == QEvent.Type.ShortcutOverride
                and event.key() == Qt.Key.Key_F2):  # type: ignore[attr-defined]
            event.accept()  # delivered as a key press: the view's EditKeyPressed
            return False
        if (watched is self.view and event.type() in (QEvent.Type.ShortcutOverride,
                                                      QEvent.Type.KeyPress)
                and event.key() == Qt.Key.Key_Space  # type: ignore[attr-defined]
                and not event.modifiers()  # type: ignore[attr-defined]
                and self.play_annotation is not None and self.view.currentIndex().isValid()):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self.play_annotation(self.annotation_at(self.view.currentIndex().row()))
            return True
        return super().eventFilter(watched, event)
