"""A dock panel whose (whole-file) computation runs only while its tab is on screen.

Qt keeps ``isVisible()`` True for dock tabs behind another tab, so the window drives
:meth:`set_shown` from ``QDockWidget.visibilityChanged``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class LazyPanel(QWidget):
    """Subclasses start their work with ``if not self.due(): return`` and implement
    :meth:`refresh`, which runs again when a due computation's tab comes on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown = True
        self._stale = False

    def set_shown(self, shown: bool) -> None:
        """The dock tab is (not) on screen; a due computation starts when it is."""
        self.shown = shown
        if shown and self._stale:
            self.refresh()

    def due(self) -> bool:
        """True if work may start now; otherwise remember that it is due."""
        self._stale = not self.shown
        return self.shown

    def frames_due(self, document) -> tuple[int, int] | None:
        """The frames to compute for (the selection, else the whole file), or None when
        no file is open or the tab is off screen (then the work is remembered as due)."""
        if document.source is None or not self.due():
            return None
        return document.selected_frames() or (0, document.source.frames)

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
