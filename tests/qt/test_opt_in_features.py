"""Opt-in features in the window (poly_features): computed when a view shows them, on
their own, without redoing the analysis, and never leaking into the default export."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.qt.conftest import wait_settled, write_rich

SLOPE = "poly_features_slope"


@pytest.fixture
def rich(tmp_path):
    return write_rich(tmp_path / "rich.wav")


def _show(qtbot, window, lower_view: str) -> None:
    doc = window.document
    doc.set_view(doc.view.replace(lower_view=lower_view))
    wait_settled(qtbot, window)


def test_window_csv_after_the_poly_view_equals_extract(qtbot, make_main_window, rich,
                                                        tmp_path):
    """Shown once, then left: File > Export > Features writes `sonolens extract`'s default
    columns again; while shown, its columns are added."""
    from sonolens.cli.main import main

    window = make_main_window()
    window.open_path(rich)
    wait_settled(qtbot, window)
    _show(qtbot, window, "poly")
    assert SLOPE in window.document.features.columns
    shown = tmp_path / "shown.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=20000):
        window.exporter.export_features_to(shown)
    _show(qtbot, window, "features")
    out = tmp_path / "gui.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=20000):
        window.exporter.export_features_to(out)
    assert main(["-q", "extract", str(rich), "-o", str(tmp_path / "cli.csv")]) == 0
    gui, cli = pd.read_csv(out), pd.read_csv(tmp_path / "cli.csv")
    assert list(gui.columns) == list(cli.columns)
    pd.testing.assert_frame_equal(gui, cli)
    with_poly = pd.read_csv(shown)
    assert list(with_poly.columns) == [*cli.columns, SLOPE, "poly_features_offset"]


def test_the_view_after_a_cancelled_job_is_computed(qtbot, make_main_window, rich):
    """Its job cancelled (the Cancel button), the view chosen again computes it."""
    window = make_main_window()
    window.open_path(rich)
    wait_settled(qtbot, window)
    doc = window.document
    doc.set_view(doc.view.replace(lower_view="poly"))
    window.runner.cancel("features")
    wait_settled(qtbot, window)
    assert SLOPE not in doc.features.columns
    doc.set_view(doc.view.replace(lower_view="features"))
    _show(qtbot, window, "poly")
    assert SLOPE in doc.features.columns


def test_chosen_while_analysing_keeps_the_analysis(qtbot, make_main_window, tmp_path,
                                                   permits):
    """Chosen while the first analysis runs (decoding paced: it is half done): that
    analysis is not restarted (its picture stays the same object) and the feature is
    added when it is done."""
    long_file = write_rich(tmp_path / "long.wav", seconds=30.0)
    window = make_main_window()
    doc = window.document
    window.open_path(long_file)
    qtbot.waitUntil(lambda: doc.source is not None, timeout=10000)
    for _block in range(9):  # one at a time: each block's progress delivers what is held
        permits.release(1)
        qtbot.wait(100)
        if doc.spectrogram is not None and doc.features is not None:
            break
    assert doc.spectrogram is not None and doc.features is not None
    assert window.runner.is_busy("features")
    spec = doc.spectrogram
    doc.set_view(doc.view.replace(lower_view="poly"))
    permits.release(100000)
    wait_settled(qtbot, window, timeout=120000)
    assert doc.spectrogram is spec, "the analysis was started again"
    assert SLOPE in doc.features.columns
    assert "mfcc_1" not in doc.features.columns  # not shown: computed when needed
