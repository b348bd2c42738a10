"""Output devices: loading PortAudio (sounddevice) lazily and listing what can play.

``sounddevice`` raises OSError at import when libportaudio2 is missing; that becomes
:class:`PlaybackUnavailable` with a one-line reason, and everything else keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from sonolens.core.errors import SonolensError


class PlaybackUnavailable(SonolensError):
    """Playback cannot work on this machine; the message says why, in one line."""


@dataclass(frozen=True)
class OutputDevice:
    """One PortAudio output device, as a chooser lists it."""

    index: int
    name: str
    samplerate: float
    max_channels: int
    is_default: bool


def load_sounddevice() -> ModuleType:
    """Import sounddevice, or raise :class:`PlaybackUnavailable` saying what is missing."""
    try:
        import sounddevice
    except OSError:
        raise PlaybackUnavailable("PortAudio (libportaudio2) is not installed") from None
    except ImportError:
        raise PlaybackUnavailable("the sounddevice package is not installed") from None
    return sounddevice


def output_devices() -> list[OutputDevice]:
    """Every device that can play sound; raises :class:`PlaybackUnavailable` if there is none."""
    sd = load_sounddevice()
    try:
        devices = list(sd.query_devices())
    except sd.PortAudioError:
        raise PlaybackUnavailable("no audio output device") from None
    default = _default_output_index(sd)
    found = []
    for number, device in enumerate(devices):
        channels = int(device.get("max_output_channels", 0))
        if channels <= 0:
            continue
        index = int(device.get("index", number))
        found.append(OutputDevice(index, str(device.get("name", f"device {index}")),
                                  float(device.get("default_samplerate", 0.0)), channels,
                                  index == default))
    if not found:
        raise PlaybackUnavailable("no audio output device")
    return found


def device_channels(sd: ModuleType, device: int | str | None) -> int:
    """Output channels of ``device`` (None: the default output); raises
    :class:`PlaybackUnavailable` when there is no such output device."""
    try:
        info = sd.query_devices(device, kind="output")
    except sd.PortAudioError:
        raise PlaybackUnavailable("no audio output device") from None
    except ValueError:
        raise PlaybackUnavailable(f"audio output device not found: {device}") from None
    channels = int(info.get("max_output_channels", 0))
    if channels <= 0:
        raise PlaybackUnavailable(f"not an audio output device: {info.get('name', device)}")
    return channels


def _default_output_index(sd: ModuleType) -> int:
    try:
        return int(sd.query_devices(kind="output")["index"])
    except (sd.PortAudioError, ValueError, KeyError, TypeError):
        return -1
