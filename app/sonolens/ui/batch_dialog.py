"""File > Batch Export…: a folder of recordings to one table, as ``sonolens dataset`` writes.

The dialog only collects choices and shows progress: the work is the same Qt-free
generator (``export.dataset_batch.make_dataset``, as ``workers.export_jobs.dataset_job``)
run on the window's JobRunner, with the window's analysis settings. Cancel stops it at the
next block (rows finished so far are kept, so Resume continues). When done, the output's
folder is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sonolens.core.catalog import CATALOG
from sonolens.core.errors import SonolensError
from sonolens.core.params import AnalysisParams
from sonolens.export.dataset_table import STATISTICS, DatasetSpec
from sonolens.workers.export_jobs import dataset_job
from sonolens.workers.runner import JobRunner

KEY_BATCH = "batch-export"
LAYOUT_NAMES = {"features": "Features × statistics", "gtzan": "GTZAN tutorial table"}


class BatchDialog(QDialog):
    """Non-modal; one per window."""


    def __init__(self, runner: JobRunner, params: AnalysisParams,
                 parent: QWidget | None = None, *, folder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch Export")
        self.setObjectName("batch_dialog")
        self.runner = runner
        self.params = params
        self.last_run = None  # the DatasetRun so far (Progress.partial), then the result
        self._build(folder)
        runner.progressed.connect(self._on_runner_progressed)
        runner.partial.connect(self._on_runner_partial)
        runner.finished.connect(self._on_runner_finished)
        runner.failed.connect(self._on_runner_failed)
        runner.cancelled.connect(self._on_runner_cancelled)
        self._set_running(False)

    # -- construction --------------------------------------------------------------------
    def _build(self, folder: str) -> None:
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setPlaceholderText("folder of audio files (sub-folders = labels)")
        self.output_edit = QLineEdit(str(Path(folder) / "dataset.csv") if folder else "")
        self.output_edit.setPlaceholderText("table to write (.csv)")
        self.layout_combo = QComboBox()
        for key, name in LAYOUT_NAMES.items():
            self.layout_combo.addItem(name, key)
        self.layout_combo.currentIndexChanged.connect(self._on_layout_changed)
        self.offset_spin = _seconds_spin(0.0, "from the start")
        self.duration_spin = _seconds_spin(0.0, "whole file")
        self.jobs_spin = QSpinBox()
        self.jobs_spin.setRange(1, max(1, os.cpu_count() or 1))
        self.jobs_spin.setToolTip("Files analysed at once, each in its own process")
        self.resume_check = QCheckBox("Keep rows already in the table (resume)")

        form = QFormLayout()
        form.addRow("Folder", _with_button(self.folder_edit, "Browse…", self._browse_folder))
        form.addRow("Table", self.layout_combo)
        form.addRow("Excerpt start (s)", self.offset_spin)
        form.addRow("Excerpt length (s)", self.duration_spin)
        form.addRow("Processes", self.jobs_spin)
        form.addRow("Output", _with_button(self.output_edit, "Choose…", self._browse_output))
        form.addRow("", self.resume_check)

        self.feature_checks = {name: QCheckBox(name) for name in CATALOG.names}
        self.stat_checks = {name: QCheckBox(name) for name in STATISTICS}
        for name, box in self.feature_checks.items():
            box.setChecked(name in CATALOG.default_names)
        for name in DatasetSpec().stats:
            self.stat_checks[name].setChecked(True)
        self.features_box = _check_group("Features", self.feature_checks, columns=3)
        self.stats_box = _check_group("Statistics over frames", self.stat_checks, columns=5)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("")
        self.status.setObjectName("batch_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.close_button = QPushButton("Close")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.features_box)
        layout.addWidget(self.stats_box)
        self.params_label = QLabel(_describe(self.params))
        layout.addWidget(self.params_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # -- choices -------------------------------------------------------------------------
    def set_params(self, params: AnalysisParams) -> None:
        """The analysis settings used by the next run (the window's current ones)."""
        self.params = params
        self.params_label.setText(_describe(params))

    def spec(self) -> DatasetSpec:
        """The table the current choices describe; raises SonolensError."""
        offset = self.offset_spin.value()
        duration = self.duration_spin.value() or None
        if self.layout_combo.currentData() == "gtzan":
            kwargs = {} if duration is None else {"duration": duration}
            return DatasetSpec.gtzan(self.params, offset=offset, **kwargs)
        features = tuple(n for n, box in self.feature_checks.items() if box.isChecked())
        stats = tuple(n for n, box in self.stat_checks.items() if box.isChecked())
        if not features:
            raise SonolensError("choose at least one feature")
        if not stats:
            raise SonolensError("choose at least one statistic")
        return DatasetSpec(self.params, features, stats, "features", offset, duration).validate()

    def _on_layout_changed(self) -> None:
        custom = self.layout_combo.currentData() == "features"
        self.features_box.setEnabled(custom)
        self.stats_box.setEnabled(custom)
        self.duration_spin.setSpecialValueText("whole file" if custom else "30 s (tutorial)")

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of audio files",
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            if not self.output_edit.text():
                self.output_edit.setText(str(Path(folder) / "dataset.csv"))

    def _browse_output(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Write the table to",
                                              self.output_edit.text(), "CSV (*.csv)")
        if path:
            self.output_edit.setText(path if path.lower().endswith(".csv") else path + ".csv")

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        """Submit the run with the current choices (a message if they are incomplete)."""
        folder, output = self.folder_edit.text().strip(), self.output_edit.text().strip()
        if not folder or not output:
            self._say("Choose a folder and an output file.", error=True)
            return
        try:
            spec = self.spec()
        except SonolensError as exc:
            self._say(str(exc), error=True)
            return
        jobs, resume = self.jobs_spin.value(), self.resume_check.isChecked()
        self.last_run = None
        self.progress.setValue(0)
        self._say("Starting…")
        self._set_running(True)
        self.runner.submit(KEY_BATCH, lambda: dataset_job(folder, output, spec, jobs=jobs,
                                                          resume=resume),
                           token=Path(output))

    def cancel(self) -> None:
        self.runner.cancel(KEY_BATCH)

    def closeEvent(self, event) -> None:
        self.cancel()
        super().closeEvent(event)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #c03000;" if error else "")
        self.status.setText(text)

    # -- runner events -------------------------------------------------------------------
    def _on_runner_progressed(self, key: str, fraction: float, stage: str) -> None:
        if key == KEY_BATCH:
            self.progress.setValue(int(fraction * 1000))
            self._say(f"Analysing: {stage}")

    def _on_runner_partial(self, key: str, payload: object, token: object) -> None:
        if key == KEY_BATCH:
            self.last_run = payload

    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key != KEY_BATCH:
            return
        self.last_run = result
        self._set_running(False)
        self.progress.setValue(1000)
        self._say(_summary(result), error=bool(result.failed))
        if result.written or result.errors_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.output.parent.resolve())))

    def _on_runner_failed(self, key: str, message: str, token: object) -> None:
        if key == KEY_BATCH:
            self._set_running(False)
            self._say(message, error=True)

    def _on_runner_cancelled(self, key: str) -> None:
        if key != KEY_BATCH:
            return
        self._set_running(False)
        run = self.last_run
        kept = (f" The {run.analysed + run.kept} rows finished are kept in {run.output}; "
                "tick Resume to continue." if run is not None and run.analysed else "")
        self._say("Cancelled." + kept)


