"""Rules stated once in core: note names, bandwidth-needs-centroid, contrast bands vs Nyquist."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from sonolens.core.catalog import CATALOG
from sonolens.core.feature_rules import contrast_bands_below_nyquist
from sonolens.core.notes import PITCH_CLASSES


def test_pitch_classes_are_librosas_note_names():
    names = librosa.midi_to_note(np.arange(60, 72), octave=False, unicode=False)
    assert tuple(names) == PITCH_CLASSES


def test_bandwidth_is_drawn_with_the_centroid():
    with_needs = CATALOG.with_needs
    assert set(with_needs({"spectral_bandwidth"})) == {"spectral_bandwidth", "spectral_centroid"}
    assert set(with_needs({"spectral_rolloff", "mfcc"})) == {"spectral_rolloff", "mfcc"}
    assert with_needs(set()) == ()
    can_draw = CATALOG.can_draw
    assert can_draw("spectral_bandwidth", {"spectral_bandwidth": 0, "spectral_centroid": 0})
    assert not can_draw("spectral_bandwidth", {"spectral_bandwidth": 0})
    assert not can_draw("spectral_bandwidth", {"spectral_centroid": 0})
    assert can_draw("spectral_rolloff", ["spectral_rolloff"])
    assert not can_draw("spectral_rolloff", [])


@pytest.mark.parametrize(("sr", "fmin", "n_bands"), [
    (22050, 200.0, 6), (8000, 200.0, 6), (4000, 200.0, 6), (1000, 200.0, 6),
    (44100, 100.0, 8), (16000, 250.0, 4), (800, 200.0, 3), (401, 200.0, 2), (300, 200.0, 2),
])
def test_contrast_bands_below_nyquist_is_the_most_librosa_accepts(sr, fmin, n_bands):
    """librosa computes ``result`` bands above the first and refuses one more."""
    fitting = contrast_bands_below_nyquist(sr=sr, fmin=fmin, n_bands=n_bands)
    assert 0 <= fitting <= n_bands
    spectra = np.abs(np.random.default_rng(0).standard_normal((8193, 4)))  # n_fft=16384
    if fitting > 0:
        out = librosa.feature.spectral_contrast(S=spectra, sr=sr, fmin=fmin, n_bands=fitting)
        assert out.shape == (fitting + 1, 4)
    if fitting < n_bands:
        with pytest.raises(librosa.util.exceptions.ParameterError, match="Nyquist"):
            librosa.feature.spectral_contrast(S=spectra, sr=sr, fmin=fmin, n_bands=fitting + 1)
