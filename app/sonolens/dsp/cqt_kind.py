"""The ``cqt`` spectrogram kind: constant-Q (or variable-Q) dB frames from the signal.

Per frame: ``librosa.amplitude_to_db(np.abs(librosa.vqt(y, sr=sr, hop_length=hop_length,
fmin=cqt_fmin, n_bins=cqt_n_bins, bins_per_octave=cqt_bins_per_octave, gamma=cqt_gamma,
res_type="soxr_hq")), ref=1.0, amin=1e-5, top_db=None)`` (the other dB kinds' rule: no
global reference, so a block is final when computed; the view draws it re max).
Named by the catalog entry's ``blocks`` (see ``core.catalog.SpectrogramKind``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from sonolens.core.params import AnalysisParams
from sonolens.dsp.cqt import CqtPlan

_AMIN_AMPLITUDE = 1e-5  # librosa.amplitude_to_db default


@dataclass(frozen=True)
class CqtDb:
    """The kind at one rate: ``freqs`` (n_bins,) Hz ascending, ``blocks`` of dB frames."""

    plan: CqtPlan

    @property
    def freqs(self) -> np.ndarray:
        return self.plan.freqs

    def blocks(self, chunks: Iterable[np.ndarray]) -> Iterator[tuple[int, np.ndarray]]:
        """(first frame, float32 (n, n_bins) dB) per block of the signal ``chunks``."""
        for first, magnitude in self.plan.blocks(chunks):
            yield first, _db(magnitude)

    def frames_between(self, read: Callable[[int, int], np.ndarray], first: int, stop: int
                       ) -> np.ndarray:
        """float32 (stop - first, n_bins) dB of frames [first, stop) from ``read(a, b)``,
        samples [a, b) of the signal (zeros outside): what detail tiles compute."""
        return _db(self.plan.frames_between(read, first, stop))


def _db(magnitude: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(np.maximum(_AMIN_AMPLITUDE**2, np.square(magnitude)))


def cqt_db(params: AnalysisParams, sr: int) -> CqtDb:
    """The kind for ``params`` at ``sr`` Hz; raises ParameterError as librosa.vqt would
    (bins past Nyquist, a hop that cannot be halved once per octave)."""
    return CqtDb(CqtPlan(sr, params.hop_length, float(params.cqt_fmin), params.cqt_n_bins,
                         params.cqt_bins_per_octave, float(params.cqt_gamma)).check())
