"""Export audio (a selection) as WAV: 32-bit float or 16-bit PCM, written atomically."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator

import numpy as np

from sonolens.core.errors import ParameterError
from sonolens.export.atomic import atomic_write

SUBTYPES = ("FLOAT", "PCM_16")
_CHUNK = 65536  # frames converted and written per step
_WAV_LIMIT = 2**32 - 1024  # data bytes a RIFF header can describe; larger files use RF64


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """float (…) in [-1, 1) -> int16 (…): round(x · 32768), clipped, never wrapped.

    NaN becomes 0; x >= 32767.5/32768 gives 32767 and x <= -1 gives -32768.
    """
    scaled = np.nan_to_num(np.asarray(samples, dtype=np.float64), nan=0.0) * 32768.0
    return np.clip(np.rint(scaled), -32768, 32767).astype(np.int16)


@contextlib.contextmanager
def wav_writer(path: str | os.PathLike[str], sr: int, channels: int, *, n_frames: int,
               subtype: str = "FLOAT") -> Iterator[Callable[[np.ndarray], None]]:
    """Stream a WAV file block by block: yields ``write(block)`` for float (n, channels)
    blocks; the file appears (atomically) when the block ends without error.

    ``n_frames`` (the total to come) chooses WAV or RF64 (over 4 GB); ``subtype``:
    ``"FLOAT"`` (32-bit float, bit-exact) or ``"PCM_16"`` (see :func:`to_pcm16`). Raises
    :class:`ParameterError` for bad arguments and :class:`~sonolens.core.errors.OutputError`
    if writing fails: an existing file is left untouched, and an exception or a closed
    generator inside leaves no file behind.
    """
    import soundfile as sf

    if subtype not in SUBTYPES:
        raise ParameterError(f"subtype={subtype!r} is not one of {', '.join(SUBTYPES)}")
    if sr <= 0:
        raise ParameterError(f"sr={sr} must be a positive sample rate (Hz)")
    if channels < 1:
        raise ParameterError(f"channels={channels} must be at least 1")
    width = 4 if subtype == "FLOAT" else 2
    container = "WAV" if n_frames * channels * width <= _WAV_LIMIT else "RF64"
    with atomic_write(path, "wb") as handle:
        try:
            # libsndfile writes through the temp file's descriptor and reports its errors
            with sf.SoundFile(handle.fileno(), "w", samplerate=int(sr), channels=channels,
                              subtype=subtype, format=container, closefd=False) as out:

                def write(block: np.ndarray) -> None:
                    for first in range(0, len(block), _CHUNK):
                        chunk = block[first : first + _CHUNK]
                        if subtype == "PCM_16":
                            out.write(to_pcm16(chunk))
                        else:
                            out.write(np.ascontiguousarray(chunk, dtype=np.float32))

                yield write
        except (RuntimeError, sf.SoundFileError) as exc:
            raise OSError(errno.EIO, str(exc)) from exc
