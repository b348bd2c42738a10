"""The level meter and the per-channel mute/solo buttons beside the transport.

``MeterStrip(window)`` adds both to the window's Transport toolbar and drives them:

- the meter: a 30 Hz timer on the GUI thread (running while something plays, and until the
  bars have fallen after a stop) copies the frames the audio callback handed to PortAudio
  since the last tick out of the player's tap (:mod:`sonolens.audio.playback.tap`) and
  feeds them to a :class:`~sonolens.audio.playback.levels.LevelMeter`; the callback itself
  only copies (DESIGN §6);
- mute/solo: an "M"/"S" toggle per channel of a multichannel file (hidden for mono);
  the state lives in the document (``Document.channel_mix``, reset with each file) and
  reaches the player through the playback controller. What sounds is explained in
  :mod:`sonolens.audio.playback.mix`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QGridLayout, QToolButton, QWidget

from sonolens.audio.playback.levels import LevelMeter
from sonolens.ui.level_meter import FLOOR_DB, LevelMeterWidget

METER_MS = 33
BUTTON_STYLE = ("QToolButton { padding: 0px; font-size: 9px; }"
                "QToolButton:checked#mute { background: #e53935; color: white; }"
                "QToolButton:checked#solo { background: #fdd835; color: black; }")


class ChannelButtons(QWidget):
    """Per channel a column: "M<k>" (mute) over "S<k>" (solo), k from 1."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channel_buttons")
        self.setStyleSheet(BUTTON_STYLE)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(4, 0, 4, 0)
        self._layout.setSpacing(1)
        self.mute: list[QToolButton] = []
        self.solo: list[QToolButton] = []

    def rebuild(self, channels: int) -> None:
        """Buttons for ``channels`` channels (none below two)."""
        for button in self.mute + self.solo:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.mute, self.solo = [], []
        if channels >= 2:
            for k in range(channels):
                self.mute.append(self._button("mute", f"M{k + 1}", f"Mute channel {k + 1}"))
                self.solo.append(self._button("solo", f"S{k + 1}", f"Solo channel {k + 1}"))
                self._layout.addWidget(self.mute[-1], 0, k)
                self._layout.addWidget(self.solo[-1], 1, k)

    def _button(self, kind: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(kind)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setFixedSize(26, 14)
        return button

    def show_state(self, muted: frozenset[int], soloed: frozenset[int]) -> None:
        for buttons, on in ((self.mute, muted), (self.solo, soloed)):
            for k, button in enumerate(buttons):
                button.blockSignals(True)
                button.setChecked(k in on)
                button.blockSignals(False)


class MeterStrip(QObject):
    """Adds the meter and the mute/solo buttons to ``window.transport`` and drives them."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.document = window.document
        self.playback = window.playback
        self.widget = LevelMeterWidget()
        self.buttons = ChannelButtons()
        bar = window.transport
        bar.addSeparator()
        bar.addWidget(self.widget)
        self.buttons_action = bar.addWidget(self.buttons)  # a toolbar shows/hides actions
        self.meter: LevelMeter | None = None
        self._tap: object = None
        self._since = 0
        self._buffer = np.zeros((0, 1), dtype=np.float32)
        self._last = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(METER_MS)
        self.timer.timeout.connect(self.tick)
        self.widget.reset_requested.connect(self._on_widget_reset_requested)
        self.playback.state_changed.connect(self._on_playback_state_changed)
        self.document.audio_changed.connect(self._on_document_audio_changed)
        self.document.channel_mix_changed.connect(self._on_document_channel_mix_changed)
        self._on_document_audio_changed()

    # -- mute/solo -------------------------------------------------------------------------
    def toggle(self, kind: str, channel: int) -> None:
        """Flip mute or solo ("mute"/"solo") of ``channel`` (0-based) in the document."""
        mix = self.document.channel_mix
        self.document.set_channel_mix(mix.toggled(kind, channel))

    def _on_document_audio_changed(self) -> None:
        source = self.document.source
        channels = source.channels if source is not None else 0
        self.buttons.rebuild(channels)
        self.buttons_action.setVisible(channels >= 2)
        for kind, buttons in (("mute", self.buttons.mute), ("solo", self.buttons.solo)):
            for k, button in enumerate(buttons):
                button.toggled.connect(lambda _on, kind=kind, k=k: self.toggle(kind, k))
        self.timer.stop()
        self.meter, self._tap = None, None
        self.widget.set_channels(min(max(channels, 1), 2))
        self._on_document_channel_mix_changed()  # a restored tab's or session's mute/solo

    def _on_document_channel_mix_changed(self) -> None:
        mix = self.document.channel_mix
        self.buttons.show_state(mix.muted, mix.soloed)

    # -- the meter ---------------------------------------------------------------------------
    def _on_playback_state_changed(self, state: str) -> None:
        if state != "stopped" and not self.timer.isActive():
            self._last = time.monotonic()
            self.timer.start()

    def _on_widget_reset_requested(self) -> None:
        if self.meter is not None:
            self.meter.reset_clip()
            self.meter.reset_hold()
            self.widget.show_reading(self.meter.reading())

    def tick(self) -> None:
        """Read what was output since the last tick and show the new levels."""
        now = time.monotonic()
        seconds, self._last = now - self._last, now
        player = self.playback.player
        if player is not None and player.state != "stopped":
            tap = player.tap
            if tap is not self._tap:  # a new player: a new meter (its channels may differ)
                self._tap, self._since = tap, 0
                self.meter = LevelMeter(tap.channels, player.samplerate)
                self._buffer = np.zeros((tap.capacity // 2, tap.channels), dtype=np.float32)
                self.widget.set_channels(tap.channels)
            n, self._since = tap.newest(self._since, self._buffer)
            reading = self.meter.feed(self._buffer[:n], seconds)
        elif self.meter is not None:  # nothing plays: the bars fall back
            reading = self.meter.feed_silence(seconds)
            if np.all(reading.hold <= FLOOR_DB):
                self.timer.stop()
        else:
            self.timer.stop()
            return
        self.widget.show_reading(reading)

