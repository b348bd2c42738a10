"""The Spectrum dock: magnitude spectrum (dB re full scale) of the selection or whole file.

Computed on a worker ("spectrum" job; Welch-averaged for long ranges), drawn against a
linear or log frequency axis with the strongest peaks labelled, and exported as the
two-column text Audacity's Plot Spectrum writes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
)

from sonolens.core.errors import SonolensError
from sonolens.dsp.scales import FrequencyScale, format_hz
from sonolens.model.document import Document
from sonolens.ui.lazy_panel import LazyPanel
from sonolens.ui.views.frequency_axis import FrequencyAxis
from sonolens.workers import jobs
from sonolens.workers.runner import JobRunner

KEY_SPECTRUM = "spectrum_plot"
WINDOWS = ("hann", "hamming", "blackman", "blackmanharris", "rectangular", "flattop")
MAX_PEAKS = 6
DELAY_MS = 150
FLOOR_DB = -160.0
LOG_FMIN = 10.0  # a log axis starts here (or at the first bin above DC, if higher)


class SpectrumPanel(LazyPanel):
    """Plots ``self.spectrum``; recomputes when the selection, file or window changes."""

    export_failed = Signal(str)  # one-line message; the window shows it

    def __init__(self, document: Document, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner
        self.spectrum = None
        self.peaks: list[tuple[float, float]] = []
        self._token: object = None
        self.window_choice = QComboBox()
        self.window_choice.setObjectName("spectrum_window")
        self.window_choice.addItems(WINDOWS)
        self.log_axis = QCheckBox("Log frequency")
        self.log_axis.setObjectName("spectrum_log")
        self.log_axis.setChecked(True)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("spectrum_export")
        controls = QHBoxLayout()
        controls.addWidget(self.window_choice)
        controls.addWidget(self.log_axis)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        self.freq_axis = FrequencyAxis("bottom")  # Hz labels (50, 100, 1k) on linear and log
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": self.freq_axis})
        self.plot_widget.setMinimumSize(200, 160)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "Frequency (Hz)")
        self.plot.setLabel("left", "Level (dB)")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.curve = self.plot.plot(pen=pg.mkPen("#4fc3f7", width=1))
        self.peak_color = "#ffb74d"
        self.markers = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(self.peak_color), pen=None)
        self.plot.addItem(self.markers)
        self.labels: list[pg.TextItem] = []
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.plot_widget, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.recompute)
        self.window_choice.currentTextChanged.connect(self._timer.start)
        self.log_axis.toggled.connect(self._draw)
        self.export_button.clicked.connect(self._on_export_clicked)
        document.selection_changed.connect(self._timer.start)
        document.audio_changed.connect(self._timer.start)
        document.params_changed.connect(self._timer.start)
        runner.finished.connect(self._on_runner_finished)

    def set_colors(self, curve: str, peak: str) -> None:
        """The spectrum's and the peaks' colours (the theme's; its background and axes are
        styled as the time views' by ``ui.theme``)."""
        self.curve.setPen(pg.mkPen(curve, width=1))
        self.peak_color = peak
        self.markers.setBrush(pg.mkBrush(peak))
        self._draw()

    def refresh(self) -> None:
        self.recompute()

    def recompute(self) -> None:
        """Start the computation, or only mark it due while the dock is hidden (a whole
        hour read for a panel nobody looks at would slow everything else down)."""
        doc = self.document
        frames = self.frames_due(doc)
        if frames is None or frames[1] - frames[0] < 2:
            return
        source, channel, window = doc.source, doc.params.channel, self.window_choice.currentText()
        token = (doc.generation, frames, channel, window)
        self._token = token
        self.runner.submit(KEY_SPECTRUM,
                           lambda: jobs.spectrum_job(source, *frames, channel, window,
                                                     MAX_PEAKS),
                           token=token)

    def _on_runner_finished(self, key: str, result: object, token: object) -> None:
        if key != KEY_SPECTRUM or token != self._token:
            return
        self.spectrum, self.peaks = result  # type: ignore[misc]
        self._draw()

    def plotted(self) -> tuple[np.ndarray, np.ndarray]:
        """(freqs Hz, level dB) as drawn (DC dropped on a log axis)."""
        spec = self.spectrum
        freqs, level = spec.freqs, np.maximum(spec.level_db, FLOOR_DB)
        if self.log_axis.isChecked():
            return freqs[1:], level[1:]
        return freqs, level

    def _draw(self) -> None:
        """Curve, peak marks and labels; x is Hz on a linear axis, log10(Hz) on a log one
        (the axis labels both in Hz through its FrequencyScale)."""
        if self.spectrum is None:
            return
        log = self.log_axis.isChecked()
        freqs, level = self.plotted()
        hi = float(freqs[-1])
        lo = max(float(freqs[0]), min(LOG_FMIN, hi / 10)) if log else 0.0
        self.freq_axis.set_scale(FrequencyScale("log" if log else "linear", lo, hi))
        self.curve.setData(np.log10(freqs) if log else freqs, level)
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        shown = [(f, lv) for f, lv in self.peaks if f > 0]
        xs = [np.log10(f) if log else f for f, _ in shown]
        self.markers.setData(xs, [lv for _, lv in shown])
        span = (np.log10(freqs[-1]) - np.log10(max(freqs[0], 1e-3))) if log else freqs[-1]
        labelled: list[float] = []
        for x, (f, lv) in zip(xs, shown, strict=True):  # loudest first; skip crowded ones
            if any(abs(x - other) < 0.06 * span for other in labelled):
                continue
            label = pg.TextItem(f"{format_hz(f)} Hz", color=self.peak_color, anchor=(0.5, 1.2))
            label.setPos(x, lv)
            self.plot.addItem(label)
            self.labels.append(label)
            labelled.append(x)
        top = float(np.max(level)) if len(level) else 0.0
        self.plot.setYRange(max(FLOOR_DB, top - 120.0), top + 10.0, padding=0)
        self.plot.setXRange(np.log10(lo) if log else lo, np.log10(hi) if log else hi, padding=0)

    def export_to(self, path: str | Path) -> bool:
        from sonolens.export.own_input import refuse_own_inputs
        from sonolens.export.spectrum_text import write_spectrum_text

        if self.spectrum is None:
            return False
        source = self.document.source
        try:
            refuse_own_inputs([path], [source.path] if source is not None else [])
            write_spectrum_text(path, self.spectrum)
        except SonolensError as exc:
            self.export_failed.emit(str(exc))
            return False
        return True

    def _on_export_clicked(self) -> None:
        if self.spectrum is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export spectrum", "spectrum.txt",
                                              "Text (*.txt)")
        if name:
            self.export_to(name)

