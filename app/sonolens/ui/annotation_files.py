"""File > Import Annotations and File > Export > Annotations: label files of the tools
people exchange annotations with, read and written on a worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from sonolens.core.annotations import AnnotationSet
from sonolens.core.catalog import CATALOG
from sonolens.export.own_input import file_identity
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui.actions import Actions
from sonolens.ui.features_on_demand import FeaturesOnDemand
from sonolens.workers import export_jobs
from sonolens.workers.export_jobs import (
    KEY_LABELS_FEATURES,
    KEY_LABELS_READ,
    KEY_LABELS_WRITE,
)
from sonolens.workers.registry import KEY_FEATURES
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
        self.on_demand = FeaturesOnDemand(document, self, runner)
        runner.finished.connect(self._on_runner_finished)
        runner.failed.connect(self._on_runner_failed)

    def connect_actions(self, a: Actions) -> None:
        a.import_annotations.triggered.connect(self.on_import)
        a.export_annotations.triggered.connect(self.on_export)
        a.export_annotation_features.triggered.connect(self.on_export_features)

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

    def on_export_features(self) -> None:
        if not self.document.annotations.annotations:
            self.failed.emit("No annotations", "There are no annotations to measure.")
            return
        source = self.document.source
        stem = source.path.stem if source is not None else "annotations"
        name, _ = QFileDialog.getSaveFileName(
            self._parent, "Export annotation features",
            str(self._folder() / f"{stem}.annotations.csv"), "CSV (*.csv)")
        if name:
            path = Path(name)
            self.export_features_to(path if path.suffix else path.with_suffix(".csv"))

    # -- work ----------------------------------------------------------------------------
    def import_from(self, path: str | Path) -> None:
        """Read ``path`` on a worker; the annotations replace the document's when read."""
        target = Path(path)
        self.runner.submit(KEY_LABELS_READ, lambda: export_jobs.read_labels_job(target),
                           token=(target, self.document.generation))

    def export_to(self, path: str | Path, fmt: str) -> None:
        """Write the document's annotations to ``path`` in ``fmt`` on a worker."""
        target = Path(path)
        if self._is_recording(target):
            return
        annotations = self.document.annotations
        self.runner.submit(KEY_LABELS_WRITE,
                           lambda: export_jobs.write_labels_job(annotations, target, fmt),
                           token=target)

    def export_features_to(self, path: str | Path) -> None:
        """Write one row per annotation (features as `sonolens extract --annotations`,
        then the Selection dock's levels) to ``path`` on a worker."""
        doc, target = self.document, Path(path)
        if doc.source is None:
            self.failed.emit("Nothing to export", "Open a sound first.")
            return
        if not doc.annotations.annotations:
            self.failed.emit("No annotations", "There are no annotations to measure.")
            return
        if ((doc.features is None or not doc.features.complete)
                and not self.runner.is_busy(KEY_FEATURES)):
            self.failed.emit("Nothing to export yet", "The features were not computed: open "
                             "the file again or change a setting")
            return
        if not self.on_demand.ready_or_request(lambda: self.export_features_to(target)):
            return  # runs again when every window feature is computed
        if self._is_recording(target):
            return
        # the default columns and the opt-in ones on screen, as File > Export > Features
        table = doc.features.only({column for name in CATALOG.window_features(
            doc.view.overlays, doc.view.lower_view) for column in CATALOG.columns(
            name, doc.features.params)})
        source, channel, annotations = doc.source, doc.params.channel, doc.annotations
        self.runner.submit(KEY_LABELS_FEATURES, lambda: export_jobs.annotation_features_job(
            source, channel, table, annotations, target), token=target)

    def _is_recording(self, target: Path) -> bool:
        """Whether ``target`` is the open recording (then say so: nothing is written)."""
        source = self.document.source
        if source is not None and file_identity(target) is not None and (
                file_identity(target) == file_identity(source.path)):
            self.failed.emit("Export refused", f"{target} is the recording itself: choose "
                                               "another file")
            return True
        return False

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
        elif key in (KEY_LABELS_WRITE, KEY_LABELS_FEATURES) and isinstance(token, Path):
            self.saved.emit(token)

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_LABELS_READ:
            self.failed.emit("Cannot import annotations", message)
        elif key in (KEY_LABELS_WRITE, KEY_LABELS_FEATURES):
            self.failed.emit("Export failed", message)
