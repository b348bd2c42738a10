"""The spectrum view's export: the two-column text file Audacity's Plot Spectrum writes.

``Frequency (Hz)<TAB>Level (dB)`` then one row per bin (every bin, no cap), numbers with
six decimals, ``\\n`` line ends. pandas reads it with ``sep='\\t'``.
"""

from __future__ import annotations

import os

import numpy as np

from sonolens.dsp.spectrum import Spectrum
from sonolens.export.atomic import atomic_write

HEADER = "Frequency (Hz)\tLevel (dB)"
DECIMALS = 6
_ROWS_PER_WRITE = 65536


def write_spectrum_text(path: str | os.PathLike[str], spectrum: Spectrum) -> None:
    """Write ``spectrum.freqs`` (Hz) and ``spectrum.level_db`` (dB) atomically.

    Raises :class:`~sonolens.core.errors.OutputError` if the file cannot be written; an
    existing file is then left untouched.
    """
    freqs = np.asarray(spectrum.freqs, dtype=np.float64)
    levels = np.asarray(spectrum.level_db, dtype=np.float64)
    row = f"%.{DECIMALS}f\t%.{DECIMALS}f\n"
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(HEADER + "\n")
        for first in range(0, len(freqs), _ROWS_PER_WRITE):
            pairs = zip(freqs[first : first + _ROWS_PER_WRITE].tolist(),
                        levels[first : first + _ROWS_PER_WRITE].tolist(), strict=True)
            handle.write("".join(row % pair for pair in pairs))
