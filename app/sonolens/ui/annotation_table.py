"""The Annotations dock: a sortable, filterable table of the document's annotations.

Columns: tier, start, end, duration (s, 3 decimals), low/high Hz, label. Double-click a
row selects its span and zooms to it; editing a label cell is one undoable edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.model.document import Document
from sonolens.ui.annotation_edits import AnnotationEditor

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("tier", "start", "end", "duration", "low Hz", "high Hz", "label")
TIER, START, END, DURATION, LOW, HIGH, LABEL = range(len(HEADERS))
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_SORT = Qt.ItemDataRole.UserRole  # numbers sort as numbers (None: first)


def _value(annotation: Annotation, column: int) -> Any:
    """The cell's raw value: str for tier/label, float seconds or Hz (None: no band)."""
    return (annotation.tier, annotation.start, annotation.end, annotation.duration,
            annotation.low_hz, annotation.high_hz, annotation.label)[column]


class AnnotationTableModel(QAbstractTableModel):
    """Rows: ``document.annotations.annotations`` in stored order; reset on every change."""

    def __init__(self, document: Document, editor: AnnotationEditor) -> None:
        super().__init__()
        self.document, self.editor = document, editor
        self._rows: list[Annotation] = list(document.annotations.annotations)
        document.annotations_changed.connect(self._on_annotations_changed)

    def _on_annotations_changed(self) -> None:
        self.beginResetModel()
        self._rows = list(self.document.annotations.annotations)
        self.endResetModel()

    def annotation(self, row: int) -> Annotation:
        return self._rows[row]

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
        value = _value(self._rows[index.row()], index.column())
        if role == _SORT:
            if index.column() in (TIER, LABEL):
                return value.casefold()
            return float("-inf") if value is None else float(value)
        if role in (_DISPLAY, _EDIT):
            if value is None or isinstance(value, str):
                return "" if value is None else value
            return f"{value:.3f}" if index.column() <= DURATION else f"{value:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() not in (TIER, LABEL):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == LABEL else flags

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        """A new label: the annotation is replaced as one undoable edit."""
        if role != _EDIT or index.column() != LABEL or not index.isValid():
            return False
        old = self._rows[index.row()]
        label = str(value)
        if label == old.label:
            return False
        before = self.document.annotations
        items = list(before.annotations)
        items[items.index(old)] = old.replace(label=label)
        after = AnnotationSet(list(before.tiers), items, before.duration)
        self.editor.push(before, after, f'Relabel "{old.label}"')
        return True


class AnnotationFilter(QSortFilterProxyModel):
    """Keeps rows whose label or tier contains the filter text (case-insensitive)."""

    def __init__(self, source: AnnotationTableModel) -> None:
        super().__init__()
        self._text = ""
        self.setSourceModel(source)
        self.setSortRole(_SORT)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        if not self._text:
            return True
        annotation = self.sourceModel().annotation(row)  # type: ignore[attr-defined]
        return (self._text in annotation.label.casefold()
                or self._text in annotation.tier.casefold())


class AnnotationTable(QWidget):
    """The dock's widget: a filter line and the table. ``zoom()``: zoom to the selection
    (the Navigator's). ``set_shown`` is there for the tabbed-dock helper (no-op)."""

    def __init__(self, document: Document, editor: AnnotationEditor,
                 zoom: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self._zoom = document, zoom
        self.model = AnnotationTableModel(document, editor)
        self.model.setParent(self)
        self.proxy = AnnotationFilter(self.model)
        self.proxy.setParent(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("annotation_filter")
        self.filter_edit.setPlaceholderText("filter by label or tier")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.view = QTableView(self)
        self.view.setObjectName("annotation_table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(START, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            LABEL, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

    def set_shown(self, shown: bool) -> None:
        """Shown or hidden behind another tab (nothing to pause: resets are cheap)."""

    def annotation_at(self, proxy_row: int) -> Annotation:
        """The annotation in the table's ``proxy_row`` (sorted and filtered order)."""
        return self.model.annotation(self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row())

    def show_annotation(self, annotation: Annotation) -> None:
        """Select the annotation's span (a point: a cursor move) and zoom the view to it."""
        if annotation.is_point:
            self.document.set_cursor(annotation.start)
            return
        self.document.set_selection((annotation.start, annotation.end))
        self._zoom()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        self.show_annotation(self.annotation_at(index.row()))
