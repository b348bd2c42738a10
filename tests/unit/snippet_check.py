"""Comparing a Copy-as-Python snippet's arrays with what the window shows (no Qt)."""

from __future__ import annotations

import numpy as np

from sonolens.core.catalog import CATALOG
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.export.python_snippet import SPECTROGRAM_VARIABLES, shown_features

TOLERANCE = 1e-4


def shown_arrays(table, spec, params: AnalysisParams, view: ViewSettings,
                 selection: tuple[float, float] | None = None) -> dict[str, np.ndarray]:
    """What the window shows of a FeatureTable and a full-resolution Spectrogram.

    dB kinds relative to the maximum and floored at -db_range (the colour levels); rows
    in fmin..fmax (the view's frequency range); frames whose centre lies in the selection.
    """
    assert spec.frames_per_column == 1 and spec.complete
    values = spec.values[: spec.filled].T.astype(np.float64)  # (n_rows, n_frames)
    if CATALOG.kind(view.kind).db:
        values = np.maximum(values - values.max(), -view.db_range)
    freqs = spec.freqs
    if CATALOG.kind(view.kind).rows == "fft":
        fmax = params.fmax if params.fmax is not None else spec.sr / 2
        rows = (freqs >= params.fmin) & (freqs <= fmax)
        values, freqs = values[rows], freqs[rows]
    if selection is not None:
        table = table.between(*selection)
        keep = (spec.times >= selection[0]) & (spec.times <= selection[1])
        values = values[:, keep]
    out = {"times": table.times, "freqs": freqs, "spectrogram": values}
    for name in shown_features(view):
        columns = CATALOG.columns(name, params)
        out[name] = np.stack([table.columns[c] for c in columns])
    return out


def snippet_arrays(namespace: dict, kind: str) -> dict[str, np.ndarray]:
    out = {"times": namespace["times"], "freqs": namespace["freqs"],
           "spectrogram": namespace[SPECTROGRAM_VARIABLES[kind]]}
    out.update(namespace["features"])
    return out


def assert_same(ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> None:
    assert set(ours) == set(theirs)
    for name, want in ours.items():
        got = np.asarray(theirs[name], dtype=np.float64)
        if name == "spectral_contrast":  # bands past Nyquist: empty here, absent in librosa
            want = want[~np.isnan(want).all(axis=1)]
        assert got.shape == want.shape, (name, got.shape, want.shape)
        scale = max(float(np.abs(want).max()), 1e-12)
        error = float(np.abs(got - want).max()) / scale
        assert error <= TOLERANCE, f"{name}: {error:.2e}"
