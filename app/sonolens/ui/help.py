"""Help menu windows: Keyboard Shortcuts (generated from ui/actions.py) and About.

The shortcuts dialog lists every action of :class:`~sonolens.ui.actions.Actions` that has
a shortcut, grouped by the menu that holds it (as the menu bar shows them), then the
mouse gestures of the time views (``views.time_viewbox.MOUSE_GESTURES``).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sonolens.ui.actions import Actions, shortcut_actions
from sonolens.ui.views.time_viewbox import MOUSE_GESTURES

OTHER_GROUP = "Window"
MOUSE_GROUP = "Mouse"


def plain(text: str) -> str:
    """Menu text without mnemonics' ampersands and trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_text(action: QAction) -> str:
    """Every shortcut of ``action`` as the platform writes it (``Ctrl+=, Ctrl++``)."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                     for s in action.shortcuts() if not s.isEmpty())


def menu_of(menu_bar: QMenuBar) -> dict[QAction, str]:
    """Action -> title of the top-level menu holding it (in a submenu too)."""
    found: dict[QAction, str] = {}

    def walk(menu: QMenu, title: str) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu(), title)
            else:
                found.setdefault(act, title)

    for top in menu_bar.actions():
        if top.menu() is not None:
            walk(top.menu(), plain(top.text()))
    return found


def shortcut_groups(actions: Actions, menu_bar: QMenuBar) -> dict[str, list[tuple[str, str]]]:
    """{menu title: [(action, shortcuts), ...]} in menu-bar order, every shortcut action."""
    menus = menu_of(menu_bar)
    order = [plain(top.text()) for top in menu_bar.actions() if top.menu() is not None]
    groups: dict[str, list[tuple[str, str]]] = {title: [] for title in order}
    for act in shortcut_actions(actions):
        title = menus.get(act, OTHER_GROUP)
        groups.setdefault(title, []).append((plain(act.text()), shortcut_text(act)))
    return {title: rows for title, rows in groups.items() if rows}


class ShortcutsDialog(QDialog):
    """A two-column tree: action and keys, grouped by menu; then the mouse gestures."""

    def __init__(self, actions: Actions, menu_bar: QMenuBar, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts — Sonolens")
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcuts")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        groups = shortcut_groups(actions, menu_bar)
        groups[MOUSE_GROUP] = list(MOUSE_GESTURES)
        for title, rows in groups.items():
            group = QTreeWidgetItem(self.tree, [title])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            for name, keys in rows:
                QTreeWidgetItem(group, [name, keys] if title != MOUSE_GROUP else [keys, name])
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(520, 640)

    def rows(self) -> dict[str, list[tuple[str, str]]]:
        """What the tree shows: {group: [(column 0, column 1), ...]}."""
        shown: dict[str, list[tuple[str, str]]] = {}
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            shown[group.text(0)] = [(group.child(k).text(0), group.child(k).text(1))
                                    for k in range(group.childCount())]
        return shown


def about_box(parent: QWidget) -> QMessageBox:
    """The About box (not yet shown): version, what Sonolens is, licence, credits."""
    from sonolens import __version__

    text = (
        f"<h3>Sonolens {__version__}</h3>"
        "<p>A spectrogram analyzer and feature extractor whose numbers agree with "
        "<a href='https://librosa.org'>librosa</a> to 1e-4.</p>"
        "<p>BSD-3-Clause licence. Built with PySide6 (Qt), pyqtgraph, NumPy, SciPy, "
        "librosa, soundfile (libsndfile), PyAV (FFmpeg) and sounddevice (PortAudio).</p>"
    )
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About Sonolens", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("about")
    icon = parent.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    return box
