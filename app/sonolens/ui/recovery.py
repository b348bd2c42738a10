"""Never lose annotations: unsaved edits are autosaved, a few seconds after the last one,
to a recovery session ``<settings folder>/recovery/<hash of the audio path>.sonolens``;
opening that audio again while such a file exists (newer than the session the window
opened) offers its annotations. A save, a Discard or a clean close removes the file; a
crash leaves it.

``ask_recover(count) -> bool`` is a plain attribute so tests can answer it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from sonolens.core.errors import SonolensError
from sonolens.core.progress import Progress
from sonolens.export.session import SUFFIX, Session, read_session, write_session
from sonolens.model.document import Document
from sonolens.workers.export_jobs import KEY_LABELS_READ
from sonolens.workers.runner import JobRunner

KEY_RECOVERY_WRITE = "recovery:write"
KEY_RECOVERY_READ = "recovery:read"
AUTOSAVE_MS = 2000
SMALL = 2000  # annotations written on the GUI thread (well under 20 ms); more: the runner


def recovery_path(folder: Path, audio: Path) -> Path:
    """The recovery file of ``audio`` in ``folder``."""
    key = hashlib.sha256(os.fsencode(os.path.abspath(audio))).hexdigest()[:24]
    return folder / f"{key}{SUFFIX}"


def _read_job(path: Path) -> Generator[Progress, None, Session]:
    yield Progress(0, 1, "reading recovered annotations")
    return read_session(path)


def _write_job(session: Session, path: Path) -> Generator[Progress, None, Path]:
    yield Progress(0, 1, "autosaving annotations")
    return write_session(session, path)


class Recovery(QObject):
    """Autosave and recovery of ``document``'s annotations, in ``folder``.

    ``current()``: the window's state as a Session; ``session_path()``: the session file
    the window has open (None: none); ``say(text)``: a status-bar message.
    """

    def __init__(self, document: Document, runner: JobRunner, folder: Path,
                 current: Callable[[], Session | None],
                 session_path: Callable[[], Path | None], say: Callable[[str], None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self.folder = folder
        self._current, self._session_path, self._say = current, session_path, say
        self._parent = parent
        self.ask_recover: Callable[[int], bool] = self._ask_recover
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self._on_timer)
        self.document.annotations_changed.connect(self._on_annotations_changed)
        self.document.audio_changed.connect(self._on_audio_changed)
        self.runner.finished.connect(self._on_runner_finished)
        self.runner.failed.connect(self._on_runner_failed)

    def path(self) -> Path | None:
        """The open recording's recovery file (None without a recording)."""
        source = self.document.source
        return None if source is None else recovery_path(self.folder, source.path)

    # -- autosave ------------------------------------------------------------------------
    def _on_annotations_changed(self) -> None:
        if self.document.annotations_dirty and self.document.source is not None:
            self.timer.start()  # restarts: a burst of edits is written once

    def _on_timer(self) -> None:
        if self.runner.is_busy(KEY_LABELS_READ):  # an import will replace them: after it
            self.timer.start()
            return
        self.autosave()

    def autosave(self) -> None:
        """Write the unsaved annotations (and the rest of the session) now."""
        self.timer.stop()
        target = self.path()
        session = self._current()
        if target is None or session is None or not self.document.annotations_dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._say(f"Autosave failed: {exc}")
            return
        if len(session.annotations.annotations) > SMALL:
            self.runner.submit(KEY_RECOVERY_WRITE, lambda: _write_job(session, target),
                               token=target)
            return
        try:
            write_session(session, target)
        except (SonolensError, OSError, ValueError) as exc:
            self._say(f"Autosave failed: {exc}")

    def remove(self) -> None:
        """Nothing unsaved remains: forget the recovery file."""
        self.timer.stop()
        target = self.path()
        if target is not None:
            target.unlink(missing_ok=True)

    # -- recovery ------------------------------------------------------------------------
    def _on_audio_changed(self) -> None:
        self.timer.stop()
        if self.document.restoring:  # a kept tab shown again: its autosave is its own
            return
        if self._session_path() is None:  # a session applies itself first, then checks
            QTimer.singleShot(0, self.check)

    def check(self) -> None:
        """Offer the recovery file of the open recording if it is newer than its session."""
        target = self.path()
        if target is None or not target.is_file():
            return
        saved = self._session_path()
        try:
            if saved is not None and saved.stat().st_mtime >= target.stat().st_mtime:
                return
        except OSError:
            pass
        self.runner.submit(KEY_RECOVERY_READ, lambda: _read_job(target),
                           token=(target, self.document.generation))

    def _offer(self, session: Session) -> None:
        notes = session.annotations
        if not notes.annotations and not notes.tiers:
            self.remove()
            return
        if self.ask_recover(len(notes.annotations)):
            self.document.set_annotations(notes)  # unsaved: autosaved again, asked on close
            self._say(
                f"Recovered {len(notes.annotations)} unsaved annotations")
        else:
            self.remove()

    def _ask_recover(self, count: int) -> bool:
        buttons = QMessageBox.StandardButton
        choice = QMessageBox.question(
            self._parent, "Recover annotations",
            f"{count} annotations of this recording were not saved (Sonolens closed "
            "unexpectedly). Recover them?", buttons.Yes | buttons.No, buttons.Yes)
        return choice == buttons.Yes

    def _on_runner_finished(self, key: str, result: Any, token: object) -> None:
        if key != KEY_RECOVERY_READ or not isinstance(token, tuple):
            return
        target, generation = token
        if generation == self.document.generation and target == self.path():
            self._offer(result)

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_RECOVERY_WRITE:
            self._say(f"Autosave failed: {message}")
        elif key == KEY_RECOVERY_READ:
            self._say(
                f"Recovery file unreadable: {message}")
