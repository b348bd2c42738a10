"""File > Export: features CSV, spectrogram PNG and spectrogram matrix NPZ, selection WAV.

The exporter knows the Document, the JobRunner and the Settings (and a parent widget for
its dialogs), not the window: it emits ``saved(path)`` and ``failed(title, message)`` and
the window shows them. Dialogs pick the path; the ``*_to(path)`` methods do the work
(tests call them directly). CSV, NPZ and WAV are written on a worker by the jobs of
``workers.export_jobs`` (atomic: temp file + rename); a failure leaves any existing file
untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from sonolens.core.catalog import CATALOG
from sonolens.core.errors import SonolensError
from sonolens.dsp.pitch import PITCH as PITCH_NAME
from sonolens.dsp.pitch import join_pitch
from sonolens.export.own_input import refuse_own_inputs
from sonolens.model.document import Document
from sonolens.model.results import PITCH
from sonolens.model.settings import Settings
from sonolens.ui.actions import Actions
from sonolens.ui.features_on_demand import FeaturesOnDemand
from sonolens.ui.image_export import ImageExport
from sonolens.ui.render import MAX_SIZE, MIN_SIZE
from sonolens.workers import export_jobs
from sonolens.workers.export_jobs import (
    EXPORT_KEYS,
    KEY_EXPORT_CSV,
    KEY_EXPORT_IMAGE,
    KEY_EXPORT_NPZ,
    KEY_EXPORT_WAV,
)
from sonolens.workers.registry import KEY_FEATURES, KEY_SPECTROGRAM
from sonolens.workers.runner import JobRunner


class Exporter(QObject):
    """The export actions over one Document; says what happened through its signals."""

    saved = Signal(object)  # the Path written
    failed = Signal(str, str)  # title, one-line message

    def __init__(self, document: Document, runner: JobRunner, settings: Settings,
                 parent: QWidget, image_size: Callable[[], tuple[int, int]]) -> None:
        """``parent`` owns the dialogs; ``image_size()`` is the default PNG size (px)."""
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self.settings = settings
        self._parent = parent
        self._image_size = image_size
        self.on_demand = FeaturesOnDemand(document, self, runner)
        self.image_export = ImageExport(document, runner, self)
        self.image_export.failed.connect(lambda message: self.failed.emit("Export failed",
                                                                          message))
        runner.finished.connect(self._on_runner_finished)
        runner.failed.connect(self._on_runner_failed)

    def connect_actions(self, a: Actions) -> None:
        """File > Export actions."""
        a.export_features.triggered.connect(self.on_export_features)
        a.export_selected_features.triggered.connect(
            lambda: self.on_export_features(selection_only=True))
        a.export_image.triggered.connect(self.on_export_image)
        a.export_matrix.triggered.connect(self.on_export_matrix)
        a.export_selection_float.triggered.connect(
            lambda: self.on_export_selection_audio("FLOAT"))
        a.export_selection_pcm16.triggered.connect(
            lambda: self.on_export_selection_audio("PCM_16"))

    # -- dialogs -------------------------------------------------------------------------
    def on_export_features(self, selection_only: bool = False) -> None:
        if selection_only and self.document.selection is None:
            self.failed.emit("Nothing selected",
                             "Drag across a view to select the frames to export.")
            return
        path = self._ask_path("Export features", ".csv", "CSV (*.csv)")
        if path is not None:
            self.export_features_to(path, selection_only=selection_only)

    def on_export_image(self) -> None:
        overlays = bool(self.document.view.overlays)
        if not self._ready(need_spectrogram=True, need_features=overlays):
            return  # said so before asking where and how large
        path = self._ask_path("Export spectrogram image", ".png", "PNG image (*.png)")
        if path is None:
            return
        width, height = self._image_size()
        size = ask_image_size(self._parent, (max(width, 800), max(height, 400)))
        if size is not None:
            self.export_image_to(path, size)

    def on_export_matrix(self) -> None:
        path = self._ask_path("Export spectrogram matrix", ".npz", "NumPy archive (*.npz)")
        if path is not None:
            self.export_matrix_to(path)

    def on_export_selection_audio(self, subtype: str) -> None:
        if self.document.source is not None and self.document.selection is None:
            self.failed.emit("Nothing selected",
                             "Drag across a view to select the audio to export.")
            return
        path = self._ask_path("Export selection audio", ".wav", "WAV audio (*.wav)")
        if path is not None:
            self.export_selection_audio_to(path, subtype)

    def export_selection_audio_to(self, path: str | Path, subtype: str = "FLOAT") -> None:
        """Write the selected frames, all channels, as WAV (float or 16-bit) on a worker."""
        doc = self.document
        if not self._ready():
            return
        frames = doc.selected_frames()
        if frames is None:
            self.failed.emit("Nothing selected",
                             "Drag across a view to select the audio to export.")
            return
        source, target = doc.source, Path(path)
        if self._over_input(target):
            return
        self.runner.submit(
            KEY_EXPORT_WAV,
            lambda: export_jobs.selection_wav_job(source, *frames, target, subtype),
            token=target)

    def _ask_path(self, title: str, suffix: str, file_filter: str) -> Path | None:
        if not self._ready(need_features=suffix == ".csv"):
            return None
        source = self.document.source
        assert source is not None
        folder = Path(self.settings.last_folder() or source.path.parent)
        suggestion = str(folder / (source.path.stem + suffix))
        name, _ = QFileDialog.getSaveFileName(self._parent, title, suggestion, file_filter)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.settings.set_last_folder(path.parent)
        return path

    def _over_input(self, path: Path) -> bool:
        """True (after a message) when ``path`` is the open file, by name or through a link."""
        source = self.document.source
        try:
            refuse_own_inputs([path], [source.path] if source is not None else [])
        except SonolensError as exc:
            self.failed.emit("Export refused", str(exc))
            return True
        return False

    def _ready(self, *, need_features: bool = False, need_spectrogram: bool = False,
               then: Callable[[], None] | None = None) -> bool:
        """Whether the export can run now. With ``then`` (an export of every window
        feature) the features nobody looked at yet are computed and ``then`` runs after."""
        doc = self.document
        if doc.source is None:
            self.failed.emit("Nothing to export", "Open a sound first.")
            return False
        table = doc.features
        stopped = (table is None or not table.complete) and not self.runner.is_busy(
            KEY_FEATURES)
        if need_features and stopped:
            self.failed.emit("Nothing to export",
                             "The analysis was stopped before the features were "
                             "complete; change a setting or open the file again "
                             "to compute them.")
            return False
        if need_features and then is not None and not self.on_demand.ready_or_request(then):
            return False  # ``then`` runs when the missing features are in
        if need_features and (table is None or not table.complete):
            self.failed.emit("Nothing to export yet",
                             "The features are still being computed; try again "
                             "when the progress bar is gone.")
            return False
        spec = doc.spectrogram  # a new file's shows while it grows: wait until complete
        if need_spectrogram and (spec is None or not spec.complete
                                 or self.runner.is_busy(KEY_SPECTROGRAM)):
            self.failed.emit("Nothing to export yet",
                             "The spectrogram is still being computed.")
            return False
        return True

    # -- work ----------------------------------------------------------------------------
    def export_features_to(self, path: str | Path, *, selection_only: bool = False) -> None:
        """Write the per-frame features (as `sonolens extract`) on a worker; with
        ``selection_only`` only the frames whose centre lies in the selection."""
        if not self._ready(need_features=True, then=lambda: self.export_features_to(
                path, selection_only=selection_only)):
            return
        doc = self.document
        table, label = doc.features, doc.source.path.name  # type: ignore[union-attr]
        # the default columns and the opt-in ones on screen (a view shown earlier may have
        # left others in the table)
        table = table.only({column for name in CATALOG.window_features(
            doc.view.overlays, doc.view.lower_view) for column in CATALOG.columns(
            name, table.params)})
        pitch = doc.result(PITCH)
        if (PITCH_NAME in doc.view.overlays and pitch is not None and pitch.complete
                and pitch.params == table.params and pitch.n_frames == table.n_frames):
            table = join_pitch(table, pitch)  # the pitch track shown: its columns too
        if selection_only and doc.selection is not None:
            table = table.between(*doc.selection)
        target = Path(path)
        if self._over_input(target):
            return
        self.runner.submit(KEY_EXPORT_CSV,
                           lambda: export_jobs.features_csv_job(target, label, table),
                           token=target)

    def export_matrix_to(self, path: str | Path) -> None:
        """Write the full-resolution spectrogram of the current kind as .npz on a worker."""
        if not self._ready():
            return
        doc = self.document
        source, params, kind, target = doc.source, doc.params, doc.view.kind, Path(path)
        if self._over_input(target):
            return
        self.runner.submit(
            KEY_EXPORT_NPZ,
            lambda: export_jobs.spectrogram_npz_job(source, params, kind, target),
            token=target)

    def export_image_to(self, path: str | Path, size: tuple[int, int]) -> bool:
        """Draw the spectrogram picture (GUI thread: drawing needs it; a reassigned image
        is computed on a worker first), then encode and write the PNG on a worker
        (``saved`` says when); False if refused."""
        doc = self.document
        if (not self._ready(need_spectrogram=True, need_features=bool(doc.view.overlays))
                or self._over_input(Path(path))):
            return False
        try:
            self.image_export.start(Path(path), size)
        except SonolensError as exc:
            self.failed.emit("Export failed", str(exc))
            return False
        return True

    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if _is_export(key) and isinstance(token, Path):
            self.saved.emit(token)

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if _is_export(key):
            self.failed.emit("Export failed", message)


def _is_export(key: str) -> bool:
    """A key of an export job: a kind's own, or a picture's (one per file)."""
    return key in EXPORT_KEYS or key.startswith(f"{KEY_EXPORT_IMAGE}:")


def ask_image_size(parent, default: tuple[int, int]) -> tuple[int, int] | None:
    """A small dialog with width and height in pixels."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Image size")
    form = QFormLayout(dialog)
    spins = []
    for label, value in (("Width (px)", default[0]), ("Height (px)", default[1])):
        spin = QSpinBox()
        spin.setRange(MIN_SIZE, MAX_SIZE)
        spin.setValue(int(value))
        spin.setObjectName(label.split()[0].lower())
        form.addRow(label, spin)
        spins.append(spin)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return spins[0].value(), spins[1].value()
