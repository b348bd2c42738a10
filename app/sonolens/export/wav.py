"""Export audio (a selection) as WAV: 32-bit float or 16-bit PCM, written atomically."""

from __future__ import annotations

import errno
import os

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


def write_wav(path: str | os.PathLike[str], samples: np.ndarray, sr: int, *,
              subtype: str = "FLOAT") -> None:
    """Write float32 ``samples`` (n, channels) (or mono (n,)) at ``sr`` Hz as a WAV file.

    ``subtype``: ``"FLOAT"`` (32-bit float, bit-exact) or ``"PCM_16"`` (see :func:`to_pcm16`).
    Files over 4 GB are written as RF64. Raises :class:`ParameterError` for bad arguments and
    :class:`~sonolens.core.errors.OutputError` if writing fails, leaving an existing file
    untouched.
    """
    import soundfile as sf

    if subtype not in SUBTYPES:
        raise ParameterError(f"subtype={subtype!r} is not one of {', '.join(SUBTYPES)}")
    if sr <= 0:
        raise ParameterError(f"sr={sr} must be a positive sample rate (Hz)")
    data = np.asarray(samples)
    if data.ndim == 1:
        data = data[:, np.newaxis]
    if data.ndim != 2 or data.shape[1] < 1:
        raise ParameterError(f"samples must have shape (n, channels), got {data.shape}")
    n, channels = data.shape
    width = 4 if subtype == "FLOAT" else 2
    container = "WAV" if n * channels * width <= _WAV_LIMIT else "RF64"
    with atomic_write(path, "wb") as handle:
        try:
            # libsndfile writes through the temp file's descriptor and reports its errors
            with sf.SoundFile(handle.fileno(), "w", samplerate=int(sr), channels=channels,
                              subtype=subtype, format=container, closefd=False) as out:
                for first in range(0, n, _CHUNK):
                    chunk = data[first : first + _CHUNK]
                    if subtype == "PCM_16":
                        out.write(to_pcm16(chunk))
                    else:
                        out.write(np.ascontiguousarray(chunk, dtype=np.float32))
        except (RuntimeError, sf.SoundFileError) as exc:
            raise OSError(errno.EIO, str(exc)) from exc
