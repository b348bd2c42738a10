"""The output stream: PortAudio's callback (copy, count, nothing else) and stream helpers.

The callback runs on PortAudio's audio thread. It only copies from the ring (picking,
mixing or muting channels), multiplies by the volume, copies what it output to the tap
(:mod:`.tap`, for the level meter) and advances integer counters: no lock, no logging, no
Qt, no array allocated.
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
    except that the controller zeroes the counts before a stream starts)."""

    def __init__(self, ring: SampleRing, feeder: Feeder, controls: Controls,
                 tap: OutputTap | None = None) -> None:
        self._ring = ring
        self._tap = tap  # receives every block handed to PortAudio (a level meter reads it)
        self._feeder = feeder
        self._controls = controls
        self.gen = 0  # the generation the callback has switched to
        self.position = 0  # source frame after the last sample handed to PortAudio
        self.done = False  # the data of this generation has been played to its end
        self.played = 0
        self.underflows = 0
        self.xruns = 0

    def callback(self, outdata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        """sounddevice's callback: fill ``outdata`` (frames, out_channels) float32, then copy
        it to the tap."""
        self._fill(outdata, frames, status)
        if self._tap is not None:
            self._tap.put(outdata)

    def _fill(self, outdata: np.ndarray, frames: int, status: Any) -> None:
        if status:
            self.xruns += 1
        feeder = self._feeder
        ring_gen = feeder.gen
        if ring_gen != self.gen:  # a new generation: skip the stale samples
            self._ring.read = feeder.gen_start
            self.position = feeder.gen_target
            self.gen = ring_gen
            self.done = False
        controls = self._controls
        if controls.paused or self.done or ring_gen != controls.gen:
            outdata.fill(0)
            return
        ring = self._ring
        read = ring.read
        n = min(frames, ring.write - read)
        if n > 0:
            ring.copy_out(outdata, read, n, controls.channel, controls.gains)
            volume = controls.volume
            if volume != 1.0:
                np.multiply(outdata[:n], volume, out=outdata[:n])
            if controls.paused:  # paused while copying: hand over silence, keep the place
                outdata.fill(0)
                return
            ring.read = read + n
            self.played += n
            self.position = ring.frame_after(read + n)
        if n < frames:
            outdata[n:].fill(0)
            if feeder.eof_at == read + n:
                self.done = True
            else:
                self.underflows += 1


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


def reason(exc: BaseException) -> str:
    """The first line of an error's message, for a one-line status."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(".")
