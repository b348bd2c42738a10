"""File > Import Annotations and File > Export > Annotations: label files of the tools
people exchange annotations with, read and written on a worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from sonolens.core.annotations import AnnotationSet
from sonolens.export.own_input import file_identity
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui.actions import Actions
from sonolens.workers import export_jobs
from sonolens.workers.export_jobs import KEY_LABELS_READ, KEY_LABELS_WRITE
from sonolens.workers.runner import JobRunner

#: Save dialog filters -> format name (``export.labels``) and the suffix added if none.
EXPORT_FILTERS = {
    "Audacity labels (*.txt)": ("audacity", ".txt"),
    "Raven selection table (*.selections.txt *.txt)": ("raven", ".selections.txt"),
    "Praat TextGrid (*.TextGrid)": ("textgrid", ".TextGrid"),
    "Sonic Visualiser CSV layer (*.csv)": ("sv-csv", ".csv"),
    "Sonolens CSV (*.csv)": ("csv", ".csv"),
}
IMPORT_FILTER = ("Label files (*.txt *.TextGrid *.csv *.tsv);;All files (*)")


class AnnotationFiles(QObject):
    """Import and export of ``document.annotations``; says what happened by signals."""

    saved = Signal(object)  # the Path written
    loaded = Signal(object, int)  # the Path read, how many annotations
    failed = Signal(str, str)  # title, one-line message

    def __init__(self, document: Document, runner: JobRunner, settings: Settings,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self.settings = settings
        self._parent = parent
        runner.finished.connect(self._on_runner_finished)
        runner.failed.connect(self._on_runner_failed)

    def connect_actions(self, a: Actions) -> None:
        a.import_annotations.triggered.connect(self.on_import)
        a.export_annotations.triggered.connect(self.on_export)

    # -- dialogs -------------------------------------------------------------------------
    def on_import(self) -> None:
        if self.document.source is None:
            self.failed.emit("No recording", "Open the recording the annotations belong to.")
            return
        name, _ = QFileDialog.getOpenFileName(self._parent, "Import annotations",
                                              str(self._folder()), IMPORT_FILTER)
        if name:
            self.import_from(name)

    def on_export(self) -> None:
        if not self.document.annotations.annotations:
            self.failed.emit("No annotations", "There are no annotations to export.")
            return
        source = self.document.source
        suggestion = str(self._folder() / (source.path.stem if source is not None
                                           else "annotations"))
        name, chosen = QFileDialog.getSaveFileName(self._parent, "Export annotations",
                                                   suggestion, ";;".join(EXPORT_FILTERS))
        if not name:
            return
        fmt, suffix = EXPORT_FILTERS.get(chosen, ("csv", ".csv"))
        path = Path(name)
        if not path.name.lower().endswith(suffix.lower()) and not path.suffix:
            path = path.with_name(path.name + suffix)
        self.export_to(path, fmt)

    # -- work ----------------------------------------------------------------------------
    def import_from(self, path: str | Path) -> None:
        """Read ``path`` on a worker; the annotations replace the document's when read."""
        target = Path(path)
        self.runner.submit(KEY_LABELS_READ, lambda: export_jobs.read_labels_job(target),
                           token=(target, self.document.generation))

    def export_to(self, path: str | Path, fmt: str) -> None:
        """Write the document's annotations to ``path`` in ``fmt`` on a worker."""
        target = Path(path)
        source = self.document.source
        if source is not None and file_identity(target) is not None and (
                file_identity(target) == file_identity(source.path)):
            self.failed.emit("Export refused", f"{target} is the recording itself: choose "
                                               "another file")
            return
        annotations = self.document.annotations
        self.runner.submit(KEY_LABELS_WRITE,
                           lambda: export_jobs.write_labels_job(annotations, target, fmt),
                           token=target)

    def _folder(self) -> Path:
        source = self.document.source
        return Path(self.settings.last_folder() or (source.path.parent if source is not None
                                                     else Path.home()))

    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key == KEY_LABELS_READ and isinstance(token, tuple):
            path, generation = token
            if generation != self.document.generation:
                return  # another recording was opened meanwhile
            annotations, _fmt = result  # type: ignore[misc]
            assert isinstance(annotations, AnnotationSet)
            self.document.set_annotations(annotations)
            self.loaded.emit(path, len(annotations.annotations))
        elif key == KEY_LABELS_WRITE and isinstance(token, Path):
            self.saved.emit(token)

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_LABELS_READ:
            self.failed.emit("Cannot import annotations", message)
        elif key == KEY_LABELS_WRITE:
            self.failed.emit("Export failed", message)
