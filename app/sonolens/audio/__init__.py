"""Opening and playing sound: soundfile first, PyAV for what libsndfile cannot read,
random access by frame (``AudioSource``), excerpts, folder listing, and playback through
PortAudio (sounddevice, imported lazily).
"""

from sonolens.audio.info import AudioInfo
from sonolens.audio.source import AudioSource, open_source

__all__ = ["AudioInfo", "AudioSource", "open_source"]
