"""Channel mixing for playback: a mono view of a source, and the callback's channel copy."""

from __future__ import annotations

import numpy as np

from sonolens.audio.protocol import Playable


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


def copy_channels(out: np.ndarray, samples: np.ndarray, channel: int | None,
                  scratch: np.ndarray) -> None:
    """Write float32 ``samples`` (n, channels) into ``out`` (n, out_channels) in place.

    ``channel`` given: that channel to every output; else the samples themselves when the
    channel counts match, or their mean to every output (computed in ``scratch``, float32
    of at least n). Allocates no array: safe in the audio callback.
    """
    if channel is not None:
        out[:] = samples[:, channel:channel + 1]
    elif samples.shape[1] == out.shape[1]:
        out[:] = samples
    else:
        mix = scratch[:len(samples)]
        np.mean(samples, axis=1, out=mix)
        out[:] = mix[:, None]
