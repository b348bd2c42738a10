"""Play a source through PortAudio (sounddevice) with a sample-exact playhead.

Three threads (DESIGN §5–§6):

- the caller (the GUI thread) calls the control methods of :class:`Player` and polls
  ``position``/``state``; what it decides is published in
  :class:`~sonolens.audio.playback.controls.Controls`;
- a feeder thread (:class:`~sonolens.audio.playback.feeder.Feeder`) reads ahead from the
  source into the float32 ring (:mod:`~sonolens.audio.playback.ring`), handling the region,
  loop wrap-around and seeks; the same thread starts the stream and notices its end;
- PortAudio's audio thread runs the callback (:class:`.stream.Output`), which only copies
  from the ring (mixing or picking channels), multiplies by the volume and advances
  integer counters.

A seek bumps a generation number; the callback outputs silence until the feeder has marked
where the new generation's samples start, then skips the stale ones. Stop, pause and a
region's end fade out (10 ms) in the callback, resume and starts fade in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from sonolens.audio.playback.controls import Controls, Request
from sonolens.audio.playback.devices import device_channels, load_sounddevice
from sonolens.audio.playback.feeder import Feeder
from sonolens.audio.playback.mix import Gains
from sonolens.audio.playback.ring import SampleRing
from sonolens.audio.playback.stream import Output, close_stream, flushed, reason
from sonolens.audio.playback.tap import OutputTap
from sonolens.audio.playback.transforms import FADE_S, fade_ramp
from sonolens.audio.protocol import Playable
from sonolens.core.errors import ParameterError

State = Literal["stopped", "playing", "paused"]

_log = logging.getLogger(__name__)


class Player:
    """Plays a source at its own rate (float32) with play/pause/seek/region/loop/volume.

    Outputs ``min(source channels, max_outputs, the device's)`` channels (see
    :func:`~sonolens.audio.playback.mix.copy_channels`); ``tap`` holds what was output.

    ``position`` is the file frame just after the last sample the callback handed to
    PortAudio; the listener hears it ``latency`` seconds later (a UI may subtract
    ``latency * samplerate`` for display). Device failures never raise into the caller:
    playback stops, ``state`` becomes "stopped" and ``error`` holds a one-line message.
    ``finished`` (if set) is called from the feeder thread, never the audio thread, when
    playback stops by itself: at the end of the file/region (not looping) or on a device
    failure (then ``error`` is set). A GUI must hop to its own thread, or poll ``state``.
    ``fade_start``: fade a start and an end inside the file (default: unless the source does).
    """

    def __init__(self, source: Playable, *, device: int | str | None = None,
                 blocksize: int = 1024, readahead: float = 0.75,
                 finished: Callable[[], None] | None = None, max_outputs: int = 2,
                 fade_start: bool | None = None) -> None:
        if blocksize <= 0:
            raise ParameterError(f"blocksize must be positive, got {blocksize}")
        if source.channels <= 0 or source.samplerate <= 0:
            raise ParameterError("source must have channels > 0 and samplerate > 0")
        self._sd = load_sounddevice()
        self._source = source
        self._device = device
        self._blocksize = int(blocksize)
        self._out_channels = min(source.channels, max(1, max_outputs),
                                 device_channels(self._sd, device))
        self.finished = finished
        self.fade_start = not hasattr(source, "set_fades") if fade_start is None else fade_start
        capacity = max(int(source.samplerate * readahead), 4 * self._blocksize)
        self._poll = min(0.01, max(0.001, self._blocksize / source.samplerate / 4))
        # controller side (guarded by _lock); what the other threads read is in _controls
        self._lock = threading.RLock()
        self._stream: Any = None
        self._closing: Any = None  # (a stopped stream still fading out, when to cut it)
        self._state: State = "stopped"
        self._error: str | None = None
        self._region: tuple[int, int] | None = None
        self._loop = False
        self._target = 0
        self._controls = Controls(source.frames)
        self._ring = ring = SampleRing(capacity, source.channels)
        self._feeder = Feeder(source, ring, self._controls, max(4 * self._blocksize, 4096))
        self._tap = OutputTap(max(8 * self._blocksize, int(0.8 * source.samplerate)),
                              self._out_channels)
        fade = fade_ramp(max(1, round(FADE_S * source.samplerate)))
        self._output = Output(ring, self._feeder, self._controls, self._tap, fade)
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sonolens-playback", daemon=True)
        self._thread.start()

    # -- facts -------------------------------------------------------------------------
    @property
    def position(self) -> int:
        """Frame of the file after the last sample handed to PortAudio (see ``latency``)."""
        if self._output.gen != self._controls.gen:
            return self._target
        return self._output.position

    @property
    def state(self) -> State:
        return self._state

    @property
    def error(self) -> str | None:
        """Why playback stopped on its own (device failure), or None."""
        return self._error

    @property
    def latency(self) -> float | None:
        """Output latency of the open stream in seconds (None when stopped)."""
        stream = self._stream
        return None if stream is None else float(stream.latency)

    @property
    def samplerate(self) -> int:
        return self._source.samplerate

    @property
    def output_channels(self) -> int:
        return self._out_channels

    @property
    def played_frames(self) -> int:
        """Source frames handed to PortAudio since the last :meth:`play` from stopped."""
        return self._output.played

    @property
    def underflows(self) -> int:
        """Callbacks that found the ring short (silence was played instead)."""
        return self._output.underflows

    @property
    def xruns(self) -> int:
        """Callbacks where PortAudio reported a status flag (e.g. output underflow)."""
        return self._output.xruns

    @property
    def volume(self) -> float:
        return float(self._controls.volume)

    @property
    def channel(self) -> int | None:
        return self._controls.channel

    @property
    def tap(self) -> OutputTap:
        """The newest frames handed to PortAudio (what a level meter reads)."""
        return self._tap

    @property
    def region(self) -> tuple[int, int] | None:
        return self._region

    @property
    def loop(self) -> bool:
        return self._loop

    # -- control -----------------------------------------------------------------------
    def play(self, start_frame: int | None = None) -> None:
        """Start (or resume) playing, from ``start_frame`` if given, else from ``position``."""
        with self._lock:
            if self._controls.closed:
                return
            if self._state != "stopped":
                if start_frame is not None:
                    self._request_at(self._clamp(start_frame))
                self._controls.paused = False
                self._state = "playing"
            else:
                self._close_faded(at_once=True)  # no old callback may outlive a new play()
                self._open_and_request(self.position if start_frame is None else start_frame)
        self._wake.set()

    def pause(self) -> None:
        """Hold the playhead; the stream fades out (10 ms) and keeps running silent."""
        with self._lock:
            if self._state == "playing":
                self._controls.paused = True
                self._state = "paused"

    def resume(self) -> None:
        """Continue after :meth:`pause` (plays from ``position`` when stopped)."""
        with self._lock:
            if self._state == "paused":
                self._controls.paused = False
                self._state = "playing"
                return
        if self._state == "stopped":
            self.play()

    def stop(self) -> None:
        """Stop, back to the region's (or file's) start at once; the sound fades out."""
        with self._lock:
            controls = self._controls
            fade = self._state == "playing" and not controls.starting
            controls.starting = False
            stream, self._stream = self._stream, None
            self._state = "stopped"
            if stream is not None and fade:
                controls.halt = True  # before the new generation: the callback fades the old
                self._closing = stream, time.monotonic() + 1.0  # the feeder closes it
            controls.paused = False
            self._request_at(self._bounds()[0])
            if stream is not None and not fade:  # under the lock: see play()
                close_stream(stream, drain=False)
        self._wake.set()

    def seek(self, frame: int) -> None:
        """Move the playhead (clamped to the region); playing continues from there."""
        with self._lock:
            self._request_at(self._clamp(frame))
        self._wake.set()

    def set_region(self, start: int, stop: int, loop: bool = False) -> None:
        """Play only frames [start, stop); with ``loop`` wrap from stop to start, gaplessly."""
        start, stop = int(start), int(stop)
        if start < 0 or stop <= start:
            raise ParameterError(f"region must satisfy 0 <= start < stop, got ({start}, {stop})")
        with self._lock:
            if self._region == (start, stop) and self._loop == bool(loop):
                return
            self._region, self._loop = (start, stop), bool(loop)
            position = self.position
            self._request_at(position if start <= position < stop else start)
        self._wake.set()

    def clear_region(self) -> None:
        """Play the whole file again (no loop)."""
        with self._lock:
            if self._region is None and not self._loop:
                return
            self._region, self._loop = None, False
            self._request_at(self._clamp(self.position))
        self._wake.set()

    def set_channel(self, channel: int | None) -> None:
        """None: the file's channels (mean of all when it has more than the output); else one
        channel of the file to every output. Takes effect at the next callback."""
        if channel is not None and not 0 <= channel < self._source.channels:
            raise ParameterError(
                f"channel must be None or in [0, {self._source.channels}), got {channel}")
        self._controls.channel = channel

    def set_gains(self, gains: Gains | None) -> None:
        """Mute/solo (:meth:`~sonolens.audio.playback.mix.ChannelMix.gains`; None: every
        channel sounds), applied from the next callback."""
        if gains is not None and any(len(g) != self._source.channels for g in gains):
            raise ParameterError(f"gains must have {self._source.channels} channels")
        self._controls.gains = gains

    def set_volume(self, volume: float) -> None:
        """Gain in [0, 1] (clamped), multiplied into the output at the next callback."""
        volume = float(volume)
        if volume != volume:
            raise ParameterError("volume must be a number in [0, 1], got NaN")
        self._controls.volume = np.float32(min(max(volume, 0.0), 1.0))

    def close(self) -> None:
        """Stop, release the device and end the feeder thread (idempotent)."""
        self.stop()
        with self._lock:
            self._close_faded(at_once=True)
            self._controls.closed = True
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- controller internals (caller holds _lock) -------------------------------------
    def _bounds(self) -> tuple[int, int]:
        if self._region is not None:
            return self._region
        return 0, max(int(self._source.frames), 0)

    def _clamp(self, frame: int) -> int:
        lo, hi = self._bounds()
        return min(max(int(frame), lo), hi)

    def _request_at(self, frame: int) -> None:
        lo, hi = self._bounds()
        gen = self._controls.gen + 1
        self._target = frame
        self._controls.request = Request(gen, frame, lo, hi, self._loop)
        self._controls.gen = gen

    def _open_and_request(self, start: int) -> None:
        lo, hi = self._bounds()
        start = self._clamp(start)
        if start >= hi:
            start = lo
        self._error = None
        self._controls.paused = self._controls.halt = False
        output = self._output
        output.reset(fade_in=self.fade_start and start > 0, fade_end=self.fade_start)
        try:
            self._stream = self._sd.OutputStream(
                samplerate=self._source.samplerate, blocksize=self._blocksize,
                device=self._device, channels=self._out_channels, dtype="float32",
                callback=output.callback)
        except (self._sd.PortAudioError, ValueError) as exc:
            self._error = f"cannot open the audio output: {reason(exc)}"
            self._request_at(start)
            return
        self._controls.starting = True  # before the request: the feeder may then reset the ring
        self._request_at(start)
        self._state = "playing"

    # -- feeder thread: fill the ring, start the stream, notice its end -------------
    def _run(self) -> None:
        while True:
            idle = self._state == "stopped" and self._closing is None
            self._wake.wait(None if idle else self._poll)  # idle: sleep
            self._wake.clear()
            if self._controls.closed:
                return
            self._close_faded()
            if self._state == "stopped":
                continue
            try:
                ready = self._feeder.fill()
            except Exception as exc:  # a source failing mid-playback (AudioError, a bug)
                self._fail(f"playback stopped: {reason(exc)}")
                continue
            if ready and self._controls.starting:
                self._start_stream()
            self._check_stream()

    def _close_faded(self, *, at_once: bool = False) -> None:
        """Close the stream a stop left fading out, once the fade and the device's latency
        of silence after it were handed over (or after a second; ``at_once``: now)."""
        with self._lock:
            stream, until = self._closing or (None, 0.0)
            if stream is not None and (at_once or time.monotonic() > until
                                       or flushed(stream, self._output, self.samplerate)):
                self._closing = None
                close_stream(stream, drain=False)

    def _start_stream(self) -> None:
        with self._lock:
            controls = self._controls
            if not controls.starting or self._stream is None or self._feeder.gen != controls.gen:
                return
            self._controls.starting = False
            try:
                self._stream.start()
            except self._sd.PortAudioError as exc:
                failed = f"cannot start the audio output: {reason(exc)}"
            else:
                return
        self._fail(failed)

    def _check_stream(self) -> None:
        with self._lock:
            stream = self._stream
            if stream is None or self._controls.starting:
                return
            if self._output.done and self._output.gen == self._controls.gen:
                self._stream = None
                close_stream(stream, drain=True)  # the tail is heard before we say "stopped"
                self._state, self._controls.paused = "stopped", False
            elif not stream.active:
                stream = None
            else:
                return
        if stream is None:
            self._fail("the audio device stopped during playback")
        else:
            self._notify()

    def _fail(self, message: str) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
            self._controls.starting = self._controls.paused = False
            self._error = message
            self._state = "stopped"
            self._request_at(self.position)
            if stream is not None:
                close_stream(stream, drain=False)
        self._notify()

    def _notify(self) -> None:
        try:
            if self.finished is not None:
                self.finished()
        except Exception:
            _log.exception("playback 'finished' hook failed")
