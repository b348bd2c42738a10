"""Decoding: soundfile first, PyAV for what libsndfile cannot read; random access by frame."""

from sonolens.audio.info import AudioInfo
from sonolens.audio.source import AudioSource, open_source

__all__ = ["AudioInfo", "AudioSource", "open_source"]
