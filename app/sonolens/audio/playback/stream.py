"""The output stream: PortAudio's callback (copy, count, nothing else) and stream helpers.

The callback runs on PortAudio's audio thread. It only copies from the ring (picking,
mixing or muting channels), multiplies by the volume (and a fade's ramp on stop, pause,
resume and start), copies what it output to the tap (:mod:`.tap`, for the level meter)
and advances integer counters: no lock, no logging, no Qt, no array allocated.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from sonolens.audio.playback.controls import Controls
from sonolens.audio.playback.feeder import Feeder
from sonolens.audio.playback.ring import SampleRing
from sonolens.audio.playback.tap import OutputTap


class Output:
    """The callback's side: what it played and where (written by the callback only,
    except that the controller resets it before a stream starts, no callback running).

    Fades (``fade``: the rising raised-cosine ramp of
    :func:`~sonolens.audio.playback.transforms.fade_ramp`, 10 ms): when ``paused`` or
    ``halt`` is published while something sounds, the callback plays the next frames
    under the falling ramp, then silence (``quiet`` counts the silent frames since); the
    place is kept (``read``/``position`` do not move), so a resume plays those frames
    again under the rising ramp. ``rise`` set to 0 before a stream starts fades its start
    in; with ``fade_end``, the frames before the feeder's ``end_at`` (a region's end inside
    the file) fade out. Seeks, loop wraps and underflows are not
    faded (a shaped source fades its own).
    """

    def __init__(self, ring: SampleRing, feeder: Feeder, controls: Controls,
                 tap: OutputTap | None = None, fade: np.ndarray | None = None) -> None:
        self._ring = ring
        self._tap = tap  # receives every block handed to PortAudio (a level meter reads it)
        self._feeder = feeder
        self._controls = controls
        ramp = np.ones(1, dtype=np.float32) if fade is None else fade
        self._rising = np.ascontiguousarray(ramp, dtype=np.float32)
        self._falling = np.ascontiguousarray(self._rising[::-1])
        self.fade_length = len(ramp)
        self.gen = 0  # the generation the callback has switched to
        self.position = 0  # source frame after the last sample handed to PortAudio
        self.done = False  # the data of this generation has been played to its end
        self.played = 0
        self.underflows = 0
        self.xruns = 0
        self.rise = self.fade_length  # frames of the fade-in done (fade_length: none due)
        self.fall = self.fade_length  # where on the falling ramp a fade-out is (due from)
        self.faded = 0  # frames of this fade-out handed over (after ``read``: place kept)
        self.quiet = 0  # silent frames output since a fade-out ended
        self.fade_end = True  # a region's end inside the file fades out (reset sets it)

    def reset(self, *, fade_in: bool, fade_end: bool = True) -> None:
        """Before a stream starts (no callback runs): counts zeroed, nothing sounding;
        ``fade_end``: a region's end inside the file fades out."""
        self.fade_end = fade_end
        self.played = self.underflows = self.xruns = self.quiet = self.faded = 0
        self.fall = self.fade_length
        self.rise = 0 if fade_in else self.fade_length

    @property
    def silent(self) -> bool:
        """A fade-out (if one was due) is over: the callback outputs silence."""
        return self.fall >= self.fade_length

    def callback(self, outdata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        """sounddevice's callback: fill ``outdata`` (frames, out_channels) float32, then copy
        it to the tap."""
        self._fill(outdata, frames, status)
        if self._tap is not None:
            self._tap.put(outdata)

    def _fill(self, outdata: np.ndarray, frames: int, status: Any) -> None:
        if status:
            self.xruns += 1
        feeder, ring, controls = self._feeder, self._ring, self._controls
        write = ring.write  # before the generation: a new one's samples come after it
        ring_gen = feeder.gen
        halt = controls.halt  # read once: a stop landing between two reads would cut
        if (controls.paused or halt) and self.fall < self.fade_length:
            self._fade_out(outdata, frames, write if ring_gen == self.gen
                           else feeder.gen_start)
            return
        if halt:  # stopped: silence until the stream is closed
            outdata.fill(0)
            self.quiet += frames
            return
        if self.faded:  # resumed during a fade-out: on from the faded frames, rising
            if ring_gen == self.gen:
                self._advance(ring.read, min(self.faded, write - ring.read))
            self.rise, self.faded = self.fade_length - self.fall, 0
        if ring_gen != self.gen:  # a new generation: skip the stale samples
            self._ring.read = feeder.gen_start
            self.position = feeder.gen_target
            self.gen = ring_gen
            self.done = False
        if controls.paused or self.done or ring_gen != controls.gen:
            if (controls.paused or controls.halt) and self.fall < self.fade_length:
                self._fade_out(outdata, frames, ring.write)  # came in mid-callback
                return
            outdata.fill(0)
            if controls.paused:
                self.rise = 0  # a resume fades in
            self.fall = self.fade_length
            return
        read = ring.read
        n = min(frames, ring.write - read)
        if n > 0:
            ring.copy_out(outdata, read, n, controls.channel, controls.gains)
            volume = controls.volume
            if volume != 1.0:
                np.multiply(outdata[:n], volume, out=outdata[:n])
            if controls.paused or controls.halt:  # while copying: fade out, keep the place
                self.fall, self.faded = self._fall_from(), 0
                self._fade_out(outdata, n, read + n, copied=True)
                return
            rise = self.rise
            if rise < self.fade_length:
                m = min(n, self.fade_length - rise)
                _scale(outdata[:m], self._rising[rise:rise + m])
                self.rise = rise + m
            end = feeder.end_at
            if end >= 0 and self.fade_end:  # near a region's end inside the file: fade out
                self._fade_end(outdata, read, n, end)
            self._advance(read, n)
            self.fall, self.quiet = self._fall_from(), 0
        if n < frames:
            outdata[n:].fill(0)
            self.fall = self.fade_length  # the sound broke off here: nothing to fade
            if feeder.eof_at == read + n:
                self.done = True
            else:
                self.underflows += 1

    def _advance(self, read: int, n: int) -> None:
        if n > 0:
            self._ring.read = read + n
            self.played += n
            self.position = self._ring.frame_after(read + n)

    def _fade_end(self, outdata: np.ndarray, read: int, n: int, end: int) -> None:
        """The frames of ``outdata[:n]`` (ring counters from ``read``) among the last
        fade_length before ``end`` under the falling ramp."""
        start = end - self.fade_length
        lo, hi = max(read, start), min(read + n, end)
        if hi > lo:
            _scale(outdata[lo - read:hi - read], self._falling[lo - start:hi - start])

    def _fall_from(self) -> int:
        """Where a fade-out would start on the falling ramp: at the gain reached (during a
        fade-in, its gain; else full)."""
        return self.fade_length - self.rise if self.rise < self.fade_length else 0

    def _fade_out(self, outdata: np.ndarray, frames: int, end: int, *,
                  copied: bool = False) -> None:
        """The frames after the place and those already faded (up to ring counter ``end``)
        under the falling ramp, then silence; ``copied``: they are in ``outdata`` already."""
        controls, ring, at = self._controls, self._ring, self.fall
        first = ring.read + self.faded
        k = max(min(frames, self.fade_length - at, end - first), 0)
        if k > 0:
            if not copied:
                ring.copy_out(outdata, first, k, controls.channel, controls.gains)
                volume = controls.volume
                if volume != 1.0:
                    np.multiply(outdata[:k], volume, out=outdata[:k])
            _scale(outdata[:k], self._falling[at:at + k])
            end = self._feeder.end_at
            if self.fade_end and end >= 0 and self._feeder.gen == self.gen:
                self._fade_end(outdata, first, k, end)  # in a region's end fade: both ramps
            self.fall, self.faded = at + k, self.faded + k
        if k < len(outdata):
            outdata[k:].fill(0)
            self.fall = self.fade_length  # over (or the data ran out)
            self.quiet += len(outdata) - k
        if self.fall >= self.fade_length:
            self.faded = 0
            if controls.paused:
                self.rise = 0  # a resume fades in (the faded frames again)


def _scale(block: np.ndarray, ramp: np.ndarray) -> None:
    """``block`` (n, channels) times ``ramp`` (n,) in place, a channel at a time (a
    broadcast multiply allocates a buffer; the callback must not)."""
    for c in range(block.shape[1]):
        np.multiply(block[:, c], ramp, out=block[:, c])


def close_stream(stream: Any, *, drain: bool) -> None:
    """Stop ``stream`` (after playing what it holds when ``drain``) and close it; a dead
    device raises nothing here."""
    with contextlib.suppress(Exception):  # a dead device: closing is all we can still do
        if drain:
            stream.stop()
        else:
            stream.abort()
    with contextlib.suppress(Exception):
        stream.close()


def flushed(stream: Any, output: Output, samplerate: int) -> bool:
    """The fade-out is over and silence for the stream's latency (plus a block) followed
    it: closing now cuts nothing that is heard."""
    if not output.silent:
        return False
    try:
        latency = float(stream.latency)
    except Exception:  # a dead device
        return True
    return output.quiet >= latency * samplerate + 1024


def reason(exc: BaseException) -> str:
    """The first line of an error's message, for a one-line status."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(".")
