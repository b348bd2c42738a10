"""Large float32 matrices into a ``.npz`` without holding them: a spill file of
time-major frames copied into the archive as one ``.npy`` member."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Generator
from typing import IO

import numpy as np

_COPY_BYTES = 16 * 2**20


def copy_spill(archive: zipfile.ZipFile, name: str, spill: IO[bytes], n_rows: int,
               n_frames: int, transform: Callable[[bytes], bytes] | None = None
               ) -> Generator[int, None, None]:
    """Write ``spill`` (time-major float32 frames of ``n_rows``) into ``archive`` as
    ``name``.npy of shape (n_rows, n_frames) -- the same bytes read as Fortran order, so
    nothing is transposed -- in chunks of about 16 MB (each through ``transform``);
    yields the frames copied so far after each chunk."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {
        "descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
        "fortran_order": True, "shape": (n_rows, n_frames)})
    frame_bytes = n_rows * 4
    step = max(frame_bytes, _COPY_BYTES // frame_bytes * frame_bytes)
    copied = 0
    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
        member.write(header.getvalue())
        spill.seek(0)
        while chunk := spill.read(step):
            member.write(transform(chunk) if transform is not None else chunk)
            copied += len(chunk) // frame_bytes
            yield copied
