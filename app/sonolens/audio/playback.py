"""Play an :class:`AudioSource` through PortAudio (sounddevice) with a sample-exact playhead.

Three threads (DESIGN §5–§6):

- the caller (the GUI thread) calls the control methods and polls ``position``/``state``;
- a feeder thread reads ahead from the source into a float32 ring buffer, handling the
  region, loop wrap-around and seeks;
- PortAudio's audio thread runs the callback, which only copies from the ring (mixing or
  picking channels), multiplies by the volume and advances integer counters.

The ring is single-producer (feeder) / single-consumer (callback): each side writes only its
own counters, so the callback never takes a lock, logs, or allocates arrays. A seek bumps a
generation number; the callback outputs silence until the feeder has marked where the new
generation's samples start, then skips the stale ones.

``sounddevice`` is imported lazily: without libportaudio2 its import raises OSError, which
becomes :class:`PlaybackUnavailable` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, Protocol

import numpy as np

from sonolens.core.errors import ParameterError, SonolensError

State = Literal["stopped", "playing", "paused"]

_log = logging.getLogger(__name__)


class PlaybackUnavailable(SonolensError):
    """Playback cannot work on this machine; the message says why, in one line."""


class Playable(Protocol):
    """What :class:`Player` needs from a source (an :class:`AudioSource` has it)."""

    @property
    def frames(self) -> int: ...

    @property
    def samplerate(self) -> int: ...

    @property
    def channels(self) -> int: ...

    def read(self, start: int, stop: int) -> np.ndarray: ...


@dataclass(frozen=True)
class OutputDevice:
    """One PortAudio output device, as a chooser lists it."""

    index: int
    name: str
    samplerate: float
    max_channels: int
    is_default: bool


def load_sounddevice() -> ModuleType:
    """Import sounddevice, or raise :class:`PlaybackUnavailable` saying what is missing."""
    try:
        import sounddevice
    except OSError:
        raise PlaybackUnavailable("PortAudio (libportaudio2) is not installed") from None
    except ImportError:
        raise PlaybackUnavailable("the sounddevice package is not installed") from None
    return sounddevice


def output_devices() -> list[OutputDevice]:
    """Every device that can play sound; raises :class:`PlaybackUnavailable` if there is none."""
    sd = load_sounddevice()
    try:
        devices = list(sd.query_devices())
    except sd.PortAudioError:
        raise PlaybackUnavailable("no audio output device") from None
    default = _default_output_index(sd)
    found = []
    for number, device in enumerate(devices):
        channels = int(device.get("max_output_channels", 0))
        if channels <= 0:
            continue
        index = int(device.get("index", number))
        found.append(OutputDevice(index, str(device.get("name", f"device {index}")),
                                  float(device.get("default_samplerate", 0.0)), channels,
                                  index == default))
    if not found:
        raise PlaybackUnavailable("no audio output device")
    return found


def _default_output_index(sd: ModuleType) -> int:
    try:
        return int(sd.query_devices(kind="output")["index"])
    except (sd.PortAudioError, ValueError, KeyError, TypeError):
        return -1


@dataclass(frozen=True)
class _Request:
    """What the feeder should put in the ring: from ``target``, inside [lo, hi)."""

    gen: int
    target: int
    lo: int
    hi: int
    loop: bool


class Player:
    """Plays a source at its own rate (float32) with play/pause/seek/region/loop/volume.

    ``position`` is the file frame just after the last sample the callback handed to
    PortAudio; the listener hears it ``latency`` seconds later (a UI may subtract
    ``latency * samplerate`` for display). Device failures never raise into the caller:
    playback stops, ``state`` becomes "stopped" and ``error`` holds a one-line message.
    ``finished`` (if set) is called from the feeder thread, never the audio thread, when
    playback stops by itself: at the end of the file/region (not looping) or on a device
    failure (then ``error`` is set). A GUI must hop to its own thread, or poll ``state``.
    """

    def __init__(self, source: Playable, *, device: int | str | None = None,
                 blocksize: int = 1024, readahead: float = 0.75,
                 finished: Callable[[], None] | None = None) -> None:
        if blocksize <= 0:
            raise ParameterError(f"blocksize must be positive, got {blocksize}")
        if source.channels <= 0 or source.samplerate <= 0:
            raise ParameterError("source must have channels > 0 and samplerate > 0")
        self._sd = load_sounddevice()
        self._source = source
        self._device = device
        self._blocksize = int(blocksize)
        self._out_channels = min(source.channels, 2, _device_channels(self._sd, device))
        self.finished = finished
        capacity = max(int(source.samplerate * readahead), 4 * self._blocksize)
        self._capacity = capacity
        self._ring = np.zeros((capacity, source.channels), dtype=np.float32)
        self._ring_pos = np.zeros(capacity, dtype=np.int64)
        self._scratch = np.zeros(capacity, dtype=np.float32)
        self._chunk = max(4 * self._blocksize, 4096)
        self._poll = min(0.01, max(0.001, self._blocksize / source.samplerate / 4))
        # controller side (guarded by _lock)
        self._lock = threading.RLock()
        self._stream: Any = None
        self._state: State = "stopped"
        self._error: str | None = None
        self._starting = False
        self._closed = False
        self._region: tuple[int, int] | None = None
        self._loop = False
        self._target = 0
        self._gen = 0
        self._request = _Request(0, 0, 0, source.frames, False)
        # read by the callback, set by the controller
        self._paused = False
        self._volume = np.float32(1.0)
        self._channel: int | None = None
        # feeder side
        self._write = 0
        self._ring_gen = 0
        self._gen_start = 0
        self._gen_target = 0
        self._eof_at = -1
        self._next = 0
        self._loop_cache: tuple[tuple[int, int], np.ndarray] | None = None
        # callback side
        self._read = 0
        self._cb_gen = 0
        self._position = 0
        self._done = False
        self._played = 0
        self._underflows = 0
        self._xruns = 0
        self._wake = threading.Event()
        self._feeder = threading.Thread(target=self._run, name="sonolens-playback", daemon=True)
        self._feeder.start()

    # -- facts -------------------------------------------------------------------------
    @property
    def position(self) -> int:
        """Frame of the file after the last sample handed to PortAudio (see ``latency``)."""
        if self._cb_gen != self._gen:
            return self._target
        return self._position

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
        return self._played

    @property
    def underflows(self) -> int:
        """Callbacks that found the ring short (silence was played instead)."""
        return self._underflows

    @property
    def xruns(self) -> int:
        """Callbacks where PortAudio reported a status flag (e.g. output underflow)."""
        return self._xruns

    @property
    def volume(self) -> float:
        return float(self._volume)

    @property
    def channel(self) -> int | None:
        return self._channel

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
            if self._closed:
                return
            if self._state != "stopped":
                if start_frame is not None:
                    self._request_at(self._clamp(start_frame))
                self._paused = False
                self._state = "playing"
            else:
                self._open_and_request(self.position if start_frame is None else start_frame)
        self._wake.set()

    def pause(self) -> None:
        """Hold the playhead; the stream keeps running and plays silence."""
        with self._lock:
            if self._state == "playing":
                self._paused = True
                self._state = "paused"

    def resume(self) -> None:
        """Continue after :meth:`pause` (plays from ``position`` when stopped)."""
        with self._lock:
            if self._state == "paused":
                self._paused = False
                self._state = "playing"
                return
        if self._state == "stopped":
            self.play()

    def stop(self) -> None:
        """Stop at once and return to the start of the region (or of the file)."""
        with self._lock:
            self._starting = False
            stream, self._stream = self._stream, None
            self._paused = False
            self._state = "stopped"
            self._request_at(self._bounds()[0])
            if stream is not None:  # under the lock: no old callback may outlive a new play()
                _close_stream(stream, drain=False)

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
        self._channel = channel

    def set_volume(self, volume: float) -> None:
        """Gain in [0, 1] (clamped), multiplied into the output at the next callback."""
        volume = float(volume)
        if volume != volume:
            raise ParameterError("volume must be a number in [0, 1], got NaN")
        self._volume = np.float32(min(max(volume, 0.0), 1.0))

    def close(self) -> None:
        """Stop, release the device and end the feeder thread (idempotent)."""
        self.stop()
        with self._lock:
            self._closed = True
        self._wake.set()
        if threading.current_thread() is not self._feeder:
            self._feeder.join(timeout=5)

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
        gen = self._gen + 1
        self._target = frame
        self._request = _Request(gen, frame, lo, hi, self._loop)
        self._gen = gen

    def _open_and_request(self, start: int) -> None:
        lo, hi = self._bounds()
        start = self._clamp(start)
        if start >= hi:
            start = lo
        self._error = None
        self._paused = False
        self._played = self._underflows = self._xruns = 0
        try:
            self._stream = self._sd.OutputStream(
                samplerate=self._source.samplerate, blocksize=self._blocksize,
                device=self._device, channels=self._out_channels, dtype="float32",
                callback=self._callback)
        except (self._sd.PortAudioError, ValueError) as exc:
            self._error = f"cannot open the audio output: {_reason(exc)}"
            self._request_at(start)
            return
        self._starting = True  # before the request: the feeder may then reset the ring
        self._request_at(start)
        self._state = "playing"

    # -- feeder thread -----------------------------------------------------------------
    def _run(self) -> None:
        while True:
            self._wake.wait(None if self._state == "stopped" else self._poll)  # idle: sleep
            self._wake.clear()
            if self._closed:
                return
            if self._state == "stopped":
                continue
            try:
                ready = self._fill()
            except Exception as exc:  # a source failing mid-playback (AudioError, a bug)
                self._fail(f"playback stopped: {_reason(exc)}")
                continue
            if ready and self._starting:
                self._start_stream()
            self._check_stream()

    def _fill(self) -> bool:
        """Top up the ring for the current request; True once it is full or at the end."""
        req = self._request
        if req.gen != self._ring_gen:
            self._eof_at = -1
            self._next = req.target
            self._gen_target = req.target
            self._gen_start = self._write
            if self._starting:  # no callback runs yet: the feeder may discard stale data
                self._read = self._write
            self._ring_gen = req.gen
        cap = self._capacity
        while self._eof_at < 0 and self._request is req and not self._closed:
            write = self._write
            free = cap - (write - self._read)
            if free <= 0:
                return True
            nxt = self._next
            if nxt >= req.hi:
                if req.loop and req.hi > req.lo:
                    nxt = self._next = req.lo
                else:
                    self._eof_at = write
                    break
            data = self._read_source(req, nxt, nxt + min(free, req.hi - nxt, self._chunk))
            got = len(data)
            if got == 0:  # the data ends before the region does
                if req.loop and nxt > req.lo:
                    self._next = req.hi
                    continue
                self._eof_at = write
                break
            first = write % cap
            head = min(got, cap - first)
            self._ring[first:first + head] = data[:head]
            self._ring_pos[first:first + head] = np.arange(nxt, nxt + head)
            if head < got:
                self._ring[:got - head] = data[head:]
                self._ring_pos[:got - head] = np.arange(nxt + head, nxt + got)
            self._next = nxt + got
            self._write = write + got  # publish after the samples are in place
        return self._request is req

    def _read_source(self, req: _Request, start: int, stop: int) -> np.ndarray:
        if req.loop and req.hi - req.lo <= self._capacity:
            key = (req.lo, req.hi)
            if self._loop_cache is None or self._loop_cache[0] != key:
                self._loop_cache = (key, self._checked(self._source.read(req.lo, req.hi)))
            return self._loop_cache[1][start - req.lo:stop - req.lo]
        return self._checked(self._source.read(start, stop))

    def _checked(self, data: np.ndarray) -> np.ndarray:
        data = np.asarray(data, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        if data.shape[1] != self._source.channels:
            raise ValueError(f"source returned {data.shape[1]} channels, "
                             f"expected {self._source.channels}")
        return data

    def _start_stream(self) -> None:
        with self._lock:
            if not self._starting or self._stream is None or self._ring_gen != self._gen:
                return
            self._starting = False
            try:
                self._stream.start()
            except self._sd.PortAudioError as exc:
                failed = f"cannot start the audio output: {_reason(exc)}"
            else:
                return
        self._fail(failed)

    def _check_stream(self) -> None:
        with self._lock:
            stream = self._stream
            if stream is None or self._starting:
                return
            if self._done and self._cb_gen == self._gen:
                self._stream = None
                _close_stream(stream, drain=True)  # the tail is heard before we say "stopped"
                self._state = "stopped"
                self._paused = False
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
            self._starting = False
            self._paused = False
            self._error = message
            self._state = "stopped"
            self._request_at(self.position)
            if stream is not None:
                _close_stream(stream, drain=False)
        self._notify()

    def _notify(self) -> None:
        hook = self.finished
        if hook is None:
            return
        try:
            hook()
        except Exception:
            _log.exception("playback 'finished' hook failed")

    # -- audio thread: copy, count, nothing else ---------------------------------------
    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        if status:
            self._xruns += 1
        ring_gen = self._ring_gen
        if ring_gen != self._cb_gen:  # a new generation: skip the stale samples
            self._read = self._gen_start
            self._position = self._gen_target
            self._cb_gen = ring_gen
            self._done = False
        if self._paused or self._done or ring_gen != self._gen:
            outdata.fill(0)
            return
        read = self._read
        n = min(frames, self._write - read)
        if n > 0:
            cap = self._capacity
            first = read % cap
            head = min(n, cap - first)
            self._copy(outdata[:head], first, head)
            if head < n:
                self._copy(outdata[head:n], 0, n - head)
            volume = self._volume
            if volume != 1.0:
                np.multiply(outdata[:n], volume, out=outdata[:n])
            self._read = read + n
            self._played += n
            self._position = int(self._ring_pos[(read + n - 1) % cap]) + 1
        if n < frames:
            outdata[n:].fill(0)
            if self._eof_at == read + n:
                self._done = True
            else:
                self._underflows += 1

    def _copy(self, out: np.ndarray, first: int, count: int) -> None:
        source = self._ring[first:first + count]
        channel = self._channel
        if channel is not None:
            out[:] = source[:, channel:channel + 1]
        elif source.shape[1] == out.shape[1]:
            out[:] = source
        else:
            mix = self._scratch[:count]
            np.mean(source, axis=1, out=mix)
            out[:] = mix[:, None]


def _device_channels(sd: ModuleType, device: int | str | None) -> int:
    try:
        info = sd.query_devices(device, kind="output")
    except sd.PortAudioError:
        raise PlaybackUnavailable("no audio output device") from None
    except ValueError:
        raise PlaybackUnavailable(f"audio output device not found: {device}") from None
    channels = int(info.get("max_output_channels", 0))
    if channels <= 0:
        raise PlaybackUnavailable(f"not an audio output device: {info.get('name', device)}")
    return channels


def _close_stream(stream: Any, *, drain: bool) -> None:
    with contextlib.suppress(Exception):  # a dead device: closing is all we can still do
        if drain:
            stream.stop()
        else:
            stream.abort()
    with contextlib.suppress(Exception):
        stream.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(".")


class MonoMix:
    """A Playable view of ``source`` as one channel: the mean of its channels (as librosa)."""

    def __init__(self, source: Playable) -> None:
        self._source = source

    @property
    def frames(self) -> int:
        return self._source.frames

    @property
    def samplerate(self) -> int:
        return self._source.samplerate

    @property
    def channels(self) -> int:
        return 1

    def read(self, start: int, stop: int) -> np.ndarray:
        block = self._source.read(start, stop)
        return block.mean(axis=1, keepdims=True, dtype=np.float32)
