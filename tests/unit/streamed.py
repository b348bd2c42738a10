"""Whole-array conveniences over the app's block-by-block pieces, used only by tests.

The app streams everything (blocks of frames, samples or spectra); these helpers feed a
whole array or file through the same pieces so a test can compare with librosa, numpy or
scipy in one call. They hold no logic of their own beyond the loop.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator

import numpy as np

from sonolens.audio import AudioSource
from sonolens.core.errors import ParameterError
from sonolens.core.progress import Progress
from sonolens.dsp.envelope import WaveformEnvelope
from sonolens.dsp.framing import FrameBlock, FrameBlocker
from sonolens.dsp.measure import ZC_THRESHOLD, SelectionMeasures, SelectionMeter
from sonolens.dsp.stft import stft_block
from sonolens.dsp.windows import stft_window
from sonolens.export.wav import wav_writer

_CHUNK = 65536  # samples (or rows) fed per step


def iter_frame_blocks(
    y: np.ndarray, *, n_fft: int, hop_length: int, frames_per_block: int = 256,
    chunk: int = _CHUNK,
) -> Iterator[FrameBlock]:
    """Frame blocks of a whole 1-D float32 signal, fed in chunks of ``chunk`` samples."""
    blocker = FrameBlocker(n_fft=n_fft, hop_length=hop_length, frames_per_block=frames_per_block)
    for first in range(0, len(y), chunk):
        yield from blocker.push(y[first : first + chunk])
    yield from blocker.finish()


def stft(
    y: np.ndarray, *, n_fft: int = 2048, hop_length: int = 512, win_length: int | None = None,
    window: str = "hann",
) -> np.ndarray:
    """``librosa.stft(y, center=True)`` computed block by block: complex64 (n_bins, n_frames)."""
    win = stft_window(window, win_length or n_fft, n_fft)
    y32 = np.asarray(y, dtype=np.float32)
    parts = [
        stft_block(block.frames(), win)
        for block in iter_frame_blocks(y32, n_fft=n_fft, hop_length=hop_length)
    ]
    return np.concatenate(parts).T


def compute_envelope(
    source: AudioSource, *, base: int = 64
) -> Generator[Progress, None, WaveformEnvelope]:
    """The min/max pyramid of ``source``; yields Progress(partial=envelope) per block."""
    env = WaveformEnvelope.allocate(source.samplerate, source.channels, source.frames, base)
    expected = source.frames
    for block in source.blocks():
        env.append(block)
        yield Progress(env.n_frames, max(expected, env.n_frames), "waveform", partial=env)
    env.finish()
    return env


def measure_selection(samples: np.ndarray, sr: int, *, channel: int | None = None,
                      threshold: float = ZC_THRESHOLD) -> SelectionMeasures:
    """:class:`SelectionMeter` over float32 ``samples`` (n, channels) (1-D: mono)."""
    samples = np.asarray(samples)
    if samples.ndim == 1:
        samples = samples[:, np.newaxis]
    if samples.ndim != 2:
        raise ParameterError(f"samples must have shape (n, channels), got {samples.shape}")
    meter = SelectionMeter(sr, samples.shape[1], channel=channel, threshold=threshold)
    for first in range(0, len(samples), _CHUNK):
        meter.add(samples[first : first + _CHUNK])
    return meter.result()


def write_wav(path: str | os.PathLike[str], samples: np.ndarray, sr: int, *,
              subtype: str = "FLOAT") -> None:
    """:func:`wav_writer` over float32 ``samples`` (n, channels) (1-D: mono)."""
    data = np.asarray(samples)
    if data.ndim == 1:
        data = data[:, np.newaxis]
    with wav_writer(path, sr, data.shape[1], n_frames=len(data), subtype=subtype) as write:
        for first in range(0, len(data), _CHUNK):
            write(data[first : first + _CHUNK])
