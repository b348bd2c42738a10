"""Channel mixing for playback: per-channel mute/solo and the callback's channel copy
(the mono mix is made there, on one output).

What is played (the rule the window follows):

- the *Play* choice sets the output layout: the file as it is (each channel to its own
  output when the counts match, else the mean to every output), the mono mix (the mean on
  one output) or one chosen channel on every output;
- mute/solo (:class:`ChannelMix`) choose which of the file's channels take part in that
  layout: with any channel soloed only soloed channels sound, and a muted channel never
  sounds (mute wins over solo, as in most DAWs). A silenced channel plays silence on its
  own output; a mix is the mean of the channels still audible (soloing one channel of a
  mix therefore plays it at full level, as choosing that channel does); none audible:
  silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Gains = tuple[np.ndarray, np.ndarray]
"""What the callback applies: float32 (channels,) 0/1 gains and the mean's weights
(gains / number audible)."""


@dataclass(frozen=True)
class ChannelMix:
    """Mute/solo of a file's ``channels`` (0-based channel numbers in the sets)."""

    channels: int = 0
    muted: frozenset[int] = field(default_factory=frozenset)
    soloed: frozenset[int] = field(default_factory=frozenset)

    def audible(self) -> tuple[bool, ...]:
        """Per channel: does it sound (soloed, or no solo at all; and not muted)."""
        return tuple((not self.soloed or k in self.soloed) and k not in self.muted
                     for k in range(self.channels))

    def toggled(self, kind: str, channel: int) -> ChannelMix:
        """A copy with ``channel`` flipped in ``kind`` ("mute" or "solo")."""
        if not 0 <= channel < self.channels or kind not in ("mute", "solo"):
            raise ValueError(f"cannot {kind} channel {channel} of {self.channels}")
        which = self.muted if kind == "mute" else self.soloed
        flipped = which ^ {channel}
        if kind == "mute":
            return ChannelMix(self.channels, frozenset(flipped), self.soloed)
        return ChannelMix(self.channels, self.muted, frozenset(flipped))

    def for_channels(self, channels: int) -> ChannelMix:
        """This mix if it is for ``channels`` channels, else nothing muted (a saved mix of a
        file whose channel count has changed since)."""
        return self if self.channels == channels else ChannelMix(channels)

    def gains(self) -> Gains | None:
        """The callback's gains, or None when every channel sounds (the plain copy)."""
        audible = np.asarray(self.audible(), dtype=np.float32)
        if audible.all():
            return None
        weights = audible / np.float32(max(int(audible.sum()), 1))
        return audible, weights.astype(np.float32)


def copy_channels(out: np.ndarray, samples: np.ndarray, channel: int | None,
                  scratch: np.ndarray, gains: Gains | None = None) -> None:
    """Write float32 ``samples`` (n, channels) into ``out`` (n, out_channels) in place.

    ``channel`` given: that channel to every output; else the samples themselves when the
    channel counts match, or their mean to every output (computed in ``scratch``, float32
    of at least n). ``gains`` (see :meth:`ChannelMix.gains`) silences channels: a silenced
    channel is zero on its own output and left out of a mean. Allocates no array: safe in
    the audio callback.
    """
    if gains is None:
        if channel is not None:
            out[:] = samples[:, channel:channel + 1]
        elif samples.shape[1] == out.shape[1]:
            out[:] = samples
        else:
            mix = scratch[:len(samples)]
            np.mean(samples, axis=1, out=mix)
            out[:] = mix[:, None]
        return
    gain, weights = gains
    if channel is not None:
        np.multiply(samples[:, channel:channel + 1], gain[channel], out=out)
    elif samples.shape[1] == out.shape[1]:
        np.multiply(samples, gain, out=out)
    else:
        mix = scratch[:len(samples)]
        np.dot(samples, weights, out=mix)
        out[:] = mix[:, None]
