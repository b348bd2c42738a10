"""The Annotations dock: a sortable table of the document's annotations, filtered by
text and tier.

Columns: tier, start, end, duration (s, 3 decimals), low/high Hz, label. Double-click a
row selects its span and zooms to it; Space plays it (``play_annotation``). Editing a
tier, start, end, low/high Hz or label cell is one undoable edit; a value that is not a
valid one is refused with a one-line ``message`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
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
_SORT = Qt.ItemDataRole.UserRole  # numbers sort as numbers (None: first)
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


class AnnotationTableModel(QAbstractTableModel):
    """Rows: ``document.annotations.annotations`` in stored order; reset on every change.
    ``message(text)``: why an edit was refused."""

    message = Signal(str)

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

    @property
    def rows(self) -> list[Annotation]:
        """The annotations by source row (the document's order)."""
        return self._rows

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
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() in _FIELDS else flags

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        """A new tier, time, band edge or label: the annotation is replaced as one
        undoable edit; a bad value is refused with a ``message``."""
        column = index.column()
        if role != _EDIT or column not in _FIELDS or not index.isValid():
            return False
        row = index.row()
        old = self._rows[row]
        try:
            new = old.replace(**{_FIELDS[column]: _parsed(column, str(value))})
        except (ValueError, ParameterError) as exc:
            self.message.emit(f"Not changed: {exc}")
            return False
        if new == old:
            return False
        before = self.document.annotations
        after, text = before.with_replaced(row, new), edit_text(column, old, new)
        # pushed once the cell editor has closed: the reset would pull it from under Qt
        QTimer.singleShot(0, lambda: self._push(before, after, text))
        return True

    def _push(self, before: AnnotationSet, after: AnnotationSet, text: str) -> None:
        if self.document.annotations is before:  # else something else changed them first
            self.editor.push(before, after, text)


class AnnotationFilter(QSortFilterProxyModel):
    """Keeps rows whose label or tier contains the filter text (case-insensitive) and, if
    one is set, whose tier is ``tier``."""

    def __init__(self, source: AnnotationTableModel) -> None:
        super().__init__()
        self._text = ""
        self.tier: str | None = None
        self.setSourceModel(source)
        self.setSortRole(_SORT)

    def set_tier(self, tier: str | None) -> None:
        """Only the rows of ``tier`` (None: every tier)."""
        self.beginFilterChange()
        self.tier = tier
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        annotation = self.sourceModel().annotation(row)  # type: ignore[attr-defined]
        if self.tier is not None and annotation.tier != self.tier:
            return False
        if not self._text:
            return True
        return (self._text in annotation.label.casefold()
                or self._text in annotation.tier.casefold())


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
        self.proxy = AnnotationFilter(self.model)
        self.proxy.setParent(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("annotation_filter")
        self.filter_edit.setPlaceholderText("filter by label or tier")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.tier_filter = QComboBox(self)
        self.tier_filter.setObjectName("annotation_tier_filter")
        self.tier_filter.setToolTip("Only the annotations of one tier")
        self.tier_filter.currentIndexChanged.connect(self._on_tier_filter_changed)
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

    def select_annotation(self, annotation: Annotation) -> bool:
        """Make ``annotation``'s row current and scroll to it; False if it is not shown."""
        row = next((k for k, a in enumerate(self.model.rows) if a is annotation), None)
        index = QModelIndex() if row is None else self.proxy.mapFromSource(
            self.model.index(row, LABEL))
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    def _fill_tier_filter(self) -> None:
        """All tiers, then each tier; the chosen one stays (All if it is gone)."""
        names = [t.name for t in self.document.annotations.tiers]
        chosen = self.proxy.tier if self.proxy.tier in names else None
        self.tier_filter.blockSignals(True)
        self.tier_filter.clear()
        self.tier_filter.addItem(ALL_TIERS, None)
        for name in names:
            self.tier_filter.addItem(name, name)
        self.tier_filter.setCurrentIndex(0 if chosen is None else names.index(chosen) + 1)
        self.tier_filter.blockSignals(False)
        if chosen != self.proxy.tier:
            self.proxy.set_tier(chosen)

    def _on_tier_filter_changed(self, index: int) -> None:
        self.proxy.set_tier(self.tier_filter.itemData(index))

    def _on_model_message(self, text: str) -> None:
        self.view.setToolTip(text)
        self.message.emit(text)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        self.show_annotation(self.annotation_at(index.row()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space in the table plays the current row's annotation (before the window's
        Play / Pause shortcut takes the key)."""
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
