"""What the player's controller publishes to the feeder thread and the audio callback.

The controller (the caller's thread, under the player's lock) is the only writer of these
fields; the feeder and the callback only read them. Each write is one attribute
assignment (atomic under the GIL), and a new :class:`Request` replaces the old one whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sonolens.audio.playback.mix import Gains


@dataclass(frozen=True)
class Request:
    """What the feeder should put in the ring: from ``target``, inside [lo, hi)."""

    gen: int
    target: int
    lo: int
    hi: int
    loop: bool


class Controls:
    """The controller's published state (see the module doc)."""

    __slots__ = ("channel", "closed", "gains", "gen", "halt", "paused", "request",
                 "starting", "volume")

    def __init__(self, frames: int) -> None:
        self.gen = 0  # bumped by every seek: the generation the callback must play
        self.request = Request(0, 0, 0, frames, False)
        self.starting = False  # a stream is open but not started (no callback runs yet)
        self.closed = False
        self.paused = False
        self.halt = False  # stopped: fade out, then silence until the stream is closed
        self.volume = np.float32(1.0)
        self.channel: int | None = None
        self.gains: Gains | None = None  # mute/solo (mix.ChannelMix.gains); None: all sound
