"""The main window: waveform, spectrogram and a lower feature view on one time axis.

Owns the Document, the JobRunner and the AnalysisCoordinator and puts the window's parts
together: views bound to the document's results (``result_binder``), the docks, the
transport (``transport``), menus and recent files (``menus``), the theme
(``theme_switch``), the status bar (``status_bar``) and exports (``exports``). Everything
slow runs on the runner's QThreads; this file only assembles, wires and shows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from sonolens.audio.files import AUDIO_SUFFIX_LIST
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui.actions import Actions, make_actions
from sonolens.ui.annotation_dock import connect_annotation_dock
from sonolens.ui.annotation_edits import AnnotationEditor
from sonolens.ui.annotation_files import AnnotationFiles
from sonolens.ui.annotation_layers import AnnotationLayers
from sonolens.ui.annotation_mouse import connect_annotation_mouse
from sonolens.ui.annotation_table import AnnotationTable
from sonolens.ui.cache_menu import AnalysisCacheMenu
from sonolens.ui.compare.launcher import CompareLauncher
from sonolens.ui.copy_python import copy_as_python
from sonolens.ui.exports import Exporter
from sonolens.ui.help import ShortcutsDialog, about_box
from sonolens.ui.measure_tools import connect_measure_tools
from sonolens.ui.menus import RecentFiles, build_menus
from sonolens.ui.meter_strip import MeterStrip
from sonolens.ui.navigation import Navigator
from sonolens.ui.onset_detection import OnsetDetection
from sonolens.ui.open_documents import OpenDocuments
from sonolens.ui.playback_controller import PlaybackController
from sonolens.ui.playback_speed import connect_playback_speed
from sonolens.ui.qt_setup import collect_garbage_on_gui_thread
from sonolens.ui.readout import CursorReadout
from sonolens.ui.reassigned_display import ReassignedDisplay
from sonolens.ui.selection_panel import KEY_MEASURE, SelectionPanel
from sonolens.ui.sessions import SessionFiles
from sonolens.ui.settings_panel import SettingsPanel
from sonolens.ui.spectrum_panel import KEY_SPECTRUM, SpectrumPanel
from sonolens.ui.status_bar import WindowStatus
from sonolens.ui.theme_switch import ThemeSwitcher
from sonolens.ui.trace_hooks import connect_trace
from sonolens.ui.transport import Transport
from sonolens.ui.view_binder import ViewBinder
from sonolens.ui.views.markers import TimeMarkers
from sonolens.ui.window_layout import CentralViews, add_dock, add_tabbed_docks
from sonolens.workers.analysis import AnalysisCoordinator
from sonolens.workers.runner import JobRunner

AUDIO_FILTER = ("Audio files (" + " ".join(f"*{suffix}" for suffix in AUDIO_SUFFIX_LIST)
                + ");;Sonolens sessions (*.sonolens);;All files (*)")


class MainWindow(QMainWindow):
    """Sonolens' window. ``open_path`` opens a file; ``is_settled`` says all is drawn."""

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        collect_garbage_on_gui_thread()  # never on a worker thread (see qt_setup)
        self.setWindowTitle("Sonolens[*]")  # [*]: unsaved annotations
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.document = Document(self.settings.params(), self.settings.view(), parent=self)
        self.runner = JobRunner(parent=self)
        self.coordinator = AnalysisCoordinator(self.document, self.runner, parent=self)
        self.actions: Actions = make_actions(self)
        self.last_error = ""  # the last message shown to the user (tests read it)
        self._message_box: QMessageBox | None = None
        self._closed = False

        self._build_views()
        self.reassigned = ReassignedDisplay(self.document, self.runner, self.spectrogram_view, self)
        self.settings_panel = SettingsPanel(self.document.params, self.document.view)
        self.settings_dock = add_dock(self, "Settings", "settings_dock", self.settings_panel)
        self.status = WindowStatus(self.statusBar(), self.actions.cancel)
        self.info_label, self.warning_label = self.status.info_label, self.status.warning_label
        self.readout_label, self.progress = self.status.readout_label, self.status.progress
        self.playback_label = self.status.playback_label
        self.cancel_button = self.status.cancel_button
        self.exporter = Exporter(self.document, self.runner, self.settings, self,
                                 lambda: (self.spectrogram_view.width(),
                                          self.spectrogram_view.height()))
        self.annotation_files = AnnotationFiles(self.document, self.runner, self.settings,
                                                self)
        self.annotation_layers = AnnotationLayers(self.document, self.spectrogram_view,
                                                  [self.waveform], parent=self)
        self.annotation_editor = AnnotationEditor(self.document, self.spectrogram_view,
                                                  self._spectrogram_x, parent=self)
        views = list(self.time_views)
        self.markers = TimeMarkers(self.document, views, parent=self)
        self.readout = CursorReadout(self.document, views, self.readout_label, parent=self)
        self.playback = PlaybackController(self.document, parent=self)
        self.navigator = Navigator(self.document, self.waveform.plot,
                                   self.spectrogram_view.viewbox, self.playback, parent=self)
        self._build_analysis_docks()
        self.transport_controls = Transport(self, self.actions, self.playback, self.document,
                                            self.markers, self.waveform.plot,
                                            self.playback_label)
        self.transport = self.transport_controls.bar
        self.play_channel = self.transport_controls.play_channel
        self.volume = self.transport_controls.volume
        menus = build_menus(self, self.actions,
                            (self.settings_dock, self.selection_dock, self.spectrum_dock,
                             self.annotations_dock))
        self.recent_menu, self.device_menu = menus.recent, menus.device
        self.cache_menu = AnalysisCacheMenu(self)  # Analysis > Analysis Cache
        self.device_menu.aboutToShow.connect(
            lambda: self.transport_controls.fill_device_menu(self.device_menu))
        self.recent = RecentFiles(self.recent_menu, self.settings, self.open_path, parent=self)
        self.themes = ThemeSwitcher(self.actions, self.settings, self.time_views,
                                    self.spectrum_panel, parent=self)
        self.binder = ViewBinder(self.document, self.settings, self.views, parent=self)
        self._connect()
        self.tier_list = connect_annotation_dock(self)  # tiers panel, next/previous, Space
        self.annotation_mouse = connect_annotation_mouse(self)  # drag, click, Delete, snap
        self.playback_speed = connect_playback_speed(self)  # speed, band, slowed export
        self.sessions = SessionFiles(self)  # .sonolens files, unsaved annotations, recovery
        self.onset_detection = OnsetDetection(self)  # Analysis > Detect Onsets and Beats
        self.measure_tools = connect_measure_tools(self)  # View > Measure, Fit Frequencies
        self.trace_hooks = connect_trace(self)  # SONOLENS_TRACE milestones (benchmarks)
        self.compare = CompareLauncher(self)  # File > Compare With…
        self.meter_strip = MeterStrip(self)  # level meter, mute/solo beside the transport
        self.documents = OpenDocuments(self)  # several open files, one tab each
        self.binder.apply_view()
        self.settings_panel.set_user_presets(self.settings.presets())
        self.set_theme(self.settings.theme())
        QTimer.singleShot(0, self.check_playback)
        self.resize(1280, 820)
        self._restore_layout()

    # -- construction --------------------------------------------------------------------
    def _build_views(self) -> None:
        views = self.views = CentralViews()
        self.waveform, self.spectrogram_view = views.waveform, views.spectrogram
        self.feature_plot, self.matrix_view = views.feature_plot, views.matrix
        self.time_views = views.time_views
        self.lower, self.splitter = views.lower, views.splitter
        self.setCentralWidget(views.splitter)

    def _build_analysis_docks(self) -> None:
        """Selection, Spectrum and Annotations, tabbed behind Settings."""
        self.selection_panel = SelectionPanel(self.document, self.runner)
        self.spectrum_panel = SpectrumPanel(self.document, self.runner)
        self.spectrum_panel.export_failed.connect(
            lambda message: self.show_error("Export failed", message))
        self.annotation_table = AnnotationTable(self.document, self.annotation_editor,
                                                self.navigator.zoom_selection)
        self.selection_dock, self.spectrum_dock, self.annotations_dock = add_tabbed_docks(
            self, self.settings_dock, (("Selection", "selection_dock", self.selection_panel),
                                       ("Spectrum", "spectrum_dock", self.spectrum_panel),
                                       ("Annotations", "annotations_dock",
                                        self.annotation_table)))

    def _connect(self) -> None:
        a, doc = self.actions, self.document
        # file, edit, help
        a.open.triggered.connect(self._on_open_triggered)
        a.open_demo.triggered.connect(self.open_demo)
        a.batch_export.triggered.connect(self.show_batch_dialog)
        a.quit.triggered.connect(self.close)
        a.clear_selection.triggered.connect(lambda: doc.set_selection(None))
        a.select_all.triggered.connect(lambda: doc.set_selection((0.0, doc.duration)))
        a.copy_python.triggered.connect(lambda: copy_as_python(self, doc))
        a.show_settings.triggered.connect(self._show_settings_dock)
        a.show_shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(lambda: about_box(self).open())
        # views and exports
        self.navigator.connect_actions(a)
        self.exporter.connect_actions(a)
        self.exporter.saved.connect(lambda path: self.statusBar().showMessage(
            f"Saved {path}", 8000))
        self.exporter.failed.connect(self.show_error)
        self.annotation_files.connect_actions(a)
        self.annotation_editor.connect_actions(a.add_annotation, a.undo, a.redo)
        self.annotation_files.saved.connect(lambda path: self.statusBar().showMessage(
            f"Saved {path}", 8000))
        self.annotation_files.loaded.connect(lambda path, n: self.statusBar().showMessage(
            f"{n} annotations from {path.name}", 8000))
        self.annotation_files.failed.connect(self.show_error)
        self.spectrogram_view.detail_wanted.connect(self.coordinator.request_detail)
        # settings panel and document
        self.settings_panel.presets.presets_changed.connect(self.settings.set_presets)
        self.settings_panel.params_edited.connect(doc.set_params)
        self.settings_panel.view_edited.connect(doc.set_view)
        doc.audio_changed.connect(self._on_document_audio_changed)
        doc.view_changed.connect(self._on_document_view_changed)
        doc.warnings_changed.connect(self._show_warnings)
        doc.duration_changed.connect(self._on_document_duration_changed)
        # coordinator and runner
        self.coordinator.open_failed.connect(self._on_coordinator_open_failed)
        self.coordinator.analysis_failed.connect(
            lambda _key, message: self.show_error("Analysis failed", message))
        a.cancel.triggered.connect(self.cancel_analysis)
        self.cancel_button.clicked.connect(self.cancel_analysis)
        self.runner.progressed.connect(self.status.show_progress)
        self.runner.busy_changed.connect(self.status.set_busy)

    # -- opening -------------------------------------------------------------------------
    def open_path(self, path: str | Path) -> None:
        """Open ``path`` on a worker; the current file stays until the new one is ready."""
        if self.documents.before_open(path):  # open already: its tab is shown
            return
        if self.sessions.redirect(path):  # a session, or unsaved annotations kept
            return
        self.info_label.setText(f"Opening {Path(path).name}…")
        for key in (KEY_MEASURE, KEY_SPECTRUM):  # free the workers for the open
            self.runner.cancel(key)
        self.coordinator.open_file(path)

    def open_demo(self) -> None:
        from sonolens.resources import demo_sound

        self.open_path(demo_sound())

    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open audio file",
                                              self.settings.last_folder(), AUDIO_FILTER)
        if path:
            self.open_path(path)

    def show_batch_dialog(self) -> None:
        """File > Batch Export…: one dialog per window, with the window's analysis settings."""
        from sonolens.ui.batch_dialog import BatchDialog

        dialog = self.findChild(BatchDialog) or BatchDialog(
            self.runner, self.document.params, self, folder=self.settings.last_folder())
        dialog.set_params(self.document.params)
        dialog.show()
        dialog.raise_()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.documents.open_all(files)

    # -- document events -----------------------------------------------------------------
    def _on_document_audio_changed(self) -> None:
        source = self.document.source
        for view in self.time_views:
            view.clear_data()
        if source is None:
            self.setWindowTitle("Sonolens[*]")
            return
        self.recent.add(source.path)
        self.setWindowTitle(f"{source.path.name}[*] — Sonolens")
        self.status.describe(self.document)
        self.settings_panel.set_audio(source.samplerate, source.channels)
        self.spectrogram_view.set_audio(source.samplerate, self.document.params)
        self.transport_controls.fill_play_channels(source.channels)
        self.transport_controls.update_actions()
        self.settings_panel.set_values(self.document.params, self.document.view)
        self._show_warnings()
        self.zoom_fit()

    def _on_document_duration_changed(self, previous: float) -> None:
        """A full pass found where the file really ends (cut short): say so, refit."""
        if self.document.source is not None:
            self.status.describe(self.document)
        self.navigator.refit(previous)

    def _on_document_view_changed(self, _previous: object) -> None:
        self.binder.apply_view()
        self._show_warnings()
        self.settings.set_view(self.document.view)

    def _show_warnings(self) -> None:
        self.status.show_warnings(self.document)

    # -- workers -------------------------------------------------------------------------
    def cancel_analysis(self) -> None:
        """Cancel: stop everything running (analysis, open, measurements, exports)."""
        self.runner.cancel_all()
        self.statusBar().showMessage("Analysis cancelled", 4000)

    def _on_coordinator_open_failed(self, path: str, message: str) -> None:
        self.selection_panel.remeasure()
        self.spectrum_panel.recompute()
        self.status.describe(self.document)
        self.show_error("Cannot open file", message)

    def show_error(self, title: str, message: str) -> None:
        """A window-modal message box that does not block the event loop."""
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._message_box = box
        box.open()

    def check_playback(self) -> None:
        """Probe the audio output once; disable playback with a reason if unusable."""
        self.transport_controls.check()

    # -- zoom, look, layout, help ----------------------------------------------------------
    def zoom_fit(self) -> None:
        self.navigator.fit()

    @property
    def theme(self) -> str:
        """The theme in use: "light" or "dark"."""
        return self.themes.theme

    def set_theme(self, choice: str) -> None:
        """"system", "light" or "dark": the widgets' palette and the plots' colours."""
        self.themes.set_theme(choice)

    def _restore_layout(self) -> None:
        """Geometry, docks/toolbar and view sizes as they were when the window closed."""
        geometry, state = self.settings.geometry(), self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.splitter_state()
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def _show_settings_dock(self) -> None:
        self.settings_dock.show()
        self.settings_dock.raise_()

    def show_shortcuts(self) -> None:
        """Help > Keyboard Shortcuts: one dialog, brought to the front if already open."""
        dialog = getattr(self, "shortcuts_dialog", None)
        if dialog is None:
            dialog = self.shortcuts_dialog = ShortcutsDialog(self.actions, self.menuBar(), self)
        if dialog.isVisible():
            dialog.activateWindow()
        else:
            dialog.show()

    # -- state ---------------------------------------------------------------------------
    def _spectrogram_x(self, seconds: float) -> float | None:
        """Where ``seconds`` lies in the spectrogram view's pixels (None: not shown)."""
        box = self.spectrogram_view.plot.getViewBox()
        (t0, t1), _ = box.viewRange()
        if not t0 <= seconds <= t1:
            return None
        scene = box.mapViewToScene(QPointF(seconds, 0.0))
        return float(self.spectrogram_view.mapFromScene(scene).x())

    def is_settled(self) -> bool:
        """True when a file is open, no job runs and every view has drawn the results."""
        doc = self.document
        if doc.source is None or self.runner.is_busy():
            return False
        spec = doc.spectrogram
        if any(view.redraw_pending for view in self.time_views):
            return False
        return (doc.features is not None and doc.features.complete and spec is not None
                and doc.envelope is not None
                and self.spectrogram_view.drawn_filled == spec.filled and self.waveform.drawn)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and not self.sessions.may_close():
            event.ignore()  # Cancel: unsaved annotations stay
            return
        if not self._closed:
            self._closed = True
            self.settings.set_window(self.saveGeometry(), self.saveState())
            self.settings.set_splitter_state(self.splitter.saveState())
            self.settings.set_params(self.document.params)
            self.settings.set_view(self.document.view)
            self.settings.sync()
            self.themes.close()
            self.compare.close_all()
            self.documents.close_all()
            self.playback.close_player()
            self.runner.shutdown()
            self.document.close()
        super().closeEvent(event)
