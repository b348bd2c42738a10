"""Slowed and band-limited playback in the window: the Speed selector (transport and
Audio > Speed), Audio > Keep Pitch When Slowed, Audio > Play Except the Band, File >
Export > Slowed Selection as WAV, and the selected box (an annotation with a band) handed
to the PlaybackController."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMainWindow, QMenu

from sonolens.audio.playback.transforms import SLOWDOWNS
from sonolens.core.errors import SonolensError
from sonolens.export.own_input import refuse_own_inputs
from sonolens.workers import export_jobs
from sonolens.workers.export_jobs import KEY_EXPORT_WAV


def speed_label(slowdown: int) -> str:
    return "1×" if slowdown == 1 else f"1/{slowdown}×"


def _menu(window: QMainWindow, path: tuple[str, ...]) -> QMenu | None:
    """The menu of the window's menu bar at ``path`` (titles without '&'), or None."""
    actions = window.menuBar().actions()
    menu = None
    for title in path:
        menu = next((a.menu() for a in actions
                     if a.menu() is not None and a.text().replace("&", "") == title), None)
        if menu is None:
            return None
        actions = menu.actions()
    return menu


class PlaybackSpeed(QObject):
    """The window's speed and band controls (see the module doc)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.playback = window.playback
        self.combo = QComboBox()
        self.combo.setObjectName("play_speed")
        self.combo.setToolTip("Playback speed: slowed k times (resampled, the pitch drops k "
                              "times: ultrasound becomes audible); the playhead follows")
        for k in SLOWDOWNS:
            self.combo.addItem(speed_label(k), k)
        self.band_stop = QAction("Play Except the &Band", self)
        self.band_stop.setCheckable(True)
        self.band_stop.setIconText("Except Band")
        self.band_stop.setToolTip("With a box selected (Ctrl+drag on the spectrogram), Space "
                                  "plays everything except its band instead of only it")
        self.keep_pitch = QAction("&Keep Pitch When Slowed", self)
        self.keep_pitch.setCheckable(True)
        self.keep_pitch.setIconText("Keep Pitch")
        self.keep_pitch.setToolTip("Slow down with a phase vocoder (speech stays at its pitch) "
                                   "instead of resampling (the pitch drops with the speed)")
        self.export_slowed = QAction("&Slowed Selection as WAV…", self)
        self.export_slowed.setToolTip("The selection (or the selected box's band) as heard: "
                                      "at the chosen speed, 32-bit float")
        self.speed_actions: dict[int, QAction] = {}
        self._build(window)
        self.combo.currentIndexChanged.connect(
            lambda _i: self.set_slowdown(self.combo.currentData()))
        self.band_stop.toggled.connect(self.playback.set_band_stop)
        self.keep_pitch.toggled.connect(self.playback.set_keep_pitch)
        self.export_slowed.triggered.connect(self.on_export_slowed)
        window.annotation_mouse.selection_changed.connect(self._on_annotation_selected)
        window.document.selection_changed.connect(self._on_time_selected)

    def _build(self, window) -> None:
        bar = window.transport
        bar.addWidget(QLabel("  Speed "))
        bar.addWidget(self.combo)
        bar.addAction(self.keep_pitch)
        bar.addAction(self.band_stop)
        audio = _menu(window, ("Audio",))
        if audio is not None:
            audio.addSeparator()
            speed = audio.addMenu("Spee&d")
            group = QActionGroup(self)
            for k in SLOWDOWNS:
                act = speed.addAction(speed_label(k))
                act.setCheckable(True)
                act.setChecked(k == 1)
                act.triggered.connect(lambda _=False, k=k: self.set_slowdown(k))
                group.addAction(act)
                self.speed_actions[k] = act
            audio.addAction(self.keep_pitch)
            audio.addAction(self.band_stop)
        export = _menu(window, ("File", "Export"))
        if export is not None:
            export.addAction(self.export_slowed)

    @property
    def slowdown(self) -> int:
        return self.playback.shape.slowdown

    def set_slowdown(self, slowdown: int) -> None:
        """Speed 1/``slowdown``: the selector, the menu and the playback follow."""
        slowdown = int(slowdown)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(self.combo.findData(slowdown))
        self.combo.blockSignals(False)
        if slowdown in self.speed_actions:
            self.speed_actions[slowdown].setChecked(True)
        self.playback.set_slowdown(slowdown)

    def _on_annotation_selected(self, annotation) -> None:
        has_band = annotation is not None and annotation.has_band
        self.playback.set_box(annotation if has_band else None)

    def _on_time_selected(self) -> None:
        """The newer of the two is played: a time range selected after the box wins."""
        if self.window.document.selection is not None:
            self.playback.set_box(None)
        else:
            self._on_annotation_selected(self.window.annotation_mouse.selected_annotation)

    # -- export ------------------------------------------------------------------------
    def on_export_slowed(self) -> None:
        doc = self.window.document
        if doc.source is None or self.playback.shape.span(doc) is None:
            self.window.exporter.failed.emit(
                "Nothing selected", "Select a time range (or a box) to export slowed.")
            return
        folder = Path(self.window.settings.last_folder() or doc.source.path.parent)
        k = self.slowdown
        suggestion = str(folder / f"{doc.source.path.stem}-slow{k}.wav")
        name, _ = QFileDialog.getSaveFileName(self.window, "Export slowed selection",
                                              suggestion, "WAV audio (*.wav)")
        if name:
            path = Path(name)
            self.export_slowed_to(path if path.suffix.lower() == ".wav"
                                  else path.with_name(path.name + ".wav"))

    def export_slowed_to(self, path: str | Path) -> None:
        """Write the selection (or the box's span and band) slowed as now chosen, at the
        file's rate (32-bit float WAV), on a worker; atomic, never over the open file."""
        doc, exporter = self.window.document, self.window.exporter
        shape = self.playback.shape
        span = None if doc.source is None else shape.span(doc)
        if span is None:
            exporter.failed.emit("Nothing selected",
                                 "Select a time range (or a box) to export slowed.")
            return
        target = Path(path)
        try:
            refuse_own_inputs([target], [doc.source.path])
        except SonolensError as exc:
            exporter.failed.emit("Export refused", str(exc))
            return
        try:
            view = replace(shape, played=span).wrap(doc.source)
        except SonolensError as exc:  # too long to stretch keeping the pitch
            exporter.failed.emit("Cannot export", str(exc))
            return
        k = shape.slowdown
        self.window.runner.submit(
            KEY_EXPORT_WAV,
            lambda: export_jobs.selection_wav_job(view, span[0] * k, span[1] * k, target,
                                                  "FLOAT"),
            token=target)


def connect_playback_speed(window) -> PlaybackSpeed:
    """The window's speed selector, band toggle and slowed export."""
    return PlaybackSpeed(window)
