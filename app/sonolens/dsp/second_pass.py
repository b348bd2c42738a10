"""Pass 2 of the feature engine: chroma (with pass 1's tuning), MFCC (with pass 1's top_db
floor) and onset strength, from a float32 FFT of the replayed analysis signal.

``SecondPass.compute`` runs on worker threads, ``add`` in block order (see ``dsp/engine.py``).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.core.prefetch import prefetch
from sonolens.dsp.columns import ColumnBuffer
from sonolens.dsp.filterbanks import chroma_filterbank, mel_filterbank
from sonolens.dsp.framing import FrameBlock
from sonolens.dsp.stft import power_block_fast


def prefetch_fft() -> threading.Thread:
    """Import scipy.fft (pass 2's float32 FFT, ~0.2 s of start-up) on a thread while pass 1
    runs; :class:`SecondPass` joins it."""
    return prefetch("scipy.fft")


class SecondPass:
    """Chroma (with the estimated tuning) and MFCC (with the global top_db floor)."""

    def __init__(self, plan: Any, first: Any) -> None:
        if first.fft_import is not None:
            first.fft_import.join()
        self.plan = plan
        p = plan.params
        self.tuning = first.tuning.estimate() if plan.wants("chroma") else None
        self.chroma_fb = (
            chroma_filterbank(sr=plan.sr, n_fft=p.n_fft, tuning=self.tuning)
            if self.tuning is not None else None
        )
        self.mel_floor = (
            10.0 * np.log10(max(1e-10, first.mel_max)) - p.top_db if plan.wants("mfcc") else None
        )
        self.dct = dct_matrix(p.n_mels, p.n_mfcc)
        capacity = first.n_frames
        self._chroma = ColumnBuffer(capacity, 12) if self.chroma_fb is not None else None
        self._mfcc = ColumnBuffer(capacity, p.n_mfcc) if self.mel_floor is not None else None
        self.onset = first.onset
        if self.onset is not None:
            self.onset.set_max(first.onset_max)

    def compute(self, block: FrameBlock) -> dict[str, np.ndarray]:
        power = power_block_fast(block.frames(), self.plan.window)
        out = {}
        if self.chroma_fb is not None:
            raw = power @ self.chroma_fb.T
            peak = raw.max(axis=1, keepdims=True)
            out["chroma"] = raw / np.where(peak < np.finfo(np.float32).tiny, 1.0, peak)
        if self.mel_floor is not None:
            db = 10.0 * np.log10(np.maximum(1e-10, power @ mel_basis(self.plan).T))
            np.maximum(db, self.mel_floor, out=db)
            out["mfcc"] = (db.astype(np.float64) @ self.dct.T).astype(np.float32)
        if self.onset is not None:
            out["onset"] = self.onset.block(power)
        return out

    def add(self, result: dict[str, np.ndarray]) -> None:
        if self._chroma is not None:
            self._chroma.append(result["chroma"])
        if self._mfcc is not None:
            self._mfcc.append(result["mfcc"])
        if self.onset is not None:
            self.onset.add(result["onset"])

    def columns(self) -> dict[str, np.ndarray]:
        """float32 (n_frames,) contiguous rows of the preallocated buffers (no copies)."""
        cols: dict[str, np.ndarray] = {}
        p = self.plan.params
        if self._chroma is not None:
            for k, name in enumerate(CATALOG.columns("chroma", p)):
                cols[name] = self._chroma.column(k)
        if self._mfcc is not None:
            for k, name in enumerate(CATALOG.columns("mfcc", p)):
                cols[name] = self._mfcc.column(k)
        if self.onset is not None:
            cols["onset_strength"] = self.onset.column()
        return cols


def mel_basis(plan: Any) -> np.ndarray:
    p = plan.params
    return mel_filterbank(sr=plan.sr, n_fft=p.n_fft, n_mels=p.n_mels, fmin=p.fmin, fmax=p.fmax)


def dct_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Orthonormal DCT-II rows (n_out, n_in), float64: ``scipy.fft.dct(norm='ortho')``.

    Written out (not ``scipy.fft.dct`` of an identity): scipy's basis differs in the last
    bits, which moves the 7th digit of some MFCC values in the CSV (~1 in 20 columns).
    """
    k = np.arange(n_out)[:, np.newaxis]
    n = np.arange(n_in)[np.newaxis, :]
    basis = np.cos(np.pi * k * (2 * n + 1) / (2 * n_in)) * np.sqrt(2.0 / n_in)
    basis[0] /= np.sqrt(2.0)
    return basis
