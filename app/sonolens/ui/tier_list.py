"""The tiers panel of the Annotations dock: one row per tier (colour swatch, visibility
check box, name editable in place), New / Delete / Move Up / Move Down, and the tier new
annotations go to. Every change is one undoable edit through ``AnnotationEditor.push``.

The colour dialog, the name prompt and the delete confirmation are attributes
(``pick_color``, ``ask_name``, ``confirm``) so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QStyledItemDelegate,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sonolens.core.annotations import AnnotationSet, Tier
from sonolens.core.errors import ParameterError
from sonolens.model.document import Document
from sonolens.ui.annotation_edits import AnnotationEditor

SWATCH, NAME = 0, 1  # columns
_CHECKED, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class _NoEditor(QStyledItemDelegate):
    """The swatch column: clicked for a colour, never edited as text."""

    def createEditor(self, *_args: object) -> None:  # type: ignore[override]
        return None


def _default_pick_color(current: str, parent: QWidget) -> str | None:
    color = QColorDialog.getColor(QColor(current), parent, "Tier colour")
    return color.name() if color.isValid() else None


def _default_ask_name(parent: QWidget) -> str | None:
    name, ok = QInputDialog.getText(parent, "New Tier", "Name of the new tier:")
    return name if ok else None


def _default_confirm(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "Delete Tier", text)
    return answer == QMessageBox.StandardButton.Yes


class TierList(QWidget):
    """The tiers of ``document.annotations`` in order; ``message(text)``: a one-line
    refusal or note for the status bar."""

    message = Signal(str)

    def __init__(self, document: Document, editor: AnnotationEditor,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.editor = document, editor
        self.pick_color: Callable[[str, QWidget], str | None] = _default_pick_color
        self.ask_name: Callable[[QWidget], str | None] = _default_ask_name
        self.confirm: Callable[[QWidget, str], bool] = _default_confirm
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("tier_list")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(SWATCH, 26)
        self.tree.setEditTriggers(QTreeWidget.EditTrigger.DoubleClicked
                                  | QTreeWidget.EditTrigger.EditKeyPressed)
        self.tree.setToolTip("Tick: shown in the views; click the swatch: colour; "
                             "double-click or F2: rename")
        self.tree.setItemDelegateForColumn(SWATCH, _NoEditor(self.tree))
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.current = QComboBox(self)
        self.current.setObjectName("current_tier")
        self.current.setToolTip("The tier Add Annotation (A) puts new annotations in")
        self.current.activated.connect(self._on_current_activated)
        buttons = QHBoxLayout()
        self.new_button = self._button("New…", "A new, empty tier", self.new_tier, buttons)
        self.delete_button = self._button("Delete", "The tier and its annotations",
                                          self.delete_tier, buttons)
        self.color_button = self._button("Colour…", "The tier's colour", self._on_color,
                                         buttons)
        buttons.addStretch(1)
        self.up_button = self._button("Up", "Move the tier up", lambda: self.move_tier(-1),
                                      buttons)
        self.down_button = self._button("Down", "Move the tier down",
                                        lambda: self.move_tier(1), buttons)
        self.up_button.setArrowType(Qt.ArrowType.UpArrow)
        self.down_button.setArrowType(Qt.ArrowType.DownArrow)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Add to:", self.current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        layout.addLayout(form)
        document.annotations_changed.connect(self.refresh)
        editor.stack.indexChanged.connect(lambda *_: self._fill_current())
        self.refresh()

    def _button(self, text: str, tip: str, slot: Callable[[], None],
                row: QHBoxLayout) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # -- showing -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rows from the document's tiers (the selected tier stays selected)."""
        selected = self.selected_tier()
        annotations = self.document.annotations
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            for k, tier in enumerate(annotations.tiers):
                item = QTreeWidgetItem([" ", tier.name])
                item.setIcon(SWATCH, _swatch(annotations.color_of(k)))
                item.setToolTip(SWATCH, f"{annotations.color_of(k)}: click to change")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(NAME, _CHECKED if tier.visible else _UNCHECKED)
                item.setData(NAME, Qt.ItemDataRole.UserRole, tier.name)
                self.tree.addTopLevelItem(item)
                if tier.name == selected:
                    self.tree.setCurrentItem(item)
        finally:
            self.tree.blockSignals(False)
        self._fill_current()
        self._update_buttons()

    def _fill_current(self) -> None:
        names = [t.name for t in self.document.annotations.tiers]
        current = self.editor.current_tier()
        if current not in names:
            names.append(current)  # created by the first annotation added
        self.current.blockSignals(True)
        self.current.clear()
        self.current.addItems(names)
        self.current.setCurrentIndex(names.index(current))
        self.current.blockSignals(False)

    def _update_buttons(self) -> None:
        row = self.tree.indexOfTopLevelItem(self.tree.currentItem())
        count = self.tree.topLevelItemCount()
        self.delete_button.setEnabled(row >= 0)
        self.color_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    def selected_tier(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(NAME, Qt.ItemDataRole.UserRole)

    def select_tier(self, name: str) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.data(NAME, Qt.ItemDataRole.UserRole) == name:
                self.tree.setCurrentItem(item)

    # -- edits ---------------------------------------------------------------------------
    def _push(self, after: AnnotationSet, text: str) -> None:
        self.editor.push(self.document.annotations, after, text)

    def rename_tier(self, name: str, new_name: str) -> bool:
        """Rename tier ``name`` (and its annotations); a duplicate or empty name is refused
        with a message."""
        new_name = new_name.strip()
        if new_name == name:
            return False
        if not new_name:
            self.message.emit("A tier needs a name")
            self.refresh()
            return False
        try:
            after = self.document.annotations.with_tier(name, name=new_name)
        except ParameterError:
            self.message.emit(f'A tier named "{new_name}" exists already')
            self.refresh()
            return False
        follows = self.editor.current_tier() == name
        self._push(after, f'Rename tier "{name}" to "{new_name}"')
        if follows:
            self.editor.set_current_tier(new_name)
            self._fill_current()
        self.select_tier(new_name)
        return True

    def set_visible(self, name: str, visible: bool) -> None:
        tier = self.document.annotations.tier(name)
        if tier is None or tier.visible == visible:
            return
        self._push(self.document.annotations.with_tier(name, visible=visible),
                   f'{"Show" if visible else "Hide"} tier "{name}"')

    def set_color(self, name: str, color: str) -> None:
        annotations = self.document.annotations
        index = [t.name for t in annotations.tiers].index(name)
        if QColor(color).name() == annotations.color_of(index):
            return
        self._push(annotations.with_tier(name, color=QColor(color).name()),
                   f'Colour tier "{name}"')

    def choose_color(self, name: str) -> None:
        """Ask for a colour (``pick_color``) and give it to tier ``name``."""
        annotations = self.document.annotations
        index = [t.name for t in annotations.tiers].index(name)
        color = self.pick_color(annotations.color_of(index), self)
        if color:
            self.set_color(name, color)

    def move_tier(self, step: int) -> None:
        """Move the selected tier ``step`` places (-1: up). Every tier keeps the colour
        it shows (colours by position are fixed first, as on Delete)."""
        name = self.selected_tier()
        annotations = self.document.annotations
        if name is None:
            return
        row = [t.name for t in annotations.tiers].index(name)
        to = row + step
        if not 0 <= to < len(annotations.tiers):
            return
        self._push(_colors_fixed(annotations).with_tier_moved(name, to),
                   f'Move tier "{name}"')
        self.select_tier(name)

    def new_tier(self) -> None:
        """Ask for a name (``ask_name``) and add an empty tier of spans at the end."""
        name = self.ask_name(self)
        if name is None:
            return
        name = name.strip()
        before = self.document.annotations
        if not name or before.tier(name) is not None:
            self.message.emit(f'A tier named "{name}" exists already' if name
                              else "A tier needs a name")
            return
        after = before.copy()
        after.tiers.append(Tier(name))
        self._push(after, f'New tier "{name}"')
        self.select_tier(name)

    def delete_tier(self) -> None:
        """Delete the selected tier and its annotations, after ``confirm`` (when it has
        any)."""
        name = self.selected_tier()
        if name is None:
            return
        before = self.document.annotations
        count = sum(1 for a in before.annotations if a.tier == name)
        if count and not self.confirm(
                self, f'Delete tier "{name}" and its {count} '
                      f'annotation{"" if count == 1 else "s"}?'):
            return
        fixed = _colors_fixed(before)  # the tiers after it keep the colours they show
        after = AnnotationSet([t for t in fixed.tiers if t.name != name],
                              [a for a in before.annotations if a.tier != name],
                              before.duration)
        self._push(after, f'Delete tier "{name}"')

    # -- signals -------------------------------------------------------------------------
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != NAME:
            return
        name = item.data(NAME, Qt.ItemDataRole.UserRole)
        if item.text(NAME) != name:
            self.rename_tier(name, item.text(NAME))
        else:
            self.set_visible(name, item.checkState(NAME) == _CHECKED)

    def _on_item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == SWATCH:
            self.choose_color(item.data(NAME, Qt.ItemDataRole.UserRole))

    def _on_color(self) -> None:
        name = self.selected_tier()
        if name is not None:
            self.choose_color(name)

    def _on_current_activated(self, index: int) -> None:
        self.editor.set_current_tier(self.current.itemText(index))


def _colors_fixed(annotations: AnnotationSet) -> AnnotationSet:
    """A copy whose tiers all hold the colour they show now (by position otherwise), so a
    move or a deletion does not recolour the others."""
    fixed = annotations.copy()
    fixed.tiers = [Tier(t.name, t.points, annotations.color_of(k), t.visible)
                   for k, t in enumerate(annotations.tiers)]
    return fixed
