"""Several recordings open at once, one tab each above the views.

The window shows one Document; the other open files wait as
:class:`~sonolens.model.document_state.DocumentState`\\ s with their results, settings,
selection, cursor, annotations (saved or not) and zoom, so switching tabs shows them at
once without computing anything. Results of files not shown are kept within
:data:`MEMORY_BUDGET` bytes (least recently shown dropped first; such a file is opened
and analysed again, or served from the analysis cache, when shown). File > Open and the
recent files add a tab (or show the file's tab if it is open); dropping several files
opens them all, one after another.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QTabBar, QVBoxLayout, QWidget

from sonolens.model.document_state import DocumentState, detach, restore
from sonolens.ui.tab_sessions import Entry, TabSessions

MEMORY_BUDGET = 1_500_000_000
"""Bytes of results kept for the open files that are not shown."""

_order = itertools.count()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


class OpenDocuments(TabSessions, QObject):
    """The tab bar of ``window`` (a MainWindow) and the recordings behind it."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document  # type: ignore[attr-defined]
        self.entries: list[Entry] = []
        self.shown: int | None = None
        self.budget = MEMORY_BUDGET
        self.tabs = QTabBar()
        self.tabs.setObjectName("documents")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.tabs.hide()  # shown from two open files on
        central = window.takeCentralWidget()
        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs)
        layout.addWidget(central, 1)
        window.setCentralWidget(container)
        self._detached: DocumentState | None = None  # kept for an open under way
        self._reopening: DocumentState | None = None  # its results forgotten: state to apply
        self._queue: list[Path] = []
        self._switching = False
        self.document.audio_changed.connect(self._on_audio_changed)
        window.coordinator.open_failed.connect(self._on_open_failed)  # type: ignore
        self.tabs.currentChanged.connect(self._on_tab_chosen)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.tabMoved.connect(self._on_tab_moved)
        self.tabs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.customContextMenuRequested.connect(self._on_tab_menu)
        window.installEventFilter(self)

    # -- opening -------------------------------------------------------------------------
    def index_of(self, path: str | Path) -> int | None:
        target = Path(path)
        for index, entry in enumerate(self.entries):
            if _same_file(entry.path, target):
                return index
        return None

    def before_open(self, path: str | Path) -> bool:
        """For ``window.open_path``: True when ``path`` is open already (its tab is shown
        instead); else the shown recording is kept aside and the new one opens."""
        if Path(path).suffix.lower() == ".sonolens":
            return False
        index = self.index_of(path)
        if index is not None:
            self.show_tab(index)
            return True
        self._keep_shown()
        return False

    def open_all(self, paths: list[str | Path]) -> None:
        """Open every one of ``paths`` (a drop of several files), one after another."""
        self._queue.extend(Path(p) for p in paths[1:])
        if paths:
            self.window.open_path(paths[0])  # type: ignore[attr-defined]

    def _next_in_queue(self) -> None:
        if self._queue:
            path = self._queue.pop(0)
            QTimer.singleShot(0, lambda: self.window.open_path(path))  # type: ignore

    def _keep_shown(self) -> None:
        """Put the shown recording aside (its tab stays) before another one is shown."""
        if self.shown is None or self.document.source is None:
            return
        sessions = getattr(self.window, "sessions", None)
        if sessions is not None and self.document.annotations_dirty:
            sessions.recovery.autosave()  # edits of the last seconds: written now
        box = self.window.waveform.plot.getViewBox()  # type: ignore[attr-defined]
        x_range = tuple(box.viewRange()[0])
        state = detach(self.document, x_range=x_range)
        if sessions is not None:
            state.session_path = sessions.path
        entry = self.entries[self.shown]
        entry.state = state
        self._detached = state
        self.shown = None
        self._keep_within_budget()

    def _on_audio_changed(self) -> None:
        source = self.document.source
        if source is None or self.document.restoring:
            return
        self._detached = None
        self._show_index(self._entry_for(Path(source.path)))
        self._keep_within_budget()  # the file put aside for this open may go now
        state, self._reopening = self._reopening, None
        sessions = getattr(self.window, "sessions", None)
        applied = sessions is not None and sessions.applied_generation == self.document.generation
        if state is not None and _same_file(state.path, Path(source.path)) and not applied:
            self._apply_kept(state)
            if sessions is not None:
                sessions.path = state.session_path
        self._next_in_queue()

    def _entry_for(self, path: Path) -> int:
        """The index of ``path``'s tab, added at the end if it has none."""
        index = self.index_of(path)
        if index is None:
            self.entries.append(Entry(path))
            index = len(self.entries) - 1
            self._switching = True
            try:
                self.tabs.addTab(path.name)
            finally:
                self._switching = False
        return index

    def _apply_kept(self, state: DocumentState) -> None:
        """What a reopened file had besides its results: settings, marks, zoom."""
        doc = self.document
        doc.set_view(state.view)
        doc.set_params_for_file(state.params)
        doc.set_annotations(state.annotations, saved=not state.annotations_dirty)
        doc.set_selection(state.selection)
        doc.set_cursor(state.cursor)
        if state.channel_mix is not None and doc.source is not None:  # the file may have
            doc.set_channel_mix(state.channel_mix.for_channels(doc.source.channels))  # changed
        if state.x_range is not None:
            self.window.waveform.plot.setXRange(*state.x_range, padding=0)  # type: ignore

    def _on_open_failed(self, _path: str, _message: str) -> None:
        """The new file did not open: show the one put aside again."""
        state, self._detached = self._detached, None
        self._reopening = None
        if state is not None and self.document.source is None:
            index = self.index_of(state.path)
            if index is not None and state.source is not None:
                self._restore(index, state)
            elif index is not None:
                self.show_tab(index)  # its results were dropped: open it again
        elif self.document.source is None:
            self.document.audio_changed.emit()  # nothing to show: the views go empty
        self._next_in_queue()

    # -- switching -----------------------------------------------------------------------
    def _on_tab_chosen(self, index: int) -> None:
        if not self._switching and index >= 0:
            self.show_tab(index)

    def show_tab(self, index: int) -> None:
        """Show the file of tab ``index`` (at once when its results were kept)."""
        if index == self.shown or not 0 <= index < len(self.entries):
            return
        self._cancel_open()
        self._keep_shown()
        entry = self.entries[index]
        state = entry.state
        if state is None:
            return
        if state.source is not None:
            self._restore(index, state)
        else:  # its results were dropped: open it again, then put its marks back
            self._reopening = state
            self._show_index(index)
            self.shown = None
            self.window.coordinator.open_file(state.path)  # type: ignore[attr-defined]

    def _cancel_open(self) -> None:
        """Another tab is chosen while a file opens: that open is dropped (the file put
        aside for it keeps its tab)."""
        if self._detached is None and self._reopening is None:
            return
        from sonolens.workers.registry import KEY_OPEN

        self.window.runner.cancel(KEY_OPEN)  # type: ignore[attr-defined]
        self._detached = self._reopening = None
        self._queue.clear()

    def _restore(self, index: int, state: DocumentState) -> None:
        self.entries[index].state = None
        if state is self._detached:
            self._detached = None
        self._show_index(index)
        restore(self.document, state)
        sessions = getattr(self.window, "sessions", None)
        if sessions is not None:
            sessions.path = state.session_path
        if state.x_range is not None:
            self.window.waveform.plot.setXRange(*state.x_range, padding=0)  # type: ignore

    def _show_index(self, index: int) -> None:
        self.shown = index
        self.entries[index].last_shown = next(_order)
        self._switching = True
        try:
            self.tabs.setCurrentIndex(index)
        finally:
            self._switching = False
        self.tabs.setVisible(len(self.entries) > 1)

    def _on_tab_moved(self, source: int, target: int) -> None:
        entry = self.entries.pop(source)
        self.entries.insert(target, entry)
        if self.shown is not None:
            path = self.document.source.path if self.document.source is not None else None
            self.shown = self.index_of(path) if path is not None else None

    def tab_actions(self, index: int) -> list[tuple[str, object]]:
        """(text, callable) of a tab's context menu: compare its file with the shown one
        (A: the shown file, B: this tab's), close it."""
        actions: list[tuple[str, object]] = []
        source = self.document.source
        if index != self.shown and source is not None and hasattr(self.window, "compare"):
            path = self.entries[index].path
            actions.append((f"Compare {Path(source.path).name} With {path.name}",
                            lambda: self.window.compare.compare(path)))  # type: ignore
        actions.append(("Close", lambda: self.close_tab(index)))
        return actions

    def _on_tab_menu(self, point: QPoint) -> None:
        index = self.tabs.tabAt(point)
        if index < 0:
            return
        menu = QMenu(self.tabs)
        for text, run in self.tab_actions(index):
            menu.addAction(text).triggered.connect(lambda _=False, run=run: run())
        menu.popup(self.tabs.mapToGlobal(point))

    # -- closing -------------------------------------------------------------------------
    def close_tab(self, index: int) -> bool:
        """Close the file of tab ``index`` (asks first if its annotations are unsaved)."""
        entry = self.entries[index]
        dirty = (self.document.annotations_dirty if index == self.shown
                 else entry.state is not None and entry.state.annotations_dirty)
        if dirty and self.ask_discard(1) != "discard":
            return False
        if dirty:
            self._forget_recovery(entry.path)  # discarded: not offered again
        if index == self.shown:
            self._cancel_open()
            state = detach(self.document)
            self.shown = None
            self.document.audio_changed.emit()  # views empty, the player let go
            if state is not None:
                state.forget_results()
        elif entry.state is not None:
            if entry.state is self._detached:
                self._cancel_open()
            entry.state.forget_results()
        self._remove(index)
        if self.shown is None and self.entries and self.document.source is None:
            self.show_tab(min(index, len(self.entries) - 1))
        return True

    def _remove(self, index: int) -> None:
        self.entries.pop(index)
        if self.shown is not None and self.shown > index:
            self.shown -= 1
        self._switching = True
        try:
            self.tabs.removeTab(index)
        finally:
            self._switching = False
        self.tabs.setVisible(len(self.entries) > 1)

    def unsaved_elsewhere(self) -> int:
        """How many open files other than the shown one have unsaved annotations."""
        return sum(1 for i, e in enumerate(self.entries)
                   if i != self.shown and e.state is not None and e.state.annotations_dirty)

    def ask_discard(self, count: int) -> str:
        """"discard" or "cancel" (tests replace this)."""
        answer = QMessageBox.question(
            self.window, "Unsaved annotations",
            f"{count} open file(s) have annotations that are not saved. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return "discard" if answer == QMessageBox.StandardButton.Discard else "cancel"

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            count = self.unsaved_elsewhere()
            if count and self.ask_discard(count) != "discard":
                event.ignore()
                return True
        return False

    def close_all(self) -> None:
        """The window closes (accepted): let every kept file go."""
        for entry in self.entries:
            if entry.state is not None:
                entry.state.forget_results()

    # -- memory --------------------------------------------------------------------------
    def _keep_within_budget(self) -> None:
        kept = [e for e in self.entries if e.state is not None and e.state.source is not None
                and e.state is not self._detached]  # kept whole while its open is pending
        kept.sort(key=lambda e: e.last_shown)
        total = sum(e.state.nbytes() for e in kept)  # type: ignore[union-attr]
        while kept and total > self.budget:
            entry = kept.pop(0)
            total -= entry.state.nbytes()  # type: ignore[union-attr]
            entry.state.forget_results()  # type: ignore[union-attr]
