"""Slowed playback that keeps the pitch (for speech): a Playable of a span of the source
stretched k times by the phase vocoder (:func:`sonolens.dsp.stretch.time_stretch`).

Its frames are output frames as for
:class:`~sonolens.audio.playback.transforms.Transformed` (file frame × k), so the player,
the playhead and the export treat both alike; only the span [lo, hi) (file frames) has
sound. The phase vocoder runs through the span in order, so the span is stretched from its start,
as far as each read needs (:class:`~sonolens.dsp.stretch.StretchStream`, on the reading
thread: the feeder's or an export job's, never the GUI's); a span gives at most
``MAX_OUTPUT_S`` seconds of output (all of it is kept, for seeks and loops).
"""

from __future__ import annotations

import threading

import numpy as np

from sonolens.audio.playback.transforms import Band, SlowedPlayable, Transformed
from sonolens.audio.protocol import Playable
from sonolens.core.errors import ParameterError
from sonolens.dsp.stretch import StretchStream

MAX_OUTPUT_S = 300.0  # seconds of stretched sound a span may give (~150 MB a channel)


class Stretched(SlowedPlayable):
    """Frames [lo·k, hi·k) of the output hold ``source``'s [lo, hi) (in ``band`` if given)
    stretched k = ``slowdown`` times, the pitch kept; other frames are silent."""

    def __init__(self, source: Playable, span: tuple[int, int], *, slowdown: int,
                 band: Band | None = None) -> None:
        lo, hi = int(span[0]), int(span[1])
        if not 0 <= lo < hi:
            raise ParameterError(f"the span must satisfy 0 <= start < stop, got {span}")
        super().__init__(source, slowdown)
        seconds = (hi - lo) * slowdown / source.samplerate
        if seconds > MAX_OUTPUT_S:
            limit = MAX_OUTPUT_S / slowdown
            raise ParameterError(f"keeping the pitch plays at most {limit:g} s at 1/{slowdown} "
                                 "speed: select a shorter range")
        self._band = band
        self.span = (lo, hi)
        self._lock = threading.Lock()
        self._data: StretchStream | None = None

    def read(self, start: int, stop: int) -> np.ndarray:
        """Output frames [start, stop) as float32 (n, channels); shorter at the end."""
        start, stop = max(int(start), 0), min(int(stop), self.frames)
        out = np.zeros((max(stop - start, 0), self.channels), dtype=np.float32)
        first = self.span[0] * self.slowdown
        a, b = max(start, first), min(stop, first + (self.span[1] - self.span[0]) * self.slowdown)
        if a < b:
            with self._lock:
                data = self._stream().produce(b - first)
            out[a - start:b - start] = data[a - first:b - first]
        self.fades.apply(out, start)
        return out

    def _stream(self) -> StretchStream:
        if self._data is None:
            lo, hi = self.span
            part = Transformed(self._source, band=self._band).read(lo, hi)
            self._data = StretchStream(part.astype(np.float32), 1.0 / self.slowdown)
        return self._data
