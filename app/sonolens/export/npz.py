"""Full-resolution spectrogram export as an ``np.load``-compatible .npz, memory flat.

Keys: ``times`` (n_frames,) s, ``freqs`` (n_rows,) Hz, ``values`` float32
(n_rows, n_frames) (librosa's layout; stored Fortran-ordered, as librosa's own arrays,
so frames stream to disk one block after another), ``kind``, ``unit``, ``sr``,
``hop_length``, ``params`` (JSON of ``AnalysisParams.as_dict()``). The reassigned kind
writes its own keys instead (:mod:`~sonolens.export.reassigned_npz`).

Blocks are appended to an anonymous temp file beside the target (deleted by the OS
even if the process dies), then copied into an uncompressed zip written atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from collections.abc import Generator
from pathlib import Path
from typing import IO

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.catalog import CATALOG
from sonolens.core.errors import OutputError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.dsp.signal import check_channel
from sonolens.dsp.spectrogram import (
    SPECTROGRAM_UNITS,
    expected_frames,
    make_spectrogram_plan,
    spectrogram_blocks,
)
from sonolens.export.atomic import atomic_write
from sonolens.export.npz_members import copy_spill
from sonolens.export.reassigned_npz import export_reassigned_npz

_OWN_EXPORT = frozenset(k.name for k in CATALOG.kinds if k.image)  # export.reassigned_npz


def export_spectrogram_npz(
    source: AudioSource, params: AnalysisParams | None, kind: str,
    path: str | os.PathLike[str], *, workers: int = 2, top_db: float | None = None,
) -> Generator[Progress, None, Path]:
    """Write the ``kind`` spectrogram of ``source`` to ``path`` (.npz); returns the path.

    ``top_db`` (dB kinds only): values re the file's maximum floored at ``-top_db``, as
    drawn (librosa's ``ref=np.max, top_db=top_db``; unit "dB (re max)") instead of re 1.0
    (``sonolens render -o OUT.npz``).

    Yields Progress after each block and each copied chunk (cancel checkpoints: closing
    the generator removes every temp file and leaves an existing ``path`` untouched).
    Raises :class:`OutputError` when the file cannot be written.
    """
    params = (params or AnalysisParams()).validate()
    if kind in _OWN_EXPORT:  # a kind drawn from the audio (reassigned): its own arrays
        return (yield from export_reassigned_npz(source, params, path))
    check_channel(params.channel, source.channels)
    sr = params.sr or source.samplerate
    plan = make_spectrogram_plan(params, kind, sr)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    expected = max(1, expected_frames(source, params, sr))
    total = 2 * expected  # compute, then copy into the zip
    relative = top_db is not None and CATALOG.kind(kind).db
    try:
        spill = tempfile.TemporaryFile(prefix=f".{target.name}.", suffix=".values", dir=folder)  # noqa: SIM115
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {folder} ({exc.strerror})") from exc
    with spill, contextlib.closing(spectrogram_blocks(source, plan, workers=workers)) as blocks:
        n_frames = 0
        peak = -np.inf
        for _start, values in blocks:
            _write(spill, values, target)
            n_frames += len(values)
            peak = max(peak, float(values.max())) if len(values) else peak
            yield Progress(n_frames, max(total, 2 * n_frames), "spectrogram")
        total = 2 * n_frames
        meta = {
            "times": np.arange(n_frames) * params.hop_length / float(sr),
            "freqs": np.asarray(plan.freqs, dtype=np.float64),
            "kind": np.array(kind),
            "unit": np.array("dB (re max)" if relative else SPECTROGRAM_UNITS[kind]),
            "sr": np.array(sr),
            "hop_length": np.array(params.hop_length),
            "params": np.array(json.dumps(params.as_dict(), sort_keys=True)),
        }
        with atomic_write(target, "wb") as handle, zipfile.ZipFile(
            handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True
        ) as archive:
            for name, array in meta.items():
                with archive.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
            transform = (lambda chunk: _re_max(chunk, peak, top_db)) if relative else None
            for copied in copy_spill(archive, "values", spill, plan.n_rows, n_frames,
                                     transform):
                yield Progress(n_frames + copied, total, "writing")
    return target


def _re_max(chunk: bytes, peak: float, top_db: float | None) -> bytes:
    """float32 dB frames re 1.0 -> re ``peak``, floored at ``-top_db`` (float32 bytes)."""
    values = np.frombuffer(chunk, dtype=np.float32) - np.float32(peak)
    return np.maximum(values, np.float32(-(top_db or 0.0))).astype(np.float32).tobytes()


def _write(spill: IO[bytes], values: np.ndarray, target: Path) -> None:
    """Append time-major float32 frames (n, n_rows) to the spill file."""
    try:
        spill.write(np.ascontiguousarray(values, dtype=np.float32).tobytes())
    except OSError as exc:
        raise OutputError(f"{target}: write failed ({exc.strerror or exc})") from exc
