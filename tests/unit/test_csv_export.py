"""Feature CSV written in slices: progress per slice, same bytes, a cancel leaves nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonolens.core.params import AnalysisParams
from sonolens.dsp.table import FeatureTable
from sonolens.export.csv_table import feature_csv_steps, write_feature_csv


def _table(n: int) -> FeatureTable:
    rng = np.random.default_rng(n)
    columns = {name: rng.standard_normal(n).astype(np.float32) for name in ("rms", "zcr")}
    return FeatureTable(np.arange(n) * 512 / 22050, columns, 22050, AnalysisParams())


def test_steps_report_rows_and_write_the_same_file(tmp_path):
    table = _table(10_000)
    whole, stepped = tmp_path / "whole.csv", tmp_path / "stepped.csv"
    write_feature_csv(whole, [("a.wav", table)], file_column=False)
    steps = list(feature_csv_steps(stepped, [("a.wav", table)], file_column=False))
    assert [s.done for s in steps] == [4096, 8192, 10_000]
    assert all(s.total == 10_000 for s in steps)
    assert stepped.read_bytes() == whole.read_bytes()
    back = pd.read_csv(stepped)
    np.testing.assert_array_equal(back["rms"].to_numpy(np.float32), table.columns["rms"])


def test_closing_early_leaves_no_file(tmp_path):
    target = tmp_path / "out.csv"
    steps = feature_csv_steps(target, [("a.wav", _table(10_000))], file_column=False)
    next(steps)
    steps.close()
    assert list(tmp_path.iterdir()) == []
