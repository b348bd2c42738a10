"""The window computes first the features its views draw; the catalog's other default
features arrive when an export or the Selection dock needs them, equal to `sonolens
extract`; a new file drops an export still waiting for them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonolens.cli.main import main
from sonolens.core.catalog import CATALOG
from tests.qt.conftest import wait_settled, write_rich, write_tone


def _shown_columns(doc) -> set[str]:
    view = doc.view
    return {column for name in CATALOG.per_block(CATALOG.shown_by(view.overlays,
                                                                 view.lower_view))
            for column in CATALOG.columns(name, doc.params)}


def _default_columns(doc) -> set[str]:
    return {column for name in CATALOG.per_block(CATALOG.default_names)
            for column in CATALOG.columns(name, doc.params)}


def test_open_computes_only_what_the_views_draw_then_export_computes_the_rest(
        qtbot, make_main_window, tmp_path, fail_on_unhandled_exceptions):
    audio = write_rich(tmp_path / "rich.wav", seconds=3.0)
    cli = tmp_path / "cli.csv"
    assert main(["-q", "extract", str(audio), "-o", str(cli)]) == 0

    window = make_main_window()
    window.open_path(audio)
    wait_settled(qtbot, window)
    doc = window.document
    table = doc.features
    assert table is not None and table.complete
    shown = _shown_columns(doc)
    assert "spectral_centroid" in shown and "rms" in shown  # the default view draws them
    assert set(table.columns) == shown
    assert "mfcc_1" not in table.columns and "chroma_C" not in table.columns
    assert doc.missing_features()

    out = tmp_path / "window.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=30000):
        window.exporter.export_features_to(out)  # waits for the missing features, then runs
        message = window.statusBar().currentMessage()
        assert message.startswith("Computing the ") and "not shown so far" in message
        assert message.endswith("the export follows")
    assert not window.exporter.on_demand.waiting
    assert not doc.missing_features()
    ours, theirs = pd.read_csv(out), pd.read_csv(cli)
    assert list(ours.columns) == list(theirs.columns)
    assert set(theirs.columns) - {"time"} >= _default_columns(doc)
    assert len(ours) == len(theirs) > 100
    for column in theirs.columns:  # the same numbers, written the same way
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy(),
                                      err_msg=column)
    assert out.read_bytes() == cli.read_bytes()


def test_showing_the_selection_dock_computes_the_other_features(qtbot, make_main_window,
                                                                 tmp_path):
    audio = write_rich(tmp_path / "rich.wav", seconds=2.0)
    window = make_main_window()
    window.settings_dock.raise_()  # the Selection tab hidden: nothing asks for more
    window.open_path(audio)
    wait_settled(qtbot, window)
    doc = window.document
    assert "mfcc_1" not in doc.features.columns
    qtbot.wait(200)
    assert "mfcc_1" not in doc.features.columns

    window.selection_dock.show()
    window.selection_dock.raise_()
    qtbot.waitUntil(lambda: not doc.missing_features(), timeout=30000)
    wait_settled(qtbot, window)
    assert set(doc.features.columns) >= _default_columns(doc)
    panel = window.selection_panel
    qtbot.waitUntil(lambda: any(
        panel.features.item(r, 0).text().startswith("mfcc_1")
        for r in range(panel.features.rowCount())), timeout=20000)


def test_a_new_file_drops_the_waiting_export(qtbot, make_main_window, tmp_path):
    first = write_rich(tmp_path / "first.wav", seconds=3.0)
    second = write_tone(tmp_path / "second.wav", seconds=2.0)
    window = make_main_window()
    window.open_path(first)
    wait_settled(qtbot, window)
    doc, exporter = window.document, window.exporter
    assert doc.missing_features()

    out = tmp_path / "never.csv"
    exporter.export_features_to(out)  # the missing features are being computed
    assert exporter.on_demand.waiting
    window.open_path(second)  # before they arrive (no event handled in between)
    wait_settled(qtbot, window)
    assert doc.source.path == second
    assert not exporter.on_demand.waiting

    # the second file's other features arrive too: nothing was waiting for them
    doc.request_all_features()
    qtbot.waitUntil(lambda: not doc.missing_features(), timeout=30000)
    wait_settled(qtbot, window)
    qtbot.wait(300)
    assert not out.exists()


def test_an_export_waiting_across_a_parameter_change_writes_the_new_analysis(
        qtbot, make_main_window, tmp_path):
    """New parameters restart the analysis with the shown features only; the waiting
    export asks again (it used to wait forever: the click did nothing)."""
    from dataclasses import replace

    audio = write_rich(tmp_path / "rich.wav", seconds=3.0)
    cli = tmp_path / "cli.csv"
    assert main(["-q", "extract", str(audio), "--hop-length", "256", "-o", str(cli)]) == 0
    window = make_main_window()
    window.open_path(audio)
    wait_settled(qtbot, window)
    doc, exporter = window.document, window.exporter
    out = tmp_path / "window.csv"
    exporter.export_features_to(out)
    assert exporter.on_demand.waiting
    with qtbot.waitSignal(exporter.saved, timeout=30000):
        doc.set_params(replace(doc.params, hop_length=256))
    assert not exporter.on_demand.waiting
    assert out.read_bytes() == cli.read_bytes()


def test_export_asked_while_the_first_analysis_runs(qtbot, make_main_window, tmp_path):
    audio = write_rich(tmp_path / "rich.wav", seconds=20.0)
    cli = tmp_path / "cli.csv"
    assert main(["-q", "extract", str(audio), "-o", str(cli)]) == 0
    window = make_main_window()
    doc, exporter = window.document, window.exporter
    window.open_path(audio)
    qtbot.waitUntil(lambda: doc.source is not None, timeout=10000)
    assert doc.features is None or not doc.features.complete  # still analysing
    out = tmp_path / "window.csv"
    with qtbot.waitSignal(exporter.saved, timeout=60000):
        exporter.export_features_to(out)
    assert out.read_bytes() == cli.read_bytes()


def test_cancel_drops_an_export_waiting_for_the_features(qtbot, make_main_window, tmp_path):
    audio = write_rich(tmp_path / "rich.wav", seconds=20.0)
    window = make_main_window()
    window.open_path(audio)
    wait_settled(qtbot, window)
    out = tmp_path / "cancelled.csv"
    window.exporter.export_features_to(out)  # waits for MFCC, chroma...
    assert window.exporter.on_demand.waiting
    qtbot.waitUntil(lambda: window.runner.is_busy("features"), timeout=10000)
    window.cancel_button.click()
    assert not window.exporter.on_demand.waiting
    doc = window.document
    doc.set_params(doc.params.replace(hop_length=256))  # a new analysis: still not asked for
    wait_settled(qtbot, window)
    assert not out.exists()
    assert doc.missing_features()  # only what the views draw was computed again


def test_after_a_reopen_an_export_reads_the_other_features_from_the_cache(
        qtbot, make_main_window, tmp_path, count_passes):
    audio = write_rich(tmp_path / "rich.wav", seconds=5.0)
    first = make_main_window()
    first.open_path(audio)
    wait_settled(qtbot, first)
    before = tmp_path / "before.csv"
    with qtbot.waitSignal(first.exporter.saved, timeout=30000):
        first.exporter.export_features_to(before)  # every feature, then cached
    qtbot.waitUntil(lambda: not first.runner.is_busy(), timeout=20000)  # the cache written
    passes = count_passes()
    again = make_main_window()
    again.open_path(audio)
    wait_settled(qtbot, again)
    after = tmp_path / "after.csv"
    with qtbot.waitSignal(again.exporter.saved, timeout=30000):
        again.exporter.export_features_to(after)
    assert passes == [], "computed again instead of read from the cache"
    assert after.read_bytes() == before.read_bytes()
