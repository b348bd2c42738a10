"""The window's one-pass analysis job equals the separate computations it replaces."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from sonolens.audio import open_source
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from sonolens.dsp.spectrogram import compute_spectrogram
from sonolens.workers.jobs import analysis_job
from tests.unit.streamed import compute_envelope


def test_one_pass_gives_features_spectrogram_and_envelope(tmp_path):
    rng = np.random.default_rng(11)
    path = tmp_path / "stereo.flac"
    sf.write(path, (0.4 * rng.standard_normal((44100 * 4, 2))).astype(np.float32), 44100,
             subtype="PCM_24")
    params = AnalysisParams(hop_length=256)
    with open_source(path) as source:
        partials = []
        job = analysis_job(source, params, "db", envelope=True)
        while True:
            try:
                partials.append(next(job).partial)
            except StopIteration as stop:
                table, spec, env = stop.value
                break
        features = run_to_end(extract_features(source, params))
        reference_spec = run_to_end(compute_spectrogram(source, params, "db"))
        reference_env = run_to_end(compute_envelope(source))
    assert all(p[0] is spec and p[1] is env for p in partials)
    assert spec.complete and env.complete
    np.testing.assert_array_equal(spec.values[: spec.filled],
                                  reference_spec.values[: reference_spec.filled])
    assert env.filled == reference_env.filled
    for ours, ref in zip(env.levels, reference_env.levels, strict=True):
        np.testing.assert_array_equal(ours, ref)
    for name, column in features.columns.items():
        np.testing.assert_array_equal(table.columns[name], column)
    # the curves the window draws come with their min/max pyramids, built on the worker
    from sonolens.dsp.minmax import MinMaxPyramid
    from sonolens.dsp.table import BAND_EDGES
    from sonolens.workers.jobs import DRAWN_CURVES

    drawn = [name for name in DRAWN_CURVES if name in table.columns]
    assert "rms" in drawn and "spectral_centroid" in drawn
    assert set(table._pyramids) == set(drawn) | set(BAND_EDGES)
    centroid, half = table.columns["spectral_centroid"], table.columns["spectral_bandwidth"] / 2
    np.testing.assert_array_equal(table.pyramid("bandwidth_low").values, centroid - half)
    np.testing.assert_array_equal(table.pyramid("bandwidth_high").values, centroid + half)
    for name in drawn:
        built = table._pyramids[name]
        assert table.pyramid(name) is built  # not rebuilt on the GUI thread
        fresh = MinMaxPyramid(table.columns[name])
        for (lo, hi), (flo, fhi) in zip(built.levels, fresh.levels, strict=True):
            np.testing.assert_array_equal(lo, flo)
            np.testing.assert_array_equal(hi, fhi)
