"""File > Batch Export… driven as a person would: choose, start, watch, cancel, read the CSV."""

from __future__ import annotations

import librosa
import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtWidgets import QCheckBox

from sonolens.ui import batch_dialog
from sonolens.ui.batch_dialog import BatchDialog
from tests.qt.conftest import write_rich, write_tone

TIMEOUT_MS = 60000


@pytest.fixture
def opened(monkeypatch) -> list[QUrl]:
    """URLs the dialog asked the desktop to open (instead of a file manager appearing)."""
    urls: list[QUrl] = []

    class Desktop:
        @staticmethod
        def openUrl(url: QUrl) -> bool:
            urls.append(url)
            return True

    monkeypatch.setattr(batch_dialog, "QDesktopServices", Desktop)
    return urls


def open_dialog(window) -> BatchDialog:
    window.actions.batch_export.trigger()
    dialog = window.findChild(BatchDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def click(qtbot, widget) -> None:
    """A left click where a person would: a check box on its box, a button in its middle."""
    if isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_batch_export_writes_the_table_and_opens_its_folder(
        qtbot, make_main_window, tmp_path, opened, fail_on_unhandled_exceptions):
    root = tmp_path / "recordings"
    (root / "birds").mkdir(parents=True)
    (root / "tones").mkdir()
    write_rich(root / "birds" / "song.wav", seconds=1.5)
    write_tone(root / "tones" / "beep.wav", freq=880.0, seconds=1.0)
    (root / "tones" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 30)
    out_dir = tmp_path / "tables"
    out_dir.mkdir()
    out = out_dir / "birds.csv"

    window = make_main_window()
    dialog = open_dialog(window)
    dialog.folder_edit.clear()
    qtbot.keyClicks(dialog.folder_edit, str(root))
    dialog.output_edit.clear()
    qtbot.keyClicks(dialog.output_edit, str(out))
    for name, box in dialog.feature_checks.items():
        if name not in ("rms", "mfcc") and box.isChecked():  # opt-in ones start unchecked
            click(qtbot, box)
    click(qtbot, dialog.stat_checks["max"])
    assert [n for n, b in dialog.feature_checks.items() if b.isChecked()] == ["rms", "mfcc"]
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=TIMEOUT_MS)

    assert opened == [QUrl.fromLocalFile(str(out_dir))]
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.progress.value() == 1000
    assert "Wrote 2 rows" in dialog.status.text() and "broken.wav" in dialog.status.text()
    table = pd.read_csv(out).set_index("filename")
    mfcc = [f"mfcc_{i}" for i in range(1, 21)]
    assert list(table.columns) == ["label", "rms_mean", "rms_std", "rms_max",
                                   *[f"{c}_{s}" for c in mfcc for s in ("mean", "std", "max")]]
    assert table["label"].to_dict() == {"birds/song.wav": "birds", "tones/beep.wav": "tones"}
    y, sr = librosa.load(root / "birds" / "song.wav", sr=None)
    rms, coefficients = librosa.feature.rms(y=y)[0], librosa.feature.mfcc(y=y, sr=sr)
    row = table.loc["birds/song.wav"]
    assert row["rms_mean"] == pytest.approx(np.mean(rms), rel=1e-4)
    assert row["rms_max"] == pytest.approx(np.max(rms), rel=1e-4)
    scale = np.abs(coefficients).max()
    for k in range(20):
        assert abs(row[f"mfcc_{k + 1}_mean"] - np.mean(coefficients[k])) < 1e-4 * scale
    errors = pd.read_csv(out_dir / "birds.errors.csv")
    assert errors["filename"].tolist() == ["tones/broken.wav"]


def test_cancel_stops_the_run_and_opens_nothing(qtbot, make_main_window, tmp_path, opened):
    root = tmp_path / "long"
    root.mkdir()
    for k in range(6):
        write_rich(root / f"take{k}.wav", seconds=20.0)
    out = tmp_path / "never.csv"
    window = make_main_window()
    dialog = open_dialog(window)
    dialog.folder_edit.setText(str(root))
    dialog.output_edit.setText(str(out))
    click(qtbot, dialog.start_button)
    assert dialog.runner.is_busy(batch_dialog.KEY_BATCH) and dialog.cancel_button.isEnabled()
    click(qtbot, dialog.cancel_button)
    assert dialog.status.text().startswith("Cancelled.")
    assert dialog.start_button.isEnabled()
    qtbot.waitUntil(window.runner.is_idle, timeout=TIMEOUT_MS)
    assert opened == []
    if out.exists():  # only rows finished before the cancel are kept
        assert len(pd.read_csv(out)) < 6


def test_incomplete_choices_are_explained_not_run(qtbot, make_main_window, tmp_path, opened):
    window = make_main_window()
    dialog = open_dialog(window)
    dialog.folder_edit.setText("")
    click(qtbot, dialog.start_button)
    assert "Choose a folder" in dialog.status.text()
    dialog.folder_edit.setText(str(tmp_path))
    dialog.output_edit.setText(str(tmp_path / "t.csv"))
    for box in dialog.stat_checks.values():
        box.setChecked(False)
    click(qtbot, dialog.start_button)
    assert dialog.status.text() == "choose at least one statistic"
    for box in dialog.stat_checks.values():
        box.setChecked(True)
    click(qtbot, dialog.start_button)  # a folder without audio: the job fails, one line
    qtbot.waitUntil(lambda: not dialog.runner.is_busy(batch_dialog.KEY_BATCH), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "no audio files" in dialog.status.text(), timeout=TIMEOUT_MS)
    assert dialog.start_button.isEnabled() and opened == []
    assert not window.runner.is_busy()
    assert window.last_error == ""  # the dialog reports it; no message box from the window
    assert not (tmp_path / "t.csv").exists()
