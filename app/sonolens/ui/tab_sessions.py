"""The open files' tabs in sessions and autosaves (a part of ``ui.open_documents``): the
kept tabs written with a session, the tabs a session brings back (opened when shown),
and their recovery files when they are saved or discarded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sonolens.model.document_state import DocumentState


@dataclass
class Entry:
    """One tab: its file, and its state while another tab is shown (None: shown)."""

    path: Path
    state: DocumentState | None = None
    last_shown: int = 0


class TabSessions:
    """Mixed into OpenDocuments: uses its ``entries``, ``shown``, ``window``, ``tabs``,
    ``document``, ``index_of``, ``_entry_for``, ``_show_index`` and ``_switching``."""

    def kept_sessions(self) -> tuple:
        """The open files other than the shown one, as sessions (in tab order)."""
        from sonolens.export.session import Session

        return tuple(
            Session(audio=e.path, params=e.state.params, view=e.state.view,
                    annotations=e.state.annotations, selection=e.state.selection,
                    view_range=e.state.x_range, channel_mix=e.state.channel_mix)
            for i, e in enumerate(self.entries) if i != self.shown and e.state is not None)

    def mark_kept_saved(self) -> list[DocumentState]:
        """The other files' annotations go into a session being written: nothing unsaved
        (returns their states, to mark again if the write fails; a tab edited after this
        is kept as a new state, so a late write marks nothing it did not hold)."""
        states = [e.state for i, e in enumerate(self.entries)
                  if i != self.shown and e.state is not None and e.state.annotations_dirty]
        for state in states:
            state.annotations_dirty = False
            self._forget_recovery(state.path)  # saved: nothing to recover
        return states

    def _forget_recovery(self, path: Path) -> None:
        """Remove the autosave of ``path``'s annotations (saved, or discarded)."""
        sessions = getattr(self.window, "sessions", None)
        if sessions is None:
            return
        from sonolens.ui.recovery import recovery_path

        recovery_path(sessions.recovery.folder, path).unlink(missing_ok=True)

    def add_kept(self, sessions, session_path: Path | None = None) -> None:
        """Tabs for recordings of a session that are not open yet: each opens (and gets
        its settings, marks and zoom back) when its tab is shown."""
        if self.document.source is not None:  # the session's own recording comes first
            self._show_index(self._entry_for(Path(self.document.source.path)))
        for session in sessions:
            if self.index_of(session.audio) is not None or not Path(session.audio).is_file():
                continue
            state = DocumentState(path=Path(session.audio), source=None, params=session.params,
                                  view=session.view, annotations=session.annotations,
                                  selection=session.selection, x_range=session.view_range,
                                  channel_mix=session.channel_mix, session_path=session_path)
            self.entries.append(Entry(state.path, state))
            self._switching = True
            try:
                self.tabs.addTab(state.path.name)
                if self.shown is not None:
                    self.tabs.setCurrentIndex(self.shown)
            finally:
                self._switching = False
        self.tabs.setVisible(len(self.entries) > 1)

