"""Play/pause/stop/loop from the window, the playhead on every view, follow mode.

Wraps :class:`sonolens.audio.playback.Player` (its callback only copies and counts); a
30 Hz timer on the GUI thread polls ``player.position`` to move the playhead. Without
PortAudio or an output device the playback actions are disabled and the status bar says
why; everything else keeps working.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from sonolens.core.errors import SonolensError
from sonolens.core.view_settings import WAVEFORM_MIX
from sonolens.model.document import Document
from sonolens.ui.playback_shape import PlayShape

POLL_MS = 33  # ~30 playhead updates per second
FOLLOW_MODES = ("page", "scroll", "off")


class PlaybackController(QObject):
    """Owns the Player of the current source; emits ``unavailable(reason)`` once if none."""

    unavailable = Signal(str)
    state_changed = Signal(str)  # "stopped" | "playing" | "paused"
    failed = Signal(str)
    position_changed = Signal(float)  # seconds

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.player = None
        self.reason: str | None = None
        self.device: int | str | None = None
        self.volume = 1.0
        self.channel: int | None = None  # None = as the file is (or its mix on 2 outputs)
        self.loop = False
        self.follow = "page"
        self.shape = PlayShape()  # speed and band (slowed / band-limited playback)
        self._shape_key: tuple = self.shape.key()
        self.playable = None  # what the player plays: the source, its mix, or a Transformed
        self._state = "stopped"
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        document.audio_changed.connect(self._on_document_audio_changed)
        document.channel_mix_changed.connect(self._on_document_channel_mix_changed)

    # -- availability --------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self.reason is None

    def check(self) -> bool:
        """Probe PortAudio and the output devices; False (and a reason) if unusable."""
        from sonolens.audio.playback import PlaybackUnavailable, output_devices

        try:
            output_devices()
        except PlaybackUnavailable as exc:
            self._set_unavailable(str(exc))
            return False
        self.reason = None
        return True

    def devices(self) -> list:
        from sonolens.audio.playback import PlaybackUnavailable, output_devices

        try:
            return output_devices()
        except PlaybackUnavailable:
            return []

    def _set_unavailable(self, reason: str) -> None:
        self.reason = f"Playback unavailable: {reason}"
        self.unavailable.emit(self.reason)

    # -- player lifecycle ----------------------------------------------------------------
    def _on_document_audio_changed(self) -> None:
        self.close_player()

    def _on_document_channel_mix_changed(self) -> None:
        if self.player is not None:  # heard from the next audio block on
            self.player.set_gains(self.document.channel_mix.gains())

    def _ensure_player(self):
        if self.player is not None:
            return self.player
        if self.document.source is None or not self.available:
            return None
        from sonolens.audio.playback import PlaybackUnavailable, Player

        source = self.document.source
        mono = self.channel == WAVEFORM_MIX  # the mix (mean of what sounds) on one output
        try:
            self.playable, self._shape_key = self.shape.wrap(source), self.shape.key()
            self.player = Player(self.playable, device=self.device,
                                 max_outputs=1 if mono else 2)
        except PlaybackUnavailable as exc:
            self._set_unavailable(str(exc))
            return None
        except SonolensError as exc:
            self.failed.emit(str(exc))
            return None
        self.player.set_volume(self.volume)
        self.player.set_gains(self.document.channel_mix.gains())
        self.player.set_channel(None if self.channel == WAVEFORM_MIX else self.channel)
        return self.player

    def close_player(self) -> None:
        self._timer.stop()
        if self.player is not None:
            self.player.close()
            self.player = None
        self._set_state("stopped")
        self.position_changed.emit(-1.0)

    def set_device(self, device: int | str | None) -> None:
        self.close_player()
        self.device = device

    # -- transport -----------------------------------------------------------------------
    def play_pause(self) -> None:
        """Space: pause if playing, resume if paused, else play from cursor/selection."""
        player = self.player
        if player is not None and player.state == "playing":
            player.pause()
        elif player is not None and player.state == "paused":
            player.resume()
        else:
            self.play()
            return
        self._set_state(player.state)

    def play(self, start: float | None = None) -> None:
        """Play the selection (looping if Loop is on), or from the cursor to the end; a
        selected box's span and band instead when it has one; slowed k times if set.
        ``start`` (s of the file): begin there instead (inside the span played)."""
        doc, k = self.document, self.shape.slowdown
        if doc.source is None:
            return
        frames = self.shape.span(doc)
        region = frames is not None and frames[1] > frames[0]
        cursor = round(doc.cursor * doc.source.samplerate)
        self.shape.played = frames if region else (cursor, max(doc.source.frames, cursor + 1))
        if self.player is not None and self._shape_key != self.shape.key():
            self.close_player()  # another speed, band or stretched span: another Playable
        player = self._ensure_player()
        if player is None:
            return
        if region:
            lo, hi = frames[0] * k, frames[1] * k  # type: ignore[index]
            player.set_region(lo, hi, loop=self.loop)
            begin = lo
        else:
            begin = cursor * k
            lo, hi = begin, self.playable.frames
            if self.shape.transformed and hi > lo:
                player.set_region(lo, hi)
            else:
                player.clear_region()
        if self.shape.transformed:
            self.playable.set_fades(lo, hi)  # type: ignore[union-attr]
        if start is not None:  # file seconds -> frames of what is played
            first = round(start * doc.source.samplerate) * k
            begin = min(max(first, lo), max(lo, hi - 1)) if region else first
        player.play(begin)
        self._timer.start()
        self._set_state("playing")

    def set_slowdown(self, slowdown: int) -> None:
        """Play at speed 1/``slowdown`` from now on (playing: carries on from here)."""
        self._reshape(slowdown=int(slowdown))

    def set_keep_pitch(self, keep: bool) -> None:
        """Slowed playback keeps the pitch (phase vocoder, for speech) or drops it."""
        self._reshape(keep_pitch=bool(keep))

    def set_band_stop(self, stop: bool) -> None:
        """With a box selected: play everything except its band (True) or only it."""
        self._reshape(band_stop=bool(stop))

    def set_box(self, box) -> None:
        """The selected annotation (Space plays its span in its band if it has one)."""
        self.shape.box = box  # applies at the next play

    def _reshape(self, **change) -> None:
        """Change the shape; playing or paused, carry on from the same file time."""
        state = "stopped" if self.player is None else self.player.state
        seconds = self.position_seconds
        for name, value in change.items():
            setattr(self.shape, name, value)
        if state == "stopped" or self._shape_key == self.shape.key():
            return
        self.play()
        player, k = self.player, self.shape.slowdown
        if player is None or self.document.source is None:
            return
        if state == "paused":
            player.pause()
        self._seek_faded(round(seconds * self.document.source.samplerate) * k)
        self._poll()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()
            self._poll()
        self._timer.stop()
        self._set_state("stopped")

    def jump_to(self, seconds: float) -> None:
        """Continue playing (or paused) from ``seconds`` (kept inside a played region)."""
        player, source = self.player, self.document.source
        if player is not None and source is not None and player.state != "stopped":
            self._seek_faded(round(seconds * source.samplerate) * self._shape_key[0])
            self._poll()

    def _seek_faded(self, frame: int) -> None:
        """Seek the player to output ``frame``; a shaped view fades in there (set before the
        feeder can read it) as well as at the region's ends."""
        player, playable = self.player, self.playable
        lo, hi = player.region or (0, playable.frames)  # type: ignore[union-attr]
        frame = min(max(frame, lo), hi)
        if self.shape.transformed and hasattr(playable, "set_fades"):
            playable.set_fades(lo, hi, resume=frame)  # type: ignore[union-attr]
        player.seek(frame)  # type: ignore[union-attr]

    def set_loop(self, loop: bool) -> None:
        self.loop = loop
        frames, k = self.shape.span(self.document), self.shape.slowdown
        if self.player is not None and frames is not None and self.player.state == "playing":
            self.player.set_region(frames[0] * k, frames[1] * k, loop=loop)

    def set_volume(self, volume: float) -> None:
        self.volume = min(max(0.0, volume), 1.0)
        if self.player is not None:
            self.player.set_volume(self.volume)

    def set_channel(self, channel: int | None) -> None:
        """None: as the file is; WAVEFORM_MIX (-1): the mono mix; k: channel k to all outputs."""
        mix_changed = (channel == WAVEFORM_MIX) != (self.channel == WAVEFORM_MIX)
        self.channel = channel
        if self.player is None:
            return
        if mix_changed:  # a different Playable: reopen, carrying on where it was
            playing = self.player.state == "playing"
            position = self.player.position
            self.close_player()
            if playing and self._ensure_player() is not None:
                self.player.play(position)
                self._timer.start()
                self._set_state("playing")
        else:
            self.player.set_channel(channel)

    # -- polling -------------------------------------------------------------------------
    @property
    def position_seconds(self) -> float:
        if self.player is None or self.document.source is None:
            return 0.0
        return self.player.position / (float(self.document.source.samplerate)
                                       * self._shape_key[0])

    def _poll(self) -> None:
        player = self.player
        if player is None:
            self._timer.stop()
            return
        self.position_changed.emit(self.position_seconds)
        if player.error:
            message = f"Playback stopped: {player.error}"
            self.close_player()
            self.failed.emit(message)
            return
        if player.state != self._state:
            self._set_state(player.state)
        if player.state == "stopped":
            self._timer.stop()

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    @property
    def state(self) -> str:
        return self._state
