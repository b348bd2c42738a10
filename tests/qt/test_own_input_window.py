"""The window's exports never write over the open file (issue 14, defect 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.qt.conftest import wait_settled, write_tone


@pytest.fixture
def opened(qtbot, make_main_window, tmp_path):
    path = write_tone(tmp_path / "take.wav", seconds=1.5, channels=2)
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    window.document.set_selection((0.2, 1.0))
    return window, path


EXPORTS = {
    "features": lambda w, p: w.exporter.export_features_to(p),
    "selected features": lambda w, p: w.exporter.export_features_to(p, selection_only=True),
    "image": lambda w, p: w.exporter.export_image_to(p, (640, 320)),
    "matrix": lambda w, p: w.exporter.export_matrix_to(p),
    "selection wav": lambda w, p: w.exporter.export_selection_audio_to(p, "FLOAT"),
    "selection wav 16-bit": lambda w, p: w.exporter.export_selection_audio_to(p, "PCM_16"),
    "spectrum": lambda w, p: w.spectrum_panel.export_to(p),
}


def _targets(path: Path, tmp_path: Path) -> list[Path]:
    """The open file by its name, through a symbolic link and through a hard link."""
    soft, hard = tmp_path / "link.out", tmp_path / "hard.out"
    soft.symlink_to(path)
    os.link(path, hard)
    return [path, soft, hard]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_no_export_writes_over_the_open_file(qtbot, opened, tmp_path, name):
    window, path = opened
    if name == "spectrum":
        window.spectrum_dock.raise_()
        qtbot.waitUntil(lambda: window.spectrum_panel.spectrum is not None, timeout=10000)
    before = path.read_bytes()
    for target in _targets(path, tmp_path):
        window.last_error = ""
        EXPORTS[name](window, target)
        qtbot.wait(50)
        qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=20000)
        assert path.read_bytes() == before, f"{name} wrote over the open file via {target}"
        assert window.last_error, f"{name}: no message"
        assert "\n" not in window.last_error and str(target) in window.last_error, (
            window.last_error)
        assert window._message_box is not None and window._message_box.isVisible()
        window._message_box.close()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temp files left"
    assert window.document.source.read(0, 10).shape == (10, 2)
