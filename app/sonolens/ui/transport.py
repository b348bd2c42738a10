"""Playback in the window: the Transport toolbar (play, stop, loop, volume, what is
played), the playhead and how the view follows it, the output-device menu and playback's
state in the actions and the status bar. Playing itself is ``PlaybackController``'s."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QMenu, QSlider, QToolBar

from sonolens.model.document import Document
from sonolens.ui.actions import Actions
from sonolens.ui.playback_controller import PlaybackController
from sonolens.ui.settings_panel import ALL_CHANNELS_LABEL, fill_channels
from sonolens.ui.views.markers import TimeMarkers

FOLLOW_MODES = ("page", "scroll", "off")


class Transport(QObject):
    """Adds the toolbar to ``window``; shows the playhead on ``markers`` and keeps it in
    view on ``plot`` (every time view is x-linked to it) as the follow mode says."""

    def __init__(self, window: QMainWindow, actions: Actions, playback: PlaybackController,
                 document: Document, markers: TimeMarkers, plot: pg.PlotItem,
                 status_label: QLabel) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions
        self.playback = playback
        self.document = document
        self.markers = markers
        self.plot = plot
        self.status_label = status_label
        self.bar = self._build_bar()
        self._connect()
        self.fill_play_channels(0)

    def _build_bar(self) -> QToolBar:
        a = self.actions
        bar = QToolBar("Transport", self.window)
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
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        group = QActionGroup(self.window)
        for act in (a.follow_page, a.follow_scroll, a.follow_off):
            group.addAction(act)
        a.follow_page.setChecked(True)
        return bar

    def _connect(self) -> None:
        a, playback = self.actions, self.playback
        a.play_pause.triggered.connect(playback.play_pause)
        a.stop.triggered.connect(playback.stop)
        a.loop.toggled.connect(playback.set_loop)
        for act, mode in zip((a.follow_page, a.follow_scroll, a.follow_off), FOLLOW_MODES,
                             strict=True):
            act.triggered.connect(lambda _=False, m=mode: self.set_follow(m))
        self.volume.valueChanged.connect(lambda v: playback.set_volume(v / 100.0))
        self.play_channel.currentIndexChanged.connect(
            lambda _i: playback.set_channel(self.play_channel.currentData()))
        playback.position_changed.connect(self.on_position_changed)
        playback.unavailable.connect(self._on_playback_unavailable)
        playback.failed.connect(self._on_playback_failed)
        playback.state_changed.connect(self._on_playback_state_changed)

    def fill_play_channels(self, channels: int) -> None:
        """The Play choices for a file of ``channels`` (the file as is, its mix, each)."""
        combo = self.play_channel
        combo.blockSignals(True)
        fill_channels(combo, ALL_CHANNELS_LABEL, channels, None, mix=True,
                      name="Channel {}")
        combo.blockSignals(False)
        self.playback.set_channel(None)

    def check(self) -> None:
        """Probe the audio output once; disable playback with a reason if unusable."""
        self.playback.check()
        self.update_actions()

    def update_actions(self) -> None:
        """Play/Stop/Loop enabled only with a usable output and an open file."""
        usable = self.playback.available and self.document.source is not None
        for act in (self.actions.play_pause, self.actions.stop, self.actions.loop):
            act.setEnabled(usable)
        if not self.playback.available:
            for act in (self.actions.play_pause, self.actions.stop):
                act.setToolTip(self.playback.reason or "")

    def set_follow(self, mode: str) -> None:
        """"page", "scroll" or "off": how the view keeps the playhead visible."""
        self.playback.follow = mode

    def on_position_changed(self, seconds: float) -> None:
        """Draw the playhead at ``seconds`` (negative: none) and follow it: "page" turns to
        the next page when it leaves the view, "scroll" keeps it in the middle."""
        if seconds < 0:
            self.markers.show_playhead(None)
            return
        self.markers.show_playhead(seconds)
        (t0, t1), _ = self.plot.getViewBox().viewRange()
        width = t1 - t0
        if self.playback.follow == "page" and not t0 <= seconds <= t1:
            self.plot.setXRange(seconds, seconds + width, padding=0)
        elif self.playback.follow == "scroll" and abs(seconds - (t0 + width / 2)) > width * 0.01:
            self.plot.setXRange(seconds - width / 2, seconds + width / 2, padding=0)

    def _on_playback_unavailable(self, reason: str) -> None:
        self.update_actions()
        self.status_label.setText(reason)  # permanent; a temporary message would hide
        # the file's facts in the status bar

    def _on_playback_failed(self, message: str) -> None:
        self.status_label.setText(message)
        self.window.statusBar().showMessage(message, 10000)
        self.markers.show_playhead(None)

    def _on_playback_state_changed(self, state: str) -> None:
        self.actions.play_pause.setText("&Pause" if state == "playing" else "&Play")

    def fill_device_menu(self, menu: QMenu) -> None:
        """Audio > Output Device: the devices, the chosen one checked."""
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
