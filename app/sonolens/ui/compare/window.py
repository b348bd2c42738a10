"""The compare window: A and B stacked on one time axis, B moved by the offset between
them (found by cross-correlation, editable), their difference spectrogram, the summary of
their features, and A/B listening that switches at the playhead.

B is analysed as a :class:`sonolens.audio.shifted.ShiftedFile` at A's analysis rate, so
both sides' frames fall at the same times: zoom, pan, selection, cursor and playhead are
shared as they are, and every number equals ``sonolens compare``'s.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QDoubleSpinBox,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.model.results import FEATURES
from sonolens.model.settings import Settings
from sonolens.ui.compare.feature_differences import FeatureDifferences
from sonolens.ui.compare.side import CompareSide
from sonolens.ui.compare.summary_panel import SummaryPanel
from sonolens.ui.views.difference_view import DEFAULT_RANGE_DB, DifferenceView
from sonolens.ui.views.markers import TimeMarkers
from sonolens.workers import compare_jobs, jobs
from sonolens.workers.runner import JobRunner

KEY_ALIGN, KEY_OPEN_A, KEY_OPEN_B = "compare.align", "compare.open_a", "compare.open_b"
KEY_DIFFERENCE, KEY_SUMMARY = "compare.difference", "compare.summary"
KEY_CURVES = "compare.curves"
DIFFERENCE_COLUMNS = 8192
EDIT_DELAY_MS = 400  # an offset typed or a selection dragged: recompute after this pause


class CompareWindow(QMainWindow):
    """``open_files(a, b, offset=None)``; ``offset`` (s), ``confidence``; ``is_settled``."""

    failed = Signal(str)

    def __init__(self, settings: Settings, params: AnalysisParams | None = None,
                 view: ViewSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)  # its own window, closed with parent
        self.setWindowTitle("Compare — Sonolens")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        params, view = params or AnalysisParams(), view or ViewSettings()
        self.a = CompareSide("A", params, view, settings, parent=self)
        self.b = CompareSide("B", params, view, settings, parent=self)
        self.runner = JobRunner(parent=self)
        self.paths: tuple[Path, Path] | None = None
        self.offset: float | None = None
        self.confidence: float | None = None
        self.listening = "A"
        self.last_error = ""
        self.difference = None
        self.difference_view = DifferenceView()
        self.curves = FeatureDifferences()
        self._build_central()
        self._build_toolbar()
        self.summary = SummaryPanel()
        dock = QDockWidget("Summary", self)
        dock.setObjectName("compare_summary")
        dock.setWidget(self.summary)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.resizeDocks([dock], [420], Qt.Orientation.Horizontal)
        views = [*self.a.views.time_views[:2], *self.b.views.time_views[:2],
                 self.difference_view, self.curves.plot_view]
        self.markers = TimeMarkers(self.a.document, views, parent=self)
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(self._apply_offset_edit)
        self._summary_timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._summary_timer.timeout.connect(self._submit_summary)
        self._connect()
        from sonolens.ui.compare.exports import CompareExports

        self.exports = CompareExports(self)  # File > Export Comparison CSV…, image, Close
        from sonolens.ui.compare.offset_edits import OffsetEdits

        self.offset_edits = OffsetEdits(self)  # Align menu: undo, nudges; Alt+drag on B
        from sonolens.ui.compare.difference_detail import DifferenceDetail

        self.difference_detail = DifferenceDetail(self)  # full resolution when zoomed in
        self.resize(1280, 900)

    # -- construction --------------------------------------------------------------------
    def _build_central(self) -> None:
        splitter = QSplitter(Qt.Orientation.Vertical)
        for side in (self.a, self.b):
            pane = QWidget()
            layout = QVBoxLayout(pane)
            layout.setContentsMargins(0, 0, 0, 0)
            side.caption = QLabel(side.name)
            layout.addWidget(side.caption)
            layout.addWidget(side.views.waveform, 1)
            layout.addWidget(side.views.spectrogram, 3)
            splitter.addWidget(pane)
        splitter.addWidget(self.difference_view)
        splitter.addWidget(self.curves)
        for k, stretch in enumerate((4, 4, 2, 2)):
            splitter.setStretchFactor(k, stretch)
        self.difference_view.setMinimumHeight(110)
        self.curves.setMinimumHeight(150)
        self.difference_view.show_time_label(False)
        for view in (*self.b.views.time_views, self.difference_view, self.curves.plot_view):
            view.plot.setXLink(self.a.views.waveform.plot)
        self.curves.plot_view.show_time_label(True)
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Compare")
        bar.setObjectName("compare_toolbar")
        bar.addWidget(QLabel(" Offset of B: "))
        self.offset_box = QDoubleSpinBox()
        self.offset_box.setDecimals(4)
        self.offset_box.setRange(-86400.0, 86400.0)
        self.offset_box.setSingleStep(0.001)
        self.offset_box.setSuffix(" s")
        self.offset_box.setKeyboardTracking(False)
        self.offset_box.setToolTip("How much later the shared audio starts in B than in A "
                                   "(negative: earlier)")
        bar.addWidget(self.offset_box)
        self.find_button = QPushButton("Find Offset")
        bar.addWidget(self.find_button)
        self.confidence_label = QLabel("")
        bar.addWidget(self.confidence_label)
        bar.addSeparator()
        self.play_action = QAction("Play", self, shortcut=QKeySequence(Qt.Key.Key_Space))
        self.listen_b_action = QAction("Listen to B", self, checkable=True,
                                       shortcut=QKeySequence(Qt.Key.Key_B))
        self.listen_b_action.setToolTip("Switch between A and B at the playhead (B)")
        bar.addAction(self.play_action)
        bar.addAction(self.listen_b_action)
        bar.addSeparator()
        bar.addWidget(QLabel(" Difference range ±"))
        self.range_box = QDoubleSpinBox()
        self.range_box.setRange(1.0, 120.0)
        self.range_box.setValue(DEFAULT_RANGE_DB)
        self.range_box.setSuffix(" dB")
        bar.addWidget(self.range_box)

    def _connect(self) -> None:
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.progressed.connect(
            lambda _key, fraction, stage: self.statusBar().showMessage(
                f"{stage} {fraction:.0%}", 2000))  # gone once the work is
        self.offset_box.valueChanged.connect(lambda _v: self._edit_timer.start())
        self.find_button.clicked.connect(self.find_offset)
        self.range_box.valueChanged.connect(self.difference_view.set_range)
        self.play_action.triggered.connect(self.play_pause)
        self.listen_b_action.toggled.connect(
            lambda on: self.set_listening("B" if on else "A"))
        doc_a = self.a.document
        doc_a.audio_changed.connect(self.zoom_fit)
        doc_a.duration_changed.connect(lambda _previous: self.zoom_fit())
        doc_a.selection_changed.connect(self._on_selection_changed)
        doc_a.cursor_changed.connect(lambda: self.b.document.set_cursor(doc_a.cursor))
        for side in (self.a, self.b):
            side.document.result_changed.connect(self._on_side_result)
            side.playback.position_changed.connect(self._on_position)
            side.playback.failed.connect(self.show_error)

    # -- opening and aligning ------------------------------------------------------------
    def open_files(self, path_a: str | Path, path_b: str | Path,
                   offset: float | None = None) -> None:
        """Show A at once; B when the offset is known (found, or ``offset`` s)."""
        self.paths = (Path(path_a), Path(path_b))
        self.a.caption.setText(f"A: {self.paths[0].name}")
        self.b.caption.setText(f"B: {self.paths[1].name}")
        self.setWindowTitle(f"{self.paths[0].name} vs {self.paths[1].name} — Sonolens")
        self.runner.submit(KEY_OPEN_A, lambda: jobs.open_job(self.paths[0]), token=self.paths)
        if offset is None:
            self.find_offset()
        else:
            self.set_offset(offset)

    def find_offset(self) -> None:
        if self.paths is None:
            return
        self.confidence_label.setText(" finding the offset…")
        a, b = self.paths
        self.runner.submit(KEY_ALIGN, lambda: compare_jobs.align_job(a, b), token=self.paths)

    def set_offset(self, seconds: float) -> None:
        """Move B by ``seconds`` (B's shared audio starts that much later than A's)."""
        self.offset_box.blockSignals(True)
        self.offset_box.setValue(seconds)
        self.offset_box.blockSignals(False)
        self._edit_timer.stop()
        self._reopen_b(float(seconds))

    def apply_typed_offset(self) -> None:
        """A typed offset still waiting for the typing to pause: applied now."""
        if self._edit_timer.isActive():
            self._edit_timer.stop()
            self._apply_offset_edit()

    def _apply_offset_edit(self) -> None:
        self.offset_edits.change(float(self.offset_box.value()), None, "Type Offset")

    def _reopen_b(self, offset: float) -> None:
        if self.paths is None:
            return
        self.offset = offset
        self.difference_detail.invalidate()
        path = self.paths[1]
        self.runner.submit(KEY_OPEN_B, lambda: jobs.open_job(path), token=(self.paths, offset))
        self._submit_difference()

    def _params_b(self) -> AnalysisParams | None:
        """A's analysis parameters at A's analysis rate (None until A is open)."""
        doc = self.a.document
        if doc.source is None:
            return None
        return replace(doc.params, sr=doc.params.sr or doc.source.samplerate)

    # -- results -------------------------------------------------------------------------
    def _on_finished(self, key: str, result: object, token: object) -> None:
        if key == KEY_OPEN_A and token == self.paths:
            self.a.set_source(result, self.a.document.params)
            if self._pending_b is not None:
                self._show_b(*self._pending_b)
        elif key == KEY_ALIGN and token == self.paths:
            if result.confidence < 0.3:
                self.show_error(f"{self.paths[0].name} and {self.paths[1].name} seem to "
                                 f"share no audio (alignment confidence "
                                 f"{result.confidence:.2f}); type an offset to compare "
                                 "them anyway")
            self.offset_edits.change(result.offset, result.confidence, "Find Offset")
        elif key == KEY_OPEN_B and token == (self.paths, self.offset):
            self._show_b(result, self.offset)
        elif key == KEY_CURVES and token == (self.paths, self.offset):
            self.curves.set_features(result)
        elif key == KEY_DIFFERENCE and token == (self.paths, self.offset):
            self.difference, self.difference_offset = result, self.offset
            self.difference_view.set_difference(result)
        elif key == KEY_SUMMARY and token == (self.paths, self.offset, self._summary_span()):
            rows, lsd = result
            self.summary_span = self._summary_span()
            self.summary.show_summary(rows, lsd, self.summary_span,
                                      self.a.document.selection is not None)
        elif hasattr(result, "close") and key in (KEY_OPEN_A, KEY_OPEN_B):
            result.close()  # a file opened for a comparison that has moved on

    _pending_b: tuple | None = None
    difference_offset: float | None = None  # the offset self.difference was made for
    summary_span: tuple[float, float] | None = None  # the span the summary shows

    def _show_b(self, source, offset: float) -> None:
        from sonolens.audio.shifted import ShiftedFile

        params = self._params_b()
        if params is None:  # A is not open yet: B follows it
            if self._pending_b is not None and self._pending_b[0] is not source:
                self._pending_b[0].close()  # an earlier offset's B, never shown
            self._pending_b = (source, offset)
            return
        if offset != self.offset:  # opened for an offset typed over since
            source.close()
            return
        self._pending_b = None
        self.b.set_source(ShiftedFile.by_offset(source, offset), params)
        self.b.document.set_cursor(self.a.document.cursor)
        self.b.document.set_selection(self.a.document.selection)

    def _submit_difference(self) -> None:
        params = self.a.document.params
        a, b = self.paths
        offset = self.offset
        self.runner.submit(KEY_DIFFERENCE, lambda: compare_jobs.difference_window_job(
            a, b, offset, params, DIFFERENCE_COLUMNS), token=(self.paths, offset))

    def _on_side_result(self, key: str) -> None:
        if key == FEATURES and self._both_complete():
            self._summary_timer.start()
            table_a, table_b = self.a.document.features, self.b.document.features
            self.runner.submit(KEY_CURVES, lambda: compare_jobs.feature_difference_job(
                table_a, table_b), token=(self.paths, self.offset))

    def _both_complete(self) -> bool:
        """Both analyses finished, B's for the offset shown (not one typed over since)."""
        b = self.b.document.source
        return (b is not None and self.offset is not None
                and b.shift == round(self.offset * b.samplerate)
                and all(side.document.features is not None
                        and side.document.features.complete
                        and side.document.source is not None for side in (self.a, self.b)))

    def _summary_span(self) -> tuple[float, float]:
        """[start, end] s of A compared: the selection within the overlap, or the overlap."""
        from sonolens.dsp.compare import overlap_seconds

        doc_a, doc_b = self.a.document, self.b.document
        if doc_a.source is None or doc_b.source is None or self.offset is None:
            return (0.0, 0.0)
        raw_b = doc_b.source.source  # the file itself, not moved
        start, end = overlap_seconds(self.offset, doc_a.duration,
                                     raw_b.frames / raw_b.samplerate)
        if doc_a.selection is not None:
            start, end = max(start, doc_a.selection[0]), min(end, doc_a.selection[1])
        return (round(start, 9), round(end, 9))

    def _on_selection_changed(self) -> None:
        self.b.document.set_selection(self.a.document.selection)
        if self._both_complete():
            self._summary_timer.start()

    def _submit_summary(self) -> None:
        if not self._both_complete() or self.paths is None:
            return
        span = self._summary_span()
        if span[1] <= span[0]:
            return
        a, b = self.paths
        offset, params = self.offset, self.a.document.params
        table_a, table_b = self.a.document.features, self.b.document.features
        # over the whole overlap the difference spectrogram has the distance already
        whole = self.a.document.selection is None and self.difference_offset == offset
        lsd = self.difference.lsd if whole and self.difference is not None else None
        self.runner.submit(KEY_SUMMARY, lambda: compare_jobs.summary_job(
            a, b, offset, params, table_a, table_b, *span, lsd=lsd),
            token=(self.paths, offset, span))

    def _on_failed(self, key: str, message: str, token: object) -> None:
        self.show_error(message)

    def show_error(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, "Compare", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- listening -----------------------------------------------------------------------
    def _side(self, name: str) -> CompareSide:
        return self.a if name == "A" else self.b

    def play_pause(self) -> None:
        self._side(self.listening).playback.play_pause()

    def set_listening(self, name: str) -> None:
        """Listen to A or B; playing goes on from the same moment in the other."""
        if name == self.listening:
            return
        current, target = self._side(self.listening).playback, self._side(name).playback
        playing = current.state == "playing"
        position = current.position_seconds if current.player is not None else None
        current.stop()
        self.listening = name
        self.listen_b_action.blockSignals(True)
        self.listen_b_action.setChecked(name == "B")
        self.listen_b_action.blockSignals(False)
        if playing:
            target.play(start=position)

    def _on_position(self, seconds: float) -> None:
        if self.sender() is self._side(self.listening).playback:
            self.markers.show_playhead(seconds if seconds >= 0 else None)

    def zoom_fit(self) -> None:
        """Show all of A (B and the difference follow: their time axes are linked)."""
        duration = self.a.document.duration
        if duration > 0:
            self.a.views.waveform.plot.setXRange(0.0, duration, padding=0)

    # -- state ---------------------------------------------------------------------------
    def is_settled(self) -> bool:
        return (self.a.settled and self.b.settled and not self.runner.is_busy()
                and self.difference is not None and not self.difference_detail.busy
                and self.curves.features is not None
                and not self._summary_timer.isActive()
                and self.summary_span == self._summary_span())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.runner.shutdown()
            self.a.close()
            self.b.close()
        super().closeEvent(event)

    _closed = False
