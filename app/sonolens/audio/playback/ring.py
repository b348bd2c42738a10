"""The playback ring: a lock-free single-producer / single-consumer buffer of frames.

The feeder thread writes samples (and the source frame each slot holds) and then advances
``write``; the audio callback copies samples out and then advances ``read``. Each side
writes only its own counter, so neither takes a lock and the callback allocates nothing.
Counters only grow; a counter's slot is ``counter % capacity``.
"""

from __future__ import annotations

import numpy as np

from sonolens.audio.playback.mix import Gains, copy_channels


class SampleRing:
    """float32 (capacity, channels) samples, each slot tagged with its source frame."""

    def __init__(self, capacity: int, channels: int) -> None:
        self.capacity = capacity
        self.samples = np.zeros((capacity, channels), dtype=np.float32)
        self.tags = np.zeros(capacity, dtype=np.int64)  # source frame held by each slot
        self.scratch = np.zeros(capacity, dtype=np.float32)  # the callback's mono mix
        self.write = 0  # written by the feeder only
        self.read = 0  # written by the callback only (or the feeder before any callback)

    def free(self, write: int) -> int:
        """Slots the feeder may fill after its counter ``write``."""
        return self.capacity - (write - self.read)

    def put(self, write: int, data: np.ndarray, first_frame: int) -> None:
        """Feeder: store ``data`` (n, channels), source frames from ``first_frame``, from
        counter ``write`` (n <= :meth:`free`), then publish ``write + n``."""
        cap = self.capacity
        got = len(data)
        first = write % cap
        head = min(got, cap - first)
        self.samples[first:first + head] = data[:head]
        self.tags[first:first + head] = np.arange(first_frame, first_frame + head)
        if head < got:
            self.samples[:got - head] = data[head:]
            self.tags[:got - head] = np.arange(first_frame + head, first_frame + got)
        self.write = write + got  # publish after the samples are in place

    def copy_out(self, out: np.ndarray, read: int, n: int, channel: int | None,
                 gains: Gains | None = None) -> None:
        """Callback: slots from counter ``read`` into ``out[:n]`` (channels picked, mixed or
        silenced by :func:`copy_channels`); does not advance ``read``. Allocates no array."""
        cap = self.capacity
        first = read % cap
        head = min(n, cap - first)
        copy_channels(out[:head], self.samples[first:first + head], channel, self.scratch,
                      gains)
        if head < n:
            copy_channels(out[head:n], self.samples[:n - head], channel, self.scratch, gains)

    def frame_after(self, counter: int) -> int:
        """The source frame just after the one in the slot before ``counter``."""
        return int(self.tags[(counter - 1) % self.capacity]) + 1
