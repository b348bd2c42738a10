"""File > Open Session / Save Session (As): ``.sonolens`` files (``export.session``), and
the question before unsaved annotations are dropped (closing, opening another file).

Reading and writing run on the runner; opening a session opens its audio through the
window's normal path and applies the rest when ``document.audio_changed`` says the audio
is open. ``ask_unsaved`` (-> "save" / "discard" / "cancel") is a plain attribute so tests
can answer it; ``guard`` False skips the question and leaves the recovery file (a crash).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from sonolens.audio.playback.mix import ChannelMix
from sonolens.core.annotations import AnnotationSet
from sonolens.core.errors import SonolensError
from sonolens.core.progress import Progress
from sonolens.export.own_input import file_identity
from sonolens.export.session import SUFFIX, Session, read_session, write_session
from sonolens.ui.recovery import Recovery

KEY_SESSION_READ = "session:read"
KEY_SESSION_WRITE = "session:write"
SESSION_FILTER = "Sonolens sessions (*.sonolens);;All files (*)"


def read_session_job(path: Path) -> Generator[Progress, None, Session]:
    yield Progress(0, 1, "reading session")
    return read_session(path)


def write_session_job(session: Session, path: Path) -> Generator[Progress, None, Path]:
    yield Progress(0, 1, "writing session")
    return write_session(session, path)


class SessionFiles(QObject):
    """The window's session file (``path``, None before one is saved or opened)."""

    saved = Signal(object)  # the Path written
    opened = Signal(object)  # the session Path, once everything was applied
    failed = Signal(str, str)  # title, one-line message

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window: Any = window  # the MainWindow (typed loosely: it imports this module)
        self.document = window.document
        self.runner = window.runner
        self.path: Path | None = None
        self.guard = True
        self.ask_unsaved: Callable[[], str] = self._ask_unsaved
        self.on_saved: list[Callable[[], None]] = []  # e.g. the recovery file is removed
        self._pending: tuple[Path, Session] | None = None
        self._opening = False
        self.applied_generation = -1  # the document generation a session was applied to
        self._saving_kept: list = []  # other tabs' states written with the session
        self.document.audio_changed.connect(self._on_audio_changed)
        self.runner.finished.connect(self._on_runner_finished)
        self.runner.failed.connect(self._on_runner_failed)
        self.recovery = Recovery(
            self.document, self.runner, window.settings.path.parent / "recovery",
            self.current, lambda: self.path,
            lambda text: window.statusBar().showMessage(text, 8000), window)
        self.opened.connect(lambda _path: self.recovery.check())
        self.on_saved.append(self.recovery.remove)
        self.connect_actions()
        self.failed.connect(window.show_error)
        self.saved.connect(lambda path: window.statusBar().showMessage(f"Saved {path}", 8000))
        # the title's [*] shows as * while annotations are unsaved
        self.document.annotations_dirty_changed.connect(window.setWindowModified)

    def connect_actions(self) -> None:
        a = self.window.actions
        a.open_session.triggered.connect(self.on_open)
        a.save_session.triggered.connect(lambda: self.save())
        a.save_session_as.triggered.connect(lambda: self.save_as())

    # -- saving --------------------------------------------------------------------------
    def current(self) -> Session | None:
        """The window's state as a session (None without a recording)."""
        doc = self.document
        if doc.source is None:
            return None
        notes = doc.annotations
        return Session(audio=doc.source.path, params=doc.params, view=doc.view,
                       annotations=AnnotationSet(list(notes.tiers), list(notes.annotations),
                                                 notes.duration),
                       selection=doc.selection, view_range=self.window.navigator.visible(),
                       others=self.window.documents.kept_sessions(),
                       channel_mix=doc.channel_mix)

    def save(self) -> bool:
        """Ctrl+S: to the session file, or ask for one. Returns False if nothing is saved."""
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self, *, wait: bool = False) -> bool:
        source = self.document.source
        if source is None:
            self.failed.emit("No recording", "Open a recording before saving a session.")
            return False
        folder = self.path.parent if self.path is not None else source.path.parent
        name, _ = QFileDialog.getSaveFileName(self.window, "Save session",
                                              str(folder / (source.path.stem + SUFFIX)),
                                              SESSION_FILTER)
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        return self.save_to(path, wait=wait)

    def save_to(self, path: str | Path, *, wait: bool = False) -> bool:
        """Write the session to ``path`` (on the runner; here if ``wait``). The annotations
        count as saved from now on; a failure says so and marks them unsaved again."""
        target = Path(path)
        session = self.current()
        if session is None:
            return False
        identity = file_identity(target)
        if identity is not None and identity == file_identity(session.audio):
            self.failed.emit("Save refused", f"{target} is the recording itself")
            return False
        self.path = target
        self.document.mark_annotations_saved()
        self._saving_kept = self.window.documents.mark_kept_saved()  # written with it
        if wait:
            try:
                write_session(session, target)
            except (SonolensError, OSError, ValueError) as exc:
                self._save_failed(str(exc))
                return False
            self._saved(target)
            return True
        self.runner.submit(KEY_SESSION_WRITE, lambda: write_session_job(session, target),
                           token=target)
        return True

    def _saved(self, path: Path) -> None:
        if not self.document.annotations_dirty:
            for callback in self.on_saved:
                callback()
        self.window.recent.add(path)
        self.saved.emit(path)

    def _save_failed(self, message: str) -> None:
        self.document.annotations_dirty = True
        for state in self._saving_kept:  # the other tabs' edits were not written either
            state.annotations_dirty = True
        self.failed.emit("Cannot save session", message)

    # -- opening -------------------------------------------------------------------------
    def on_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Open session",
                                              self.window.settings.last_folder(),
                                              SESSION_FILTER)
        if name:
            self.open_session(name)

    def redirect(self, path: str | Path) -> bool:
        """For ``window.open_path``: True when the window must not open ``path`` itself
        (a session, opened here; or unsaved annotations the user keeps)."""
        if self._opening:
            return False
        if Path(path).suffix.lower() == SUFFIX:
            self.open_session(path)
            return True
        return not self.may_discard()

    def open_session(self, path: str | Path) -> None:
        """Read ``path`` on the runner; its audio opens (a tab of its own; the shown file
        keeps its tab and its annotations), then the rest is applied."""
        target = Path(path)
        self.runner.submit(KEY_SESSION_READ, lambda: read_session_job(target), token=target)

    def _open_audio(self, path: Path, session: Session) -> None:
        if not session.audio.is_file():
            self.failed.emit("Cannot open session",
                             f"{path.name}: the recording {session.audio} is missing")
            return
        source = self.document.source
        shown = source is not None and file_identity(source.path) == file_identity(
            session.audio)
        if shown and not self.may_discard():  # it would replace these very annotations
            return
        self._pending = (path, session)
        self._opening = True
        try:
            self.window.open_path(session.audio)
        finally:
            self._opening = False
        source = self.document.source
        if (self._pending is not None and source is not None  # shown at once (its tab)
                and file_identity(source.path) == file_identity(session.audio)):
            self._pending = None
            self.apply(session, path)
            self.path = path
            self.applied_generation = self.document.generation
            self.window.recent.add(path)
            self.opened.emit(path)

    def _on_audio_changed(self) -> None:
        if self.document.restoring:  # a kept tab shown again: window.documents sets path
            return
        pending, self._pending = self._pending, None
        source = self.document.source
        if pending is None or source is None or (
                file_identity(source.path) != file_identity(pending[1].audio)):
            self.path = None
            return
        path, session = pending
        self.apply(session, path)
        self.path = path
        self.applied_generation = self.document.generation  # documents: keep this state
        self.window.recent.add(path)
        self.opened.emit(path)

    def apply(self, session: Session, path: Path | None = None) -> None:
        """Settings (adapted to the open file, as on opening), view, annotations (saved),
        selection, view range and mute/solo (none when saved for another channel count)
        of ``session`` (read from ``path``); its other recordings become tabs."""
        doc, window = self.document, self.window
        doc.set_params_for_file(session.params)  # e.g. fmax past this file's Nyquist
        doc.set_view(session.view)
        window.settings_panel.set_values(doc.params, doc.view)
        doc.set_annotations(session.annotations, saved=True)
        doc.set_selection(session.selection)
        if doc.source is not None:
            mix = session.channel_mix or ChannelMix()
            doc.set_channel_mix(mix.for_channels(doc.source.channels))
        if session.view_range is not None:
            window.navigator.show(*session.view_range)
        window.documents.add_kept(session.others, path)  # tabs, opened when shown

    # -- unsaved annotations -------------------------------------------------------------
    def may_discard(self) -> bool:
        """Whether the current annotations may go (nothing unsaved, saved now, or the user
        said Discard). Cancel (or a Save that did not happen) keeps them: False."""
        if not self.guard or not self.document.annotations_dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            if self.path is not None:
                return self.save_to(self.path, wait=True)
            return self.save_as(wait=True)
        if answer == "discard":
            self.document.mark_annotations_saved()
            for callback in self.on_saved:
                callback()
            return True
        return False

    def may_close(self) -> bool:
        """For the window's closeEvent: False keeps the window open (Cancel). A clean
        close removes the recovery file; without ``guard`` (a crash) it stays."""
        if not self.may_discard():
            return False
        if self.guard and self.path is not None and self.runner.is_busy(KEY_SESSION_WRITE):
            self.save_to(self.path, wait=True)  # the runner stops on close: write it here
        if self.guard:
            self.recovery.remove()
        else:
            self.recovery.timer.stop()
        return True

    def _ask_unsaved(self) -> str:
        buttons = QMessageBox.StandardButton
        choice = QMessageBox.question(
            self.window, "Unsaved annotations",
            "The annotations have unsaved changes. Save them in a session?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(choice, "cancel")

    # -- runner --------------------------------------------------------------------------
    def _on_runner_finished(self, key: str, result: Any, token: object) -> None:
        if key == KEY_SESSION_READ and isinstance(token, Path):
            self._open_audio(token, result)
        elif key == KEY_SESSION_WRITE and isinstance(token, Path):
            self._saved(token)

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_SESSION_READ:
            self.failed.emit("Cannot open session", message)
        elif key == KEY_SESSION_WRITE:
            self._save_failed(message)
