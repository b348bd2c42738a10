"""Opening and playing sound: soundfile first, PyAV for what libsndfile cannot read,
random access by frame, excerpts, folder listing, and playback through PortAudio
(sounddevice, imported lazily).

The rest of the app reads audio through the protocols of :mod:`sonolens.audio.protocol`
(:class:`AudioSource`, :class:`AudioFile`, :class:`Playable`); :func:`open_source` opens a
file as one.
"""

from sonolens.audio.info import AudioInfo
from sonolens.audio.protocol import AudioFile, AudioSource, Playable, SpanReadable
from sonolens.audio.source import open_source

__all__ = ["AudioFile", "AudioInfo", "AudioSource", "Playable", "SpanReadable", "open_source"]
