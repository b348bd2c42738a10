"""The reassigned spectrogram's matrix export: librosa's three arrays in an .npz, memory flat.

Keys: ``freqs`` (Hz), ``times`` (s), ``mags`` -- each float32 (1 + n_fft//2, n_frames),
``librosa.reassigned_spectrogram(y=y, sr=sr, n_fft=..., hop_length=..., win_length=...,
window=...)``'s (freqs, times, mags) (NaN freqs/times where the power is below
``ref_power``; float32 keeps them to 6e-8 relative); ``bin_freqs`` (n_bins,) Hz,
``frame_times`` (n_frames,) s, ``kind``, ``unit``, ``sr``, ``hop_length``, ``ref_power``,
``params`` (JSON).

Blocks (dsp.reassigned) are appended to anonymous temp files beside the target, then
copied into an uncompressed zip written atomically; times are clipped to the signal's
length (known at its end) while copying.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np

from sonolens.audio.protocol import AudioSource
from sonolens.core.errors import OutputError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.dsp.framing import frame_blocks
from sonolens.dsp.reassigned import make_reassign_plan
from sonolens.dsp.signal import analysis_chunks, check_channel
from sonolens.dsp.spectrogram import expected_frames
from sonolens.export.atomic import atomic_write
from sonolens.export.npz_members import copy_spill

NAMES = ("freqs", "times", "mags")


class _Counted:
    """Mono chunks passed through, their samples counted (the signal's length at its end)."""

    def __init__(self, chunks: Iterable[np.ndarray]) -> None:
        self.chunks = chunks
        self.samples = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        for chunk in self.chunks:
            self.samples += len(chunk)
            yield chunk


def export_reassigned_npz(source: AudioSource, params: AnalysisParams | None,
                          path: str | os.PathLike[str]) -> Generator[Progress, None, Path]:
    """Write the reassigned spectrogram of ``source`` to ``path`` (.npz); returns the path.

    Yields Progress per block and per copied chunk (cancel checkpoints: closing removes
    every temp file and leaves an existing ``path`` untouched). Raises OutputError.
    """
    params = (params or AnalysisParams()).validate()
    check_channel(params.channel, source.channels)
    sr = params.sr or source.samplerate
    params.validate_for_rate(sr)
    plan = make_reassign_plan(params, sr)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    expected = max(1, expected_frames(source, params, sr))
    with contextlib.ExitStack() as stack:
        spills = {name: stack.enter_context(_spill(target, folder, name)) for name in NAMES}
        chunks = _Counted(analysis_chunks(source.blocks(), native_sr=source.samplerate, sr=sr,
                                          channel=params.channel))
        n_frames = 0
        for block in frame_blocks(chunks, n_fft=params.n_fft, hop_length=params.hop_length):
            values = plan.compute(block, None)
            for name in NAMES:
                _write(spills[name], getattr(values, name), target)
            n_frames += block.n_frames
            yield Progress(n_frames, 2 * max(expected, n_frames), "reassigned")
        duration = np.float32(chunks.samples / float(sr))
        meta = {
            "bin_freqs": plan.bin_freqs,
            "frame_times": np.arange(n_frames) * params.hop_length / float(sr),
            "kind": np.array("reassigned"),
            "unit": np.array("amplitude"),
            "sr": np.array(sr),
            "hop_length": np.array(params.hop_length),
            "ref_power": np.array(plan.ref_power),
            "params": np.array(json.dumps(params.as_dict(), sort_keys=True)),
        }
        with atomic_write(target, "wb") as handle, zipfile.ZipFile(
            handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True
        ) as archive:
            for name, array in meta.items():
                with archive.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
            for k, name in enumerate(NAMES):
                clip = name == "times" and plan.clip  # librosa clips times to len(y) / sr
                transform = ((lambda chunk: np.minimum(np.frombuffer(chunk, np.float32),
                                                       duration).tobytes())
                             if clip else None)
                for copied in copy_spill(archive, name, spills[name], plan.n_bins, n_frames,
                                         transform):
                    yield Progress(n_frames + (k * n_frames + copied) // 3, 2 * n_frames,
                                   "writing")
    return target


@contextlib.contextmanager
def _spill(target: Path, folder: Path, name: str) -> Iterator[IO[bytes]]:
    try:
        handle = tempfile.TemporaryFile(prefix=f".{target.name}.", suffix=f".{name}",  # noqa: SIM115
                                        dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {folder} ({exc.strerror})") from exc
    with handle:
        yield handle


def _write(spill: IO[bytes], values: np.ndarray, target: Path) -> None:
    """Append time-major frames (n, n_bins) as float32 to the spill file."""
    try:
        spill.write(np.ascontiguousarray(values, dtype=np.float32).tobytes())
    except OSError as exc:
        raise OutputError(f"{target}: write failed ({exc.strerror or exc})") from exc
