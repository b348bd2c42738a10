"""The window's status bar: what is open, the readout, playback notes, warnings, and the
progress of running jobs with a Cancel button."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from sonolens.core.features import CONTRAST_NOTE_PREFIX
from sonolens.model.document import Document

NOTHING_OPEN = "Open a sound: File > Open (Ctrl+O) or drop a file here"


class WindowStatus:
    """Fills ``bar`` with its labels; ``cancel`` is enabled while something runs."""

    def __init__(self, bar: QStatusBar, cancel: QAction) -> None:
        self.bar = bar
        self._cancel = cancel
        self.info_label = QLabel(NOTHING_OPEN)
        self.readout_label = QLabel("")
        self.readout_label.setObjectName("readout")
        self.playback_label = QLabel("")
        self.playback_label.setObjectName("playback_status")
        self.warning_label = QLabel("")
        self.warning_label.setStyleSheet("color: #d08000;")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running analysis (Ctrl+.)")
        bar.addWidget(self.info_label)
        bar.addWidget(self.readout_label, 1)
        bar.addWidget(self.playback_label)
        bar.addWidget(self.warning_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.set_busy(False)

    def describe(self, document: Document) -> None:
        """The open file's facts (or how to open one)."""
        source = document.source
        self.info_label.setText(source.describe() if source is not None else NOTHING_OPEN)

    def show_progress(self, key: str, fraction: float, stage: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{stage or key} %p%")

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self._cancel.setEnabled(busy)
        if not busy:
            self.progress.setValue(0)

    def show_warnings(self, document: Document) -> None:
        """The document's warnings; a note about spectral contrast only while the contrast
        view is shown."""
        contrast_shown = document.view.lower_view == "contrast"
        notes = [note for note in document.warnings
                 if contrast_shown or not note.startswith(CONTRAST_NOTE_PREFIX)]
        self.warning_label.setText(("⚠ " + "; ".join(notes)) if notes else "")
        self.warning_label.setToolTip("\n".join(notes))
