"""Builders of good and damaged audio files for the hostile-input tests (no Qt).

Each damaged file is made from a good one written here, so a test can compare what
Sonolens recovers with the good file's samples.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 22050


def rich(seconds: float = 3.0, sr: int = SR, channels: int = 2, seed: int = 7) -> np.ndarray:
    """(n, channels) float32 in [-0.8, 0.8]: harmonics with vibrato, a tremolo, some noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * sr)) / sr
    f0 = 220 * (1 + 0.01 * np.sin(2 * np.pi * 5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = sum(np.sin(k * phase) / k for k in range(1, 7)) * 0.3 * (1 + 0.3 * np.sin(2 * np.pi * t))
    cols = [np.roll(y, 37 * c) * (1 - 0.2 * c) + 0.02 * rng.standard_normal(len(t))
            for c in range(channels)]
    return np.clip(np.stack(cols, axis=1), -0.8, 0.8).astype(np.float32)


def write(path: Path, data: np.ndarray, sr: int = SR, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), data, sr, **kwargs)
    return path


def decoded(path: Path) -> np.ndarray:
    """All samples as float32 (n, channels), read as librosa.load reads them: one read, no
    seek (``sf.read`` seeks to 0 first, after which mpg123 rounds MP3 samples differently)."""
    with sf.SoundFile(str(path)) as handle:
        return handle.read(dtype="float32", always_2d=True)


def data_chunk(raw: bytes) -> tuple[int, int]:
    """(offset of the data chunk's size field, offset of the first sample) of a WAV."""
    at = raw.index(b"data", 12)
    return at + 4, at + 8


def with_sizes(raw: bytes, *, riff: int, data: int) -> bytes:
    """The WAV ``raw`` with its RIFF and data size fields overwritten."""
    out = bytearray(raw)
    size_field, _ = data_chunk(raw)
    out[4:8] = struct.pack("<I", riff)
    out[size_field : size_field + 4] = struct.pack("<I", data)
    return bytes(out)


def flac_total_samples(raw: bytes, total: int) -> bytes:
    """A FLAC whose STREAMINFO claims ``total`` samples (36-bit field)."""
    assert raw[:4] == b"fLaC" and raw[4] & 0x7F == 0, "STREAMINFO must come first"
    out = bytearray(raw)
    packed = int.from_bytes(out[18:26], "big")
    packed = (packed & ~((1 << 36) - 1)) | (total & ((1 << 36) - 1))
    out[18:26] = packed.to_bytes(8, "big")
    return bytes(out)


def flac_block_size(raw: bytes) -> int:
    """STREAMINFO's maximum block size (frames per FLAC frame)."""
    return int.from_bytes(raw[10:12], "big")


def xing_frame_count(raw: bytes) -> tuple[int, int]:
    """(offset, value) of the Xing/Info header's frame count in an MP3."""
    for tag in (b"Xing", b"Info"):
        at = raw.find(tag, 0, 4096)
        if at >= 0:
            flags = int.from_bytes(raw[at + 4 : at + 8], "big")
            assert flags & 1, "the Xing header must carry a frame count"
            return at + 8, int.from_bytes(raw[at + 8 : at + 12], "big")
    raise AssertionError("no Xing/Info header")
