"""The catalog is the one list of features and kinds: every table is derived from it."""

from __future__ import annotations

import importlib

import pytest

from sonolens.cli.options import FEATURE_ALIASES, features_from_args
from sonolens.cli.render import KINDS, MATRIX_KINDS, SPECTROGRAM_KINDS, overlays_from_text
from sonolens.core.catalog import CATALOG, Drawn
from sonolens.core.errors import ParameterError
from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import LOWER_VIEWS, OVERLAYS
from sonolens.core.view_settings import SPECTROGRAM_KINDS as VIEW_KINDS
from sonolens.export.python_snippet import SPECTROGRAM_VARIABLES


def test_entries_are_complete_and_unique():
    names = CATALOG.names
    assert len(set(names)) == len(names)
    aliases = [a for f in CATALOG.features for a in f.aliases]
    assert len(set(aliases)) == len(aliases) and not set(aliases) & set(names)
    params = AnalysisParams(n_mfcc=13, contrast_bands=4)
    columns = [c for name in names for c in CATALOG.columns(name, params)]
    assert len(set(columns)) == len(columns)
    assert len(CATALOG.columns("mfcc", params)) == 13
    assert len(CATALOG.columns("spectral_contrast", params)) == 5
    for feature in CATALOG.features:
        assert feature.label and feature.librosa.startswith(
            ("librosa.feature.", "librosa.onset.", "np.vstack(librosa.pyin("))
        assert set(feature.needs) <= set(names)
        assert set(feature.snippet_params) <= set(AnalysisParams.__dataclass_fields__)
        if feature.drawn is not Drawn.NONE and feature.drawn not in (Drawn.OVERLAY, Drawn.BAND,
                                                                     Drawn.PITCH):
            assert feature.view in LOWER_VIEWS


def test_every_kernel_is_a_dsp_function():
    for feature in CATALOG.features:
        if feature.stage == "frame":
            module, function = feature.kernel.split(":")
            assert callable(getattr(importlib.import_module(f"sonolens.dsp.{module}"), function))
        elif feature.result == "pitch":  # a job of its own (dsp.pitch), not the engine's
            assert not feature.kernel and feature.stage == "pitch"
        else:
            assert not feature.kernel and feature.stage in (
                "contrast", "chroma", "mfcc", "onset")


def test_every_kind_kernel_is_a_dsp_function():
    for kind in CATALOG.kinds:  # a kernel of STFT frames, or its own frames (blocks)
        assert bool(kind.kernel) != bool(kind.blocks), kind.name
        module, function = (kind.kernel or kind.blocks).split(":")
        assert callable(getattr(importlib.import_module(f"sonolens.dsp.{module}"), function))
        assert kind.rows in (("cqt",) if kind.blocks else ("fft", "mel"))


def test_tables_are_derived():
    assert list(VIEW_KINDS) == [k.name for k in CATALOG.kinds]
    assert {k.name: k.variable for k in CATALOG.kinds} == SPECTROGRAM_VARIABLES
    assert set(SPECTROGRAM_KINDS.values()) == set(VIEW_KINDS)
    assert set(MATRIX_KINDS) == {f.view for f in CATALOG.drawn_as(Drawn.LOWER_MATRIX)}
    assert (*SPECTROGRAM_KINDS, *MATRIX_KINDS) == KINDS
    assert set(OVERLAYS) == {f.name for f in CATALOG.drawn_as(Drawn.OVERLAY, Drawn.BAND,
                                                                Drawn.PITCH)}
    assert FEATURE_ALIASES["zcr"] == "zero_crossing_rate"
    assert next(iter(LOWER_VIEWS)) == "features"  # the window's default lower view first


def test_cli_choices_follow_the_catalog():
    assert features_from_args("all") == CATALOG.default_names
    assert features_from_args("all,poly,pitch,onset") == CATALOG.names
    assert features_from_args("f0") == features_from_args("pitch") == ("f0",)
    assert features_from_args("Centroid, mfcc") == ("spectral_centroid", "mfcc")
    with pytest.raises(ParameterError, match="unknown feature 'nope'"):
        features_from_args("nope")
    # the pitch track is drawn in the window only
    assert overlays_from_text("all") == frozenset(OVERLAYS) - {"f0"}
    with pytest.raises(ParameterError, match="window only"):
        overlays_from_text("pitch")
    with pytest.raises(ParameterError, match="choose from centroid, rolloff, bandwidth"):
        overlays_from_text("rms")


def test_needs_bring_what_is_drawn_with_them():
    assert CATALOG.with_needs({"spectral_bandwidth"}) == ("spectral_centroid",
                                                          "spectral_bandwidth")


def test_every_entry_names_a_result_a_registered_job_computes():
    """Jobs are registered by the result key the catalog entries name."""
    registry = pytest.importorskip("sonolens.workers.registry")  # QtCore: not in a bare env
    for entry in (*CATALOG.features, *CATALOG.kinds):
        assert entry.result in registry.RESULT_JOBS, entry.name
        assert entry.result in registry.RESULT_JOBS[entry.result].computes