def _summary(run) -> str:
    text = f"Wrote {run.rows} rows to {run.output}"
    if run.kept:
        text += f" ({run.kept} kept from before)"
    text += "."
    if run.failed:
        shown = ", ".join(name for name, _ in run.failed[:5])
        more = f" and {len(run.failed) - 5} more" if len(run.failed) > 5 else ""
        text += (f" {len(run.failed)} file(s) failed ({shown}{more}); "
                 f"reasons in {run.errors_file}.")
    return text


def _describe(p: AnalysisParams) -> str:
    rate = f"{p.sr} Hz" if p.sr else "native rate"
    return (f"Analysis settings of the window: {rate}, n_fft {p.n_fft}, hop {p.hop_length}, "
            f"{p.n_mels} mels, {p.n_mfcc} MFCC")


def _seconds_spin(value: float, special: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 86400.0)
    spin.setDecimals(2)
    spin.setValue(value)
    spin.setSpecialValueText(special)  # shown for 0
    return spin


def _with_button(edit: QLineEdit, text: str, slot) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton(text)
    button.clicked.connect(slot)
    layout.addWidget(button)
    return row


def _check_group(title: str, boxes: dict[str, QCheckBox], *, columns: int) -> QGroupBox:
    group = QGroupBox(title)
    grid = QGridLayout(group)
    for index, box in enumerate(boxes.values()):
        grid.addWidget(box, index // columns, index % columns)
    return group
