"""FFmpeg through PyAV: M4A/AAC, ALAC, WMA, and the audio track of video files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from sonolens.audio.info import AudioInfo
from sonolens.audio.soundfile_decoder import DecodeStopped


class NoAudioStream(Exception):
    """The container opened but holds no audio stream."""


def probe(path: Path) -> AudioInfo:
    """Container and stream facts; raises ``av.error.FFmpegError`` or :class:`NoAudioStream`."""
    import av

    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise NoAudioStream(str(path))
        stream = container.streams.audio[0]
        rate = int(stream.rate or stream.codec_context.sample_rate or 0)
        channels = int(stream.codec_context.channels or 0)
        frames = 0
        if stream.duration is not None and stream.time_base is not None:
            frames = round(float(stream.duration * stream.time_base) * rate)
        elif container.duration is not None:
            frames = round(container.duration / 1_000_000 * rate)
        fmt = container.format.name.split(",")[0].upper()
        if fmt == "MOV":
            fmt = "M4A/MP4"
        return AudioInfo(
            path=path,
            samplerate=rate,
            channels=channels,
            frames=frames,
            format=fmt,
            subtype=stream.codec_context.name,
            frames_exact=False,
        )


def iter_blocks(path: Path, *, start: int = 0, blocksize: int = 65536) -> Iterator[np.ndarray]:
    """Yield float32 (n, channels) blocks of the first audio stream, from frame ``start``."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        channels = stream.codec_context.channels
        resampler = av.AudioResampler(format="flt", layout=stream.layout, rate=stream.rate)
        pending: list[np.ndarray] = []
        pending_frames = 0
        position = 0  # frames decoded so far
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    data = out.to_ndarray().reshape(-1, channels)
                    skip = min(max(start - position, 0), len(data))
                    position += len(data)
                    if skip < len(data):
                        pending.append(data[skip:])
                        pending_frames += len(data) - skip
                if pending_frames >= blocksize:
                    yield np.concatenate(pending)
                    pending, pending_frames = [], 0
        except av.error.FFmpegError as exc:
            if pending:
                yield np.concatenate(pending)
            raise DecodeStopped(position, str(exc)) from exc
        if pending:
            yield np.concatenate(pending)
