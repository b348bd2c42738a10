"""The Selection dock: editable start/end/duration and measurements of the selected range.

Measurements (levels, zero-crossing count, feature mean/std) are computed on a worker
("measure" job) shortly after the selection changes; with nothing selected they describe
the whole file.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from sonolens.core.units import format_time
from sonolens.dsp.pitch import SELECTION_ROWS
from sonolens.model.document import Document
from sonolens.model.results import FEATURES, PITCH
from sonolens.ui.lazy_panel import LazyPanel
from sonolens.workers import jobs
from sonolens.workers.runner import JobRunner

KEY_MEASURE = "measure"
DELAY_MS = 120


def _db(value: float) -> str:
    return "−∞" if not math.isfinite(value) or value <= -200 else f"{value:.2f}"


class SelectionPanel(LazyPanel):
    """Shows and edits ``document.selection``; measures it on the runner."""

    measured = Signal()

    def __init__(self, document: Document, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self.measures = None
        self.stats: dict[str, tuple[float, float]] = {}
        self._token: object = None
        layout = QVBoxLayout(self)
        box = QGroupBox("Range (s)")
        form = QFormLayout(box)
        self.start = self._spin("selection_start")
        self.end = self._spin("selection_end")
        self.length = self._spin("selection_duration")
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow("Duration", self.length)
        self.scope = QLabel("Whole file")
        form.addRow("", self.scope)
        layout.addWidget(box)
        self.summary = QLabel("")
        self.summary.setObjectName("selection_summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.levels = self._table("levels", ["Channel", "Peak dBFS", "RMS dBFS", "Crossings"])
        self.levels.setToolTip("Crossings: sign changes between consecutive samples "
                               "(librosa.zero_crossings, threshold 1e-10)")
        layout.addWidget(self.levels)
        self.features = self._table("feature_stats", ["Feature", "Mean", "Std"])
        layout.addWidget(self.features, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.remeasure)
        self.start.editingFinished.connect(self._on_start_end_edited)
        self.end.editingFinished.connect(self._on_start_end_edited)
        self.length.editingFinished.connect(self._on_duration_edited)
        document.selection_changed.connect(self._on_document_changed)
        document.audio_changed.connect(self._on_document_changed)
        document.result_changed.connect(self._on_document_result_changed)
        document.params_changed.connect(self._timer.start)
        runner.finished.connect(self._on_runner_finished)

    @staticmethod
    def _spin(name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setDecimals(3)
        spin.setRange(0.0, 0.0)
        spin.setSingleStep(0.1)
        spin.setSuffix(" s")
        spin.setKeyboardTracking(False)
        return spin

    @staticmethod
    def _table(name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        return table

    # -- editing -------------------------------------------------------------------------
    def _range(self) -> tuple[float, float]:
        doc = self.document
        return doc.selection if doc.selection is not None else (0.0, doc.duration)

    def _on_document_changed(self) -> None:
        duration = self.document.duration
        t0, t1 = self._range()
        for spin, value in ((self.start, t0), (self.end, t1), (self.length, t1 - t0)):
            spin.blockSignals(True)
            spin.setRange(0.0, duration)
            spin.setValue(value)
            spin.blockSignals(False)
        self.scope.setText("Selection" if self.document.selection else "Whole file")
        self._timer.start()

    def _on_document_result_changed(self, key: str) -> None:
        if key == PITCH:
            self._timer.start()
        if key != FEATURES:
            return
        table = self.document.features
        if table is None or table.complete:  # snapshots of a running analysis: wait
            self._timer.start()

    def _on_start_end_edited(self) -> None:
        self.document.set_selection((self.start.value(), self.end.value()))

    def _on_duration_edited(self) -> None:
        start = self.start.value()
        self.document.set_selection((start, start + self.length.value()))

    # -- measuring -----------------------------------------------------------------------
    def refresh(self) -> None:
        self.remeasure()

    def remeasure(self) -> None:
        """Start the computation, or only mark it due while the dock is hidden (a whole
        hour read for a panel nobody looks at would slow everything else down)."""
        doc = self.document
        frames = self.frames_due(doc)
        if frames is None:
            return
        t0, t1 = self._range()
        source, table, channel = doc.source, doc.features, doc.params.channel
        pitch = doc.result(PITCH) if "f0" in doc.view.overlays else None
        token = (doc.generation, frames, id(table), id(pitch))
        self._token = token
        self.runner.submit(KEY_MEASURE, lambda: jobs.measure_job(
            source, *frames, channel, table, t0, t1, pitch=pitch), token=token)
        if table is not None and table.complete and doc.missing_features():
            doc.request_all_features()  # statistics of every feature, not only those shown

    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key != KEY_MEASURE or token != self._token:
            return
        self.measures, self.stats = result  # type: ignore[misc]
        self._show()
        self.measured.emit()

    def _show(self) -> None:
        m = self.measures
        self.summary.setText(
            f"{format_time(m.duration)} · {m.n_samples:,} samples · {m.sr} Hz")
        names = [str(k + 1) for k in range(len(m.channels))]
        if len(m.channels) == 2:
            names = ["L", "R"]
        rows = list(zip(names, m.channels, strict=True))
        if len(m.channels) > 1:
            rows.append(("Mix", m.mix))
        self.levels.setRowCount(len(rows))
        for row, (name, level) in enumerate(rows):
            values = [name, _db(level.peak_dbfs), _db(level.rms_dbfs), f"{level.zero_crossings:,}"]
            for col, text in enumerate(values):
                self.levels.setItem(row, col, QTableWidgetItem(text))
        height = self.levels.horizontalHeader().height() + 4
        height += sum(self.levels.rowHeight(r) for r in range(len(rows)))
        self.levels.setFixedHeight(height)
        self.features.setRowCount(len(self.stats))
        for row, (name, (mean, std)) in enumerate(self.stats.items()):
            spread = "" if name in SELECTION_ROWS else f"{std:.6g}"  # pitch: no std
            for col, text in enumerate((name, f"{mean:.6g}", spread)):
                self.features.setItem(row, col, QTableWidgetItem(text))
