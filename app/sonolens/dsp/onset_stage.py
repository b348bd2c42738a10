"""Onset strength in the block engine (catalog feature ``onset_strength``, stage "onset").

``librosa.onset.onset_strength`` takes the mel spectrogram in dB with ``top_db=80`` below
the loudest band of the **whole** file, so a block cannot finish its values alone: pass 1
keeps the largest mel power (:meth:`OnsetStage.block_max`), pass 2 replays the signal,
clips each block's dB at that floor and takes the positive rise from the previous frame,
averaged over the 128 bands; across block edges the previous block's last row is carried
(``add`` runs in block order). The column is delayed by ``1 + n_fft // (2 hop)`` frames,
as librosa's ``center=True``. Mel bands: 128 from 0 Hz to sr/2 on the analysis STFT
(``S``), so the value equals ``onset_strength(S=power_to_db(melspectrogram(S=S**2)))``.
"""

from __future__ import annotations

import numpy as np

from sonolens.dsp.columns import ColumnBuffer
from sonolens.dsp.filterbanks import mel_filterbank
from sonolens.dsp.onsets import AMIN, N_MELS, TOP_DB


class OnsetStage:
    """Pass-1 maximum and pass-2 rises of one analysis (``sr``, ``n_fft``, ``hop``)."""

    def __init__(self, *, sr: float, n_fft: int, hop_length: int, capacity: int) -> None:
        self.basis_t = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=N_MELS, fmin=0.0,
                                      fmax=0.5 * sr).T
        self.delay = 1 + n_fft // (2 * hop_length)
        self.floor = -np.inf
        self._last: np.ndarray | None = None
        self._rises = ColumnBuffer(capacity)

    def block_max(self, power: np.ndarray) -> float:
        """The largest mel power of a block's power spectra (n_frames, n_bins)."""
        return float((power @ self.basis_t).max()) if len(power) else 0.0

    def set_max(self, mel_max: float) -> None:
        """Fix the dB floor from the largest mel power of the whole file."""
        self.floor = 10.0 * np.log10(max(AMIN, mel_max)) - TOP_DB

    def block(self, power: np.ndarray) -> dict[str, np.ndarray]:
        """One block's clipped mel dB rise within it and its first and last dB rows."""
        db = 10.0 * np.log10(np.maximum(AMIN, power @ self.basis_t))
        np.maximum(db, self.floor, out=db)
        rise = np.maximum(0.0, db[1:] - db[:-1]).mean(axis=1)
        return {"rise": rise, "first": db[0], "last": db[-1]}

    def add(self, block: dict[str, np.ndarray]) -> None:
        """Append a block's rises (in block order); frame 0 of the file has none."""
        if self._last is None:
            self._rises.append(np.zeros(1))
        else:
            self._rises.append(np.maximum(0.0, block["first"] - self._last).mean(keepdims=True))
        self._rises.append(block["rise"])
        self._last = block["last"]

    def column(self) -> np.ndarray:
        """float32 (n_frames,): the onset strength of every frame added."""
        rises = self._rises.column()
        out = np.zeros(len(rises), dtype=np.float32)
        shift = self.delay - 1  # rise of frame k lands on frame k + delay - 1
        if len(rises) > 1 and shift < len(rises):
            out[self.delay:] = rises[1:len(rises) - shift]
        return out
