"""The output tap: the last frames the callback handed to PortAudio, for a level meter.

A lock-free single-writer ring like :mod:`.ring`: the audio callback copies each block it
outputs (after mixing, mute/solo and volume; silence included) and then advances
``write``; a reader on another thread copies the newest frames into its own buffer and
checks afterwards that the writer did not overwrite them meanwhile (a sequence check, as a
seqlock). The callback only copies (no allocation, no computation); the meter's math runs
on the reader's thread (:mod:`.levels`).
"""

from __future__ import annotations

import numpy as np


class OutputTap:
    """float32 (capacity, channels): the newest output frames; ``write`` counts them all.

    A callback block must be shorter than ``capacity // 4`` frames (the reader keeps that
    margin from the writer)."""

    def __init__(self, capacity: int, channels: int) -> None:
        if capacity < 64 or channels <= 0:
            raise ValueError(f"tap needs capacity >= 64 and channels > 0, got "
                             f"{capacity}, {channels}")
        self.capacity = capacity
        self.channels = channels
        self.samples = np.zeros((capacity, channels), dtype=np.float32)
        self.write = 0  # written by the callback only

    def put(self, block: np.ndarray) -> None:
        """Callback: append ``block`` (n, channels) float32; allocates no array."""
        cap, write = self.capacity, self.write
        got = len(block)
        if got >= cap:
            block = block[got - cap:]
            write += got - cap
            got = cap
        first = write % cap
        head = min(got, cap - first)
        self.samples[first:first + head] = block[:head]
        if head < got:
            self.samples[:got - head] = block[head:]
        self.write = write + got  # publish after the samples are in place

    def newest(self, since: int, out: np.ndarray) -> tuple[int, int]:
        """Reader: copy the frames written after counter ``since`` (at most ``len(out)``
        and ``capacity // 2``, the newest ones) into ``out``; returns ``(n, end)``: the
        frames are ``out[:n]`` and ``end`` is the counter to pass next time."""
        cap = self.capacity
        end = self.write
        start = max(since, end - min(len(out), cap // 2))
        if start >= end:
            return 0, end
        n = end - start
        first = start % cap
        head = min(n, cap - first)
        out[:head] = self.samples[first:first + head]
        if head < n:
            out[head:n] = self.samples[:n - head]
        # the writer may have moved on while we copied: frames it may have overwritten
        # (within a quarter ring of its counter) are dropped from the front
        lost = self.write + cap // 4 - cap - start
        if lost <= 0:
            return n, end
        lost = min(lost, n)
        out[:n - lost] = out[lost:n].copy()
        return n - lost, end
