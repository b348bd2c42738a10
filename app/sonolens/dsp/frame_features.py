"""Per-frame feature kernels: one function per catalog entry computed block by block.

A kernel takes the :class:`BlockSpectra` of one block and returns float (n_frames,) or
(n_frames, n_columns) values, frames-major. The catalog (``core/catalog.py``) names each
kernel as ``"frame_features:<function>"``; the engine calls it on worker threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from sonolens.core.params import AnalysisParams
from sonolens.dsp import spectral, timedomain
from sonolens.dsp.framing import FrameBlock


@dataclass
class BlockSpectra:
    """One block's frames and, unless only time-domain features are wanted, its spectra.

    ``magnitude``/``power``: float32 (n_frames, n_bins) |STFT| and |STFT|^2 of the exact
    FFT (as librosa's ``S``); ``freqs``: (n_bins,) Hz. ``memo``: values two kernels share
    (centroid and bandwidth come from one product).
    """

    block: FrameBlock
    params: AnalysisParams
    sr: int
    freqs: np.ndarray
    magnitude: np.ndarray | None = None
    power: np.ndarray | None = None
    memo: dict[str, Any] = field(default_factory=dict)


def rms(s: BlockSpectra) -> np.ndarray:
    return timedomain.rms(s.block)


def zero_crossing_rate(s: BlockSpectra) -> np.ndarray:
    return timedomain.zero_crossing_rate(s.block)


def _centroid_bandwidth(s: BlockSpectra) -> tuple[np.ndarray, np.ndarray]:
    if "moments" not in s.memo:
        s.memo["moments"] = spectral.centroid_bandwidth(s.magnitude, s.freqs, p=s.params.p)
    return s.memo["moments"]


def spectral_centroid(s: BlockSpectra) -> np.ndarray:
    return _centroid_bandwidth(s)[0]


def spectral_bandwidth(s: BlockSpectra) -> np.ndarray:
    """Needs the centroid: both come from one matrix product (catalog ``needs``)."""
    return _centroid_bandwidth(s)[1]


def spectral_rolloff(s: BlockSpectra) -> np.ndarray:
    return spectral.rolloff(s.magnitude, s.freqs, roll_percent=s.params.roll_percent)


def spectral_flatness(s: BlockSpectra) -> np.ndarray:
    return spectral.flatness(s.power)


def poly_features(s: BlockSpectra) -> np.ndarray:
    """Slope (per Hz) and offset of the least-squares line through each frame's
    magnitude spectrum against frequency: float64 (n_frames, 2), equal to
    ``librosa.feature.poly_features(S=|STFT|, sr=sr, order=1)`` (rows: slope, offset).
    """
    fit = _line_fit(s.freqs.tobytes(), len(s.freqs))
    return s.magnitude @ fit.T


@cache
def _line_fit(freqs_bytes: bytes, n_bins: int) -> np.ndarray:
    """(2, n_bins) least-squares solver of numpy.polyfit(freqs, ., 1): its column-scaled
    Vandermonde and its rcond, as one pseudo-inverse applied to every frame."""
    freqs = np.frombuffer(freqs_bytes, dtype=np.float64, count=n_bins)
    vander = np.vander(freqs, 2)
    scale = np.sqrt((vander * vander).sum(axis=0))
    pinv = np.linalg.pinv(vander / scale, rcond=n_bins * np.finfo(np.float64).eps)
    return pinv / scale[:, np.newaxis]
