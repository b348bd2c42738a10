"""The main window: waveform, spectrogram and a lower feature view on one time axis.

Owns the Document, the JobRunner and the AnalysisCoordinator; views only read the
Document. Everything slow runs on the runner's QThreads; this file only wires and shows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolBar,
)

from sonolens.audio.files import AUDIO_SUFFIX_LIST
from sonolens.core.features import CONTRAST_NOTE_PREFIX
from sonolens.model.document import Document
from sonolens.model.settings import Settings
from sonolens.ui import theme
from sonolens.ui.actions import Actions, make_actions
from sonolens.ui.copy_python import copy_as_python
from sonolens.ui.exports import Exporter
from sonolens.ui.help import ShortcutsDialog, about_box
from sonolens.ui.navigation import Navigator
from sonolens.ui.playback_controller import PlaybackController
from sonolens.ui.readout import CursorReadout
from sonolens.ui.selection_panel import KEY_MEASURE, SelectionPanel
from sonolens.ui.settings_panel import ALL_CHANNELS_LABEL, SettingsPanel, fill_channels
from sonolens.ui.spectrum_panel import KEY_SPECTRUM, SpectrumPanel
from sonolens.ui.views.feature_plot import FeaturePlot
from sonolens.ui.views.markers import TimeMarkers
from sonolens.ui.views.matrix_view import MatrixView
from sonolens.ui.views.spectrogram_view import SpectrogramView
from sonolens.ui.views.waveform_view import WaveformView
from sonolens.workers.analysis import AnalysisCoordinator
from sonolens.workers.runner import JobRunner

AUDIO_FILTER = ("Audio files (" + " ".join(f"*{suffix}" for suffix in AUDIO_SUFFIX_LIST)
                + ");;All files (*)")


class MainWindow(QMainWindow):
    """Sonolens' window. ``open_path`` opens a file; ``is_settled`` says all is drawn."""

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Sonolens")
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
        self._build_settings_dock()
        self._build_status_bar()
        self.exporter = Exporter(self)
        views = list(self.time_views)
        self.markers = TimeMarkers(self.document, views, parent=self)
        self.readout = CursorReadout(self.document, views, self.readout_label, parent=self)
        self.playback = PlaybackController(self.document, parent=self)
        self.navigator = Navigator(self.document, self.waveform.plot,
                                   self.spectrogram_view.viewbox, self.playback, parent=self)
        self._build_analysis_docks()
        self._build_transport()
        self._build_menus()
        self._connect()
        self._apply_view()
        self.settings_panel.set_user_presets(self.settings.presets())
        self.set_theme(self.settings.theme())
        QTimer.singleShot(0, self.check_playback)
        self.resize(1280, 820)
        self._restore_layout()

    # -- construction --------------------------------------------------------------------
    def _build_views(self) -> None:
        self.waveform = WaveformView()
        self.spectrogram_view = SpectrogramView()
        self.feature_plot = FeaturePlot()
        self.matrix_view = MatrixView()
        self.time_views = (self.waveform, self.spectrogram_view, self.feature_plot,
                           self.matrix_view)
        self.lower = QStackedWidget()
        self.lower.addWidget(self.feature_plot)
        self.lower.addWidget(self.matrix_view)
        for view in (self.spectrogram_view, self.feature_plot, self.matrix_view):
            view.plot.setXLink(self.waveform.plot)
        self.waveform.show_time_label(False)
        self.spectrogram_view.show_time_label(False)
        self.feature_plot.show_time_label(True)
        self.matrix_view.show_time_label(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.waveform)
        splitter.addWidget(self.spectrogram_view)
        splitter.addWidget(self.lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _build_settings_dock(self) -> None:
        self.settings_panel = SettingsPanel(self.document.params, self.document.view)
        dock = QDockWidget("Settings", self)
        dock.setObjectName("settings_dock")
        dock.setWidget(self.settings_panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.settings_dock = dock

    def _build_analysis_docks(self) -> None:
        self.selection_panel = SelectionPanel(self.document, self.runner)
        self.spectrum_panel = SpectrumPanel(self.document, self.runner)
        self.spectrum_panel.export_failed.connect(
            lambda message: self.show_error("Export failed", message))
        docks = []
        for title, name, widget in (("Selection", "selection_dock", self.selection_panel),
                                    ("Spectrum", "spectrum_dock", self.spectrum_panel)):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(widget)
            dock.setFeatures(self.settings_dock.features())
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.tabifyDockWidget(self.settings_dock, dock)
            widget.set_shown(False)  # behind the Settings tab until raised
            dock.visibilityChanged.connect(widget.set_shown)
            docks.append(dock)
        self.selection_dock, self.spectrum_dock = docks
        self.settings_dock.raise_()
        self.resizeDocks([self.settings_dock], [340], Qt.Orientation.Horizontal)

    def _build_transport(self) -> None:
        a = self.actions
        bar = QToolBar("Transport", self)
        bar.setObjectName("transport")
        bar.addAction(a.play_pause)
        bar.addAction(a.stop)
        bar.addAction(a.loop)
        bar.addSeparator()
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setMaximumWidth(120)
        self.volume.setToolTip("Volume")
        bar.addWidget(QLabel(" Volume "))
        bar.addWidget(self.volume)
        self.play_channel = QComboBox()
        self.play_channel.setObjectName("play_channel")
        self.play_channel.setToolTip("What is played: the file as is, its mix, or one channel")
        bar.addWidget(QLabel("  Play "))
        bar.addWidget(self.play_channel)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.transport = bar
        group = QActionGroup(self)
        for act in (a.follow_page, a.follow_scroll, a.follow_off):
            group.addAction(act)
        a.follow_page.setChecked(True)
        self._fill_play_channels(0)

    def _fill_play_channels(self, channels: int) -> None:
        combo = self.play_channel
        combo.blockSignals(True)
        fill_channels(combo, ALL_CHANNELS_LABEL, channels, None, mix=True,
                      name="Channel {}")
        combo.blockSignals(False)
        self.playback.set_channel(None)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.info_label = QLabel("Open a sound: File > Open (Ctrl+O) or drop a file here")
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
        self._set_busy(False)

    def _build_menus(self) -> None:
        a = self.actions
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(a.open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addAction(a.open_demo)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export")
        export_menu.addAction(a.export_features)
        export_menu.addAction(a.export_selected_features)
        export_menu.addAction(a.export_image)
        export_menu.addAction(a.export_matrix)
        file_menu.addAction(a.batch_export)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(a.select_all)
        edit_menu.addAction(a.clear_selection)
        edit_menu.addSeparator()
        edit_menu.addAction(a.copy_python)
        view_menu = self.menuBar().addMenu("&View")
        for act in (a.zoom_fit, a.zoom_in, a.zoom_out, a.zoom_selection, None,
                    a.go_start, a.go_end, a.pan_left, a.pan_right, None, a.show_settings):
            if act is None:
                view_menu.addSeparator()
            else:
                view_menu.addAction(act)
        panels = view_menu.addMenu("&Panels")
        for dock in (self.settings_dock, self.selection_dock, self.spectrum_dock):
            panels.addAction(dock.toggleViewAction())
        theme_menu = view_menu.addMenu("&Theme")
        themes = QActionGroup(self)
        for act in (a.theme_system, a.theme_light, a.theme_dark):
            themes.addAction(act)
            theme_menu.addAction(act)
        audio_menu = self.menuBar().addMenu("&Audio")
        for act in (a.play_pause, a.stop, a.loop):
            audio_menu.addAction(act)
        audio_menu.addSeparator()
        for act in (a.follow_page, a.follow_scroll, a.follow_off):
            audio_menu.addAction(act)
        audio_menu.addSeparator()
        self.device_menu = audio_menu.addMenu("Output &Device")
        self.device_menu.aboutToShow.connect(self._fill_device_menu)
        export_menu.addSeparator()
        export_menu.addAction(a.export_selection_float)
        export_menu.addAction(a.export_selection_pcm16)
        analysis_menu = self.menuBar().addMenu("&Analysis")
        analysis_menu.addAction(a.cancel)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(a.show_shortcuts)
        help_menu.addAction(a.about)
        self._fill_recent_menu()

    def _connect(self) -> None:
        a, doc = self.actions, self.document
        a.open.triggered.connect(self._on_open_triggered)
        a.open_demo.triggered.connect(self.open_demo)
        a.quit.triggered.connect(self.close)
        a.cancel.triggered.connect(self.cancel_analysis)
        nav = self.navigator
        a.zoom_fit.triggered.connect(nav.fit)
        a.zoom_in.triggered.connect(lambda: nav.zoom(0.5))
        a.zoom_out.triggered.connect(lambda: nav.zoom(2.0))
        a.zoom_selection.triggered.connect(nav.zoom_selection)
        a.go_start.triggered.connect(nav.go_start)
        a.go_end.triggered.connect(nav.go_end)
        a.pan_left.triggered.connect(lambda: nav.pan(-0.1))
        a.pan_right.triggered.connect(lambda: nav.pan(0.1))
        a.show_settings.triggered.connect(self._show_settings_dock)
        a.theme_system.triggered.connect(lambda: self.set_theme("system"))
        a.theme_light.triggered.connect(lambda: self.set_theme("light"))
        a.theme_dark.triggered.connect(lambda: self.set_theme("dark"))
        a.show_shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(lambda: about_box(self).open())
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            self._on_style_hints_color_scheme_changed)
        self.settings_panel.presets.presets_changed.connect(self.settings.set_presets)
        a.export_features.triggered.connect(self.exporter.on_export_features)
        a.export_selected_features.triggered.connect(
            lambda: self.exporter.on_export_features(selection_only=True))
        a.export_image.triggered.connect(self.exporter.on_export_image)
        a.export_matrix.triggered.connect(self.exporter.on_export_matrix)
        a.batch_export.triggered.connect(self.show_batch_dialog)
        a.play_pause.triggered.connect(self.playback.play_pause)
        a.stop.triggered.connect(self.playback.stop)
        a.loop.toggled.connect(self.playback.set_loop)
        a.follow_page.triggered.connect(lambda: self._set_follow("page"))
        a.follow_scroll.triggered.connect(lambda: self._set_follow("scroll"))
        a.follow_off.triggered.connect(lambda: self._set_follow("off"))
        a.export_selection_float.triggered.connect(
            lambda: self.exporter.on_export_selection_audio("FLOAT"))
        a.export_selection_pcm16.triggered.connect(
            lambda: self.exporter.on_export_selection_audio("PCM_16"))
        self.volume.valueChanged.connect(lambda v: self.playback.set_volume(v / 100.0))
        self.play_channel.currentIndexChanged.connect(
            lambda _i: self.playback.set_channel(self.play_channel.currentData()))
        self.playback.position_changed.connect(self._on_playback_position_changed)
        self.playback.unavailable.connect(self._on_playback_unavailable)
        self.playback.failed.connect(self._on_playback_failed)
        self.playback.state_changed.connect(self._on_playback_state_changed)
        a.clear_selection.triggered.connect(lambda: doc.set_selection(None))
        a.select_all.triggered.connect(lambda: doc.set_selection((0.0, doc.duration)))
        a.copy_python.triggered.connect(lambda: copy_as_python(self, doc))
        self.cancel_button.clicked.connect(self.cancel_analysis)
        doc.audio_changed.connect(self._on_document_audio_changed)
        doc.view_changed.connect(self._on_document_view_changed)
        doc.features_changed.connect(self._on_document_features_changed)
        doc.spectrogram_changed.connect(self._on_document_spectrogram_changed)
        doc.envelope_changed.connect(self._on_document_envelope_changed)
        doc.warnings_changed.connect(self._show_warnings)
        doc.duration_changed.connect(self._on_document_duration_changed)
        self.settings_panel.params_edited.connect(doc.set_params)
        self.settings_panel.view_edited.connect(doc.set_view)
        self.spectrogram_view.detail_wanted.connect(self.coordinator.request_detail)
        self.coordinator.open_failed.connect(self._on_coordinator_open_failed)
        self.coordinator.analysis_failed.connect(self._on_coordinator_analysis_failed)
        self.runner.progressed.connect(self._on_runner_progressed)
        self.runner.busy_changed.connect(self._set_busy)

    # -- opening -------------------------------------------------------------------------
    def open_path(self, path: str | Path) -> None:
        """Open ``path`` on a worker; the current file stays until the new one is ready."""
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

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Recent", self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self._fill_recent_menu()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_path(files[0])

    # -- document events -----------------------------------------------------------------
    def _on_document_audio_changed(self) -> None:
        source = self.document.source
        for view in self.time_views:
            view.clear_data()
        if source is None:
            return
        self.settings.add_recent(source.path)
        self._fill_recent_menu()
        self.setWindowTitle(f"{source.path.name} — Sonolens")
        self.info_label.setText(source.describe())
        self.settings_panel.set_audio(source.samplerate, source.channels)
        self.spectrogram_view.set_audio(source.samplerate, self.document.params)
        self._fill_play_channels(source.channels)
        self._update_playback_actions()
        self.settings_panel.set_values(self.document.params, self.document.view)
        self._show_warnings()
        self.zoom_fit()

    def _on_document_duration_changed(self, previous: float) -> None:
        """A full pass found where the file really ends (cut short): say so, refit."""
        if self.document.source is not None:
            self.info_label.setText(self.document.source.describe())
        self.navigator.refit(previous)

    def _on_document_view_changed(self, _previous: object) -> None:
        self._apply_view()
        self._show_warnings()
        self.settings.set_view(self.document.view)

    def _apply_view(self) -> None:
        view = self.document.view
        self.spectrogram_view.set_view(view)
        self.waveform.set_channel(view.waveform_channel)
        if view.lower_view == "features":
            self.lower.setCurrentWidget(self.feature_plot)
        else:
            self.matrix_view.set_kind(view.lower_view, view.colormap)
            self.lower.setCurrentWidget(self.matrix_view)

    def _on_document_features_changed(self) -> None:
        features = self.document.features
        self.spectrogram_view.set_features(features)
        self.feature_plot.set_features(features)
        self.matrix_view.set_features(features)
        if features is not None and features.complete:
            self.settings.set_params(self.document.params)

    def _on_document_spectrogram_changed(self) -> None:
        self.spectrogram_view.set_spectrogram(self.document.spectrogram)

    def _on_document_envelope_changed(self) -> None:
        source = self.document.source
        read = source.read_if_seekable if source is not None else None
        self.waveform.set_envelope(self.document.envelope, read=read)

    def _show_warnings(self) -> None:
        """The document's warnings in the status bar; a note about spectral contrast
        only while the contrast view is shown."""
        contrast_shown = self.document.view.lower_view == "contrast"
        notes = [note for note in self.document.warnings
                 if contrast_shown or not note.startswith(CONTRAST_NOTE_PREFIX)]
        self.warning_label.setText(("⚠ " + "; ".join(notes)) if notes else "")
        self.warning_label.setToolTip("\n".join(notes))

    # -- workers -------------------------------------------------------------------------
    def _on_runner_progressed(self, key: str, fraction: float, stage: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{stage or key} %p%")

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.actions.cancel.setEnabled(busy)
        if not busy:
            self.progress.setValue(0)

    def cancel_analysis(self) -> None:
        """Cancel: stop everything running (analysis, open, measurements, exports)."""
        self.runner.cancel_all()
        self.statusBar().showMessage("Analysis cancelled", 4000)

    def _on_coordinator_open_failed(self, path: str, message: str) -> None:
        self.selection_panel.remeasure()
        self.spectrum_panel.recompute()
        if self.document.source is not None:
            self.info_label.setText(self.document.source.describe())
        else:
            self.info_label.setText("Open a sound: File > Open (Ctrl+O) or drop a file here")
        self.show_error("Cannot open file", message)

    def _on_coordinator_analysis_failed(self, key: str, message: str) -> None:
        self.show_error("Analysis failed", message)

    def show_error(self, title: str, message: str) -> None:
        """A window-modal message box that does not block the event loop."""
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._message_box = box
        box.open()

    # -- playback ------------------------------------------------------------------------
    def check_playback(self) -> None:
        """Probe the audio output once; disable playback with a reason if unusable."""
        self.playback.check()
        self._update_playback_actions()

    def _update_playback_actions(self) -> None:
        usable = self.playback.available and self.document.source is not None
        for act in (self.actions.play_pause, self.actions.stop, self.actions.loop):
            act.setEnabled(usable)
        if not self.playback.available:
            for act in (self.actions.play_pause, self.actions.stop):
                act.setToolTip(self.playback.reason or "")

    def _on_playback_unavailable(self, reason: str) -> None:
        self._update_playback_actions()
        self.playback_label.setText(reason)  # permanent; a temporary message would hide
        # the file's facts in the status bar

    def _on_playback_failed(self, message: str) -> None:
        self.playback_label.setText(message)
        self.statusBar().showMessage(message, 10000)
        self.markers.show_playhead(None)

    def _on_playback_state_changed(self, state: str) -> None:
        self.actions.play_pause.setText("&Pause" if state == "playing" else "&Play")

    def _set_follow(self, mode: str) -> None:
        self.playback.follow = mode

    def _on_playback_position_changed(self, seconds: float) -> None:
        if seconds < 0:
            self.markers.show_playhead(None)
            return
        self.markers.show_playhead(seconds)
        (t0, t1), _ = self.waveform.plot.getViewBox().viewRange()
        width = t1 - t0
        if self.playback.follow == "page" and not t0 <= seconds <= t1:
            self.waveform.plot.setXRange(seconds, seconds + width, padding=0)
        elif self.playback.follow == "scroll" and abs(seconds - (t0 + width / 2)) > width * 0.01:
            self.waveform.plot.setXRange(seconds - width / 2, seconds + width / 2, padding=0)

    def _fill_device_menu(self) -> None:
        menu = self.device_menu
        menu.clear()
        devices = self.playback.devices()
        if not devices:
            act = menu.addAction(self.playback.reason or "No output device")
            act.setEnabled(False)
            return
        group = QActionGroup(menu)
        for device in devices:
            label = f"{device.name}{' (default)' if device.is_default else ''}"
            act = menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(self.playback.device == device.index
                           or (self.playback.device is None and device.is_default))
            act.triggered.connect(lambda _=False, i=device.index: self.playback.set_device(i))
            group.addAction(act)

    # -- zoom, look, layout, help ----------------------------------------------------------
    def zoom_fit(self) -> None:
        self.navigator.fit()

    def set_theme(self, choice: str) -> None:
        """"system", "light" or "dark": the widgets' palette and the plots' colours."""
        self.theme_choice = choice
        self._restyle(choice)
        a = self.actions
        {"system": a.theme_system, "light": a.theme_light, "dark": a.theme_dark}[
            choice].setChecked(True)
        self.settings.set_theme(choice)

    def _on_style_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.theme_choice == "system" and theme.resolve("system", scheme) != self.theme:
            self._restyle("system", scheme)

    def _restyle(self, choice: str, scheme: Qt.ColorScheme | None = None) -> None:
        """Apply the palette of ``choice`` (the desktop's ``scheme`` for "system") to
        the application and the plots' colours to every time view."""
        self.theme = theme.apply_to_application(choice, scheme)
        theme.style_time_views(list(self.time_views), self.markers, self.theme)
        theme.style_spectrum_panel(self.spectrum_panel, self.theme)

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
        if not self._closed:
            self._closed = True
            self.settings.set_window(self.saveGeometry(), self.saveState())
            self.settings.set_splitter_state(self.splitter.saveState())
            self.settings.set_params(self.document.params)
            self.settings.set_view(self.document.view)
            self.settings.sync()
            QGuiApplication.styleHints().colorSchemeChanged.disconnect(
                self._on_style_hints_color_scheme_changed)
            self.playback.close_player()
            self.runner.shutdown()
            self.document.close()
        super().closeEvent(event)

