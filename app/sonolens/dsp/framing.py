"""Cut a stream of mono samples into blocks of centred frames (librosa ``center=True``).

The signal is conceptually zero-padded by ``n_fft // 2`` on both sides and frame ``t``
covers padded samples ``[t * hop_length, t * hop_length + n_fft)``, exactly as
``librosa.stft(y, center=True, pad_mode="constant")`` frames it. Blocks hold whole frames,
so concatenating the blocks' results equals processing the whole signal at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

FRAMES_PER_BLOCK = 256
"""Frames per block of the analysis passes (engine and spectrogram)."""


def frame_count(n_samples: int, *, n_fft: int, hop_length: int) -> int:
    """Number of centred frames librosa produces for ``n_samples`` samples."""
    padded = n_samples + 2 * (n_fft // 2)
    return 1 + (padded - n_fft) // hop_length if padded >= n_fft else 0


@dataclass(frozen=True)
class FrameBlock:
    """``n_frames`` consecutive frames starting at frame ``start``.

    segment: float32 padded samples from padded index ``start * hop_length``.
    signal_begin / signal_end: padded indices where real (unpadded) samples begin / end;
    ``signal_end`` is None while the end of the stream is not yet known to lie in reach.
    """

    start: int
    n_frames: int
    segment: np.ndarray
    n_fft: int
    hop_length: int
    signal_begin: int
    signal_end: int | None

    @property
    def offset(self) -> int:
        """Padded index of ``segment[0]``."""
        return self.start * self.hop_length

    def frames(self) -> np.ndarray:
        """Read-only strided view (n_frames, n_fft) of the frames, float32."""
        view = np.lib.stride_tricks.sliding_window_view(self.segment, self.n_fft)
        return view[:: self.hop_length][: self.n_frames]


class FrameBlocker:
    """Feed mono float32 chunks with :meth:`push`, then :meth:`finish`; both yield blocks."""

    def __init__(self, *, n_fft: int, hop_length: int, frames_per_block: int = 256) -> None:
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.frames_per_block = frames_per_block
        self._pad = n_fft // 2
        self._buffer = np.zeros(self._pad, dtype=np.float32)
        self._buffer_offset = 0  # padded index of _buffer[0]
        self._next_frame = 0
        self._n_samples = 0

    def push(self, chunk: np.ndarray) -> Iterator[FrameBlock]:
        """Append samples; yield every full block that is now complete."""
        chunk = np.asarray(chunk, dtype=np.float32)
        if chunk.ndim != 1:
            raise ValueError("FrameBlocker takes mono (1-D) chunks")
        self._n_samples += len(chunk)
        self._buffer = np.concatenate((self._buffer, chunk))
        yield from self._emit(final=False)

    def finish(self) -> Iterator[FrameBlock]:
        """Append the right padding; yield the remaining frames."""
        self._buffer = np.concatenate((self._buffer, np.zeros(self._pad, dtype=np.float32)))
        yield from self._emit(final=True)

    def _emit(self, *, final: bool) -> Iterator[FrameBlock]:
        hop, n_fft = self.hop_length, self.n_fft
        end = self._buffer_offset + len(self._buffer)  # padded index after the last sample
        available = (end - n_fft) // hop + 1 if end >= n_fft else 0  # frames fully inside
        signal_end = self._pad + self._n_samples if final else None
        while available - self._next_frame >= (1 if final else self.frames_per_block):
            count = min(self.frames_per_block, available - self._next_frame)
            first = self._next_frame * hop - self._buffer_offset
            stop = first + (count - 1) * hop + n_fft
            yield FrameBlock(
                start=self._next_frame,
                n_frames=count,
                segment=self._buffer[first:stop],
                n_fft=n_fft,
                hop_length=hop,
                signal_begin=self._pad,
                signal_end=signal_end,
            )
            self._next_frame += count
        keep_from = self._next_frame * hop - self._buffer_offset
        if keep_from > 0:
            self._buffer = self._buffer[keep_from:].copy()
            self._buffer_offset += keep_from


def frame_blocks(chunks: Iterable[np.ndarray], *, n_fft: int, hop_length: int,
                 frames_per_block: int = FRAMES_PER_BLOCK) -> Iterator[FrameBlock]:
    """Blocks of centred frames of a stream of mono float32 ``chunks``, to its end."""
    blocker = FrameBlocker(n_fft=n_fft, hop_length=hop_length, frames_per_block=frames_per_block)
    for chunk in chunks:
        yield from blocker.push(chunk)
    yield from blocker.finish()
