"""File > Export > Annotation features: one row per annotation whose feature columns are
those of `sonolens extract AUDIO --annotations LABELS` on the same file and labels, and
whose levels are the samples' own (computed here with numpy)."""

from __future__ import annotations

import csv

import numpy as np
import soundfile as sf

from sonolens.cli.main import main
from sonolens.core.annotations import Annotation, AnnotationSet
from sonolens.export.labels import write_labels
from tests.qt.conftest import wait_settled, write_rich


def read_rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_annotation_features_agree_with_the_cli(qtbot, make_main_window, tmp_path):
    audio = write_rich(tmp_path / "rich.wav", seconds=3.0)
    annotations = AnnotationSet()
    annotations.add(Annotation(0.6, 1.2, "word, \"one\"", "words"))
    annotations.add(Annotation(1.6, 2.4, "call", "calls", 3000.0, 6000.0))
    annotations.add(Annotation(0.3, 0.3, "click", "events"))
    labels = write_labels(annotations, tmp_path / "labels.csv", "csv")
    cli_out = tmp_path / "cli.csv"
    assert main(["extract", str(audio), "--annotations", str(labels), "-o", str(cli_out)]) == 0

    window = make_main_window()
    window.open_path(audio)
    wait_settled(qtbot, window)
    files = window.annotation_files
    with qtbot.waitSignal(files.loaded, timeout=10000):
        files.import_from(labels)
    out = tmp_path / "window.csv"
    with qtbot.waitSignal(files.saved, timeout=30000):
        files.export_features_to(out)

    ours, theirs = read_rows(out), read_rows(cli_out)
    assert len(ours) == len(theirs) == 3
    common = [c for c in theirs[0] if c in ours[0]]
    assert len(common) == len(theirs[0]), "a column of the CLI is missing"
    means = [c for c in common if c.endswith(("_mean", "_std"))]
    assert len(means) >= 10
    for a, b in zip(ours, theirs, strict=True):
        for column in common:
            if column in ("tier", "label", "frames"):
                assert a[column] == b[column]
            elif b[column] == "":
                assert a[column] == ""
            else:
                assert abs(float(a[column]) - float(b[column])) <= 1e-9, column

    # levels of each span, from the samples themselves
    y, sr = sf.read(audio, dtype="float32")
    for row in ours:
        start, end = float(row["start"]), float(row["end"])
        if start == end:
            assert row["peak_dbfs"] == row["rms_dbfs"] == row["zero_crossings"] == ""
            continue
        part = y[int(np.floor(start * sr + 0.5)):int(np.floor(end * sr + 0.5))].astype(
            np.float64)
        rms = np.sqrt(np.mean(part ** 2))
        assert abs(float(row["rms_dbfs"]) - 20 * np.log10(rms)) < 1e-6
        assert abs(float(row["peak_dbfs"]) - 20 * np.log10(np.abs(part).max())) < 1e-6
        negative = np.signbit(part) & (np.abs(part) > 1e-10)
        assert int(row["zero_crossings"]) == int(np.count_nonzero(np.diff(negative)))


def test_annotation_features_refuse_the_recording(qtbot, make_main_window, tmp_path):
    audio = write_rich(tmp_path / "rich.wav", seconds=1.0)
    labels = tmp_path / "labels.csv"
    annotations = AnnotationSet()
    annotations.add(Annotation(0.1, 0.5, "a", "t"))
    write_labels(annotations, labels, "csv")
    window = make_main_window()
    window.open_path(audio)
    wait_settled(qtbot, window)
    before = audio.read_bytes()
    with qtbot.waitSignal(window.annotation_files.loaded, timeout=10000):
        window.annotation_files.import_from(labels)
    with qtbot.waitSignal(window.annotation_files.failed, timeout=5000) as blocker:
        window.annotation_files.export_features_to(audio)
    assert blocker.args[0] == "Export refused"
    assert audio.read_bytes() == before


def test_the_menu_item_is_under_file_export(make_main_window):
    window = make_main_window()
    titles = [a.text() for a in window.menuBar().actions()[0].menu().actions()
              if a.menu() is not None for a in a.menu().actions()]
    assert "Annotation F&eatures (CSV)…" in titles
