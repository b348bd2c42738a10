"""The feeder thread's work: read ahead from the source into the ring.

It follows the controller's current :class:`~sonolens.audio.playback.controls.Request`:
from its target frame, inside [lo, hi), wrapping from hi to lo when looping (a short loop
is read once and cached). When a new request (a new generation) arrives it marks where
that generation's samples start in the ring (``gen_start``) and at which source frame
(``gen_target``), then publishes ``gen``; the callback skips the stale samples before it.
"""

from __future__ import annotations

import numpy as np

from sonolens.audio.playback.controls import Controls, Request
from sonolens.audio.playback.ring import SampleRing
from sonolens.audio.protocol import Playable


class Feeder:
    """Fills ``ring`` from ``source`` in reads of at most ``chunk`` frames."""

    def __init__(self, source: Playable, ring: SampleRing, controls: Controls,
                 chunk: int) -> None:
        self._source = source
        self._ring = ring
        self._controls = controls
        self._chunk = chunk
        # published to the callback (gen last)
        self.gen = 0  # the generation whose samples the ring now receives
        self.gen_start = 0  # ring counter where that generation's samples start
        self.gen_target = 0  # source frame of its first sample
        self.eof_at = -1  # ring counter where the data ends (-1: not reached)
        self.end_at = -1  # ring counter of the region's end inside the file (-1: none)
        # feeder only
        self._next = 0
        self._loop_cache: tuple[tuple[int, int], np.ndarray] | None = None

    def fill(self) -> bool:
        """Top up the ring for the current request; True once it is full or at the end."""
        controls, ring = self._controls, self._ring
        req = controls.request
        if req.gen != self.gen:
            self.eof_at = -1
            self._next = req.target
            self.gen_target = req.target
            self.gen_start = ring.write
            # known before any sample is written: the callback fades out the frames before it
            inside = not req.loop and req.hi < self._source.frames
            self.end_at = self.gen_start + req.hi - req.target if inside else -1
            if controls.starting:  # no callback runs yet: the feeder may discard stale data
                ring.read = ring.write
            self.gen = req.gen
        while self.eof_at < 0 and controls.request is req and not controls.closed:
            write = ring.write
            free = ring.free(write)
            if free <= 0:
                return True
            nxt = self._next
            if nxt >= req.hi:
                if req.loop and req.hi > req.lo:
                    nxt = self._next = req.lo
                else:
                    self.eof_at = write
                    break
            data = self._read(req, nxt, nxt + min(free, req.hi - nxt, self._chunk))
            got = len(data)
            if got == 0:  # the data ends before the region does
                if req.loop and nxt > req.lo:
                    self._next = req.hi
                    continue
                self.eof_at = write
                break
            ring.put(write, data, nxt)
            self._next = nxt + got
        return controls.request is req

    def _read(self, req: Request, start: int, stop: int) -> np.ndarray:
        if req.loop and req.hi - req.lo <= self._ring.capacity:
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
