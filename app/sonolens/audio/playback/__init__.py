"""Playback through PortAudio (sounddevice) with a sample-exact playhead.

- :mod:`.devices`: loading PortAudio lazily, listing output devices;
- :mod:`.player`: :class:`Player`, the controls and the feeder thread's loop;
- :mod:`.controls`: what the controller publishes to the other threads;
- :mod:`.feeder`: reading ahead from the source into the ring;
- :mod:`.ring`: the lock-free single-producer / single-consumer sample ring;
- :mod:`.stream`: PortAudio's callback (copy, count, nothing else) and stream helpers;
- :mod:`.mix`: mute/solo (:class:`~.mix.ChannelMix`) and the callback's
  channel copy;
- :mod:`.tap`: the last frames handed to PortAudio, for a level meter;
- :mod:`.levels`: level-meter math (peak, RMS, hold, clip in dBFS), no Qt.
"""

from sonolens.audio.playback.devices import (
    OutputDevice,
    PlaybackUnavailable,
    load_sounddevice,
    output_devices,
)
from sonolens.audio.playback.player import Player, State
from sonolens.audio.protocol import Playable

__all__ = ["OutputDevice", "Playable", "PlaybackUnavailable", "Player", "State",
           "load_sounddevice", "output_devices"]
