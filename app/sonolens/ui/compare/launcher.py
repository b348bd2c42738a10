"""File > Compare With…: the open file as A, a chosen file as B, in a compare window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu


def _file_menu(window: QMainWindow) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "File":
            return menu
    return None


class CompareLauncher(QObject):
    """Adds File > Compare With… (Ctrl+Shift+O) to ``window``; ``windows`` are the compare
    windows it opened (each closes on its own)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.windows: list = []
        self.action = QAction("Compare &With…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.action.setStatusTip("Open another recording beside this one: aligned, with "
                                 "their difference and A/B listening")
        self.action.triggered.connect(self._ask)
        menu = _file_menu(window)
        if menu is not None:
            actions = menu.actions()
            menu.insertAction(actions[3] if len(actions) > 3 else None, self.action)
        window.document.audio_changed.connect(self._update)  # type: ignore[attr-defined]
        self._update()

    def close_all(self) -> None:
        """The main window closes (accepted): its compare windows close too."""
        for compare in list(self.windows):
            compare.close()

    def _update(self) -> None:
        self.action.setEnabled(self.window.document.source is not None)  # type: ignore

    def _ask(self) -> None:
        from sonolens.audio.files import AUDIO_SUFFIX_LIST

        settings = self.window.settings  # type: ignore[attr-defined]
        path, _ = QFileDialog.getOpenFileName(self.window, "Compare with",
                                              settings.last_folder(),
                                              "Audio files (" + " ".join(
                                                  f"*{s}" for s in AUDIO_SUFFIX_LIST) + ")")
        if path:
            self.compare(path)

    def compare(self, path_b: str | Path, offset: float | None = None):
        """Open a compare window: the window's file as A, ``path_b`` as B."""
        from sonolens.ui.compare.window import CompareWindow

        doc = self.window.document  # type: ignore[attr-defined]
        if doc.source is None:
            return None
        compare = CompareWindow(self.window.settings, doc.params, doc.view,  # type: ignore
                                parent=self.window)
        self.windows.append(compare)
        compare.destroyed.connect(lambda _=None, c=compare: self._forget(c))
        compare.show()
        compare.open_files(doc.source.path, path_b, offset)
        return compare

    def _forget(self, compare) -> None:
        if compare in self.windows:
            self.windows.remove(compare)
