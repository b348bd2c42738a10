"""Partial results of a running analysis reach the views once per change: a finished
spectrogram is not drawn again and again while the second pass runs, and switching the
kind away and back during the first pass shows one growing picture, not two in turns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.qt.conftest import wait_settled

SR = 22050


@pytest.fixture
def long_noise(tmp_path: Path) -> Path:
    y = np.random.default_rng(4).standard_normal(int(120 * SR)) * 0.2
    path = tmp_path / "noise.wav"
    sf.write(path, y.astype(np.float32), SR, subtype="PCM_16")
    return path


def test_a_complete_spectrogram_is_accepted_once(qtbot, make_main_window, long_noise):
    window = make_main_window()
    doc = window.document
    seen: list[tuple[int, bool]] = []
    doc.result_changed.connect(
        lambda key: key == "spectrogram" and seen.append(
            (id(doc.spectrogram), doc.spectrogram.complete)))
    window.open_path(long_noise)
    wait_settled(qtbot, window)
    assert doc.features.complete
    complete = [entry for entry in seen if entry[1]]
    # once when the first pass completes it (a partial), once more when the job ends
    assert 1 <= len(complete) <= 2, len(complete)
    assert len(seen) >= 3  # and it was drawn while it grew


def open_paced(qtbot, window, path: Path, permits, blocks: int):
    """Open ``path`` and let ``blocks`` decoded blocks through: the first partial results
    (a spectrogram, a feature snapshot) are shown, the rest of the file waits."""
    doc = window.document
    window.open_path(path)
    qtbot.waitUntil(lambda: doc.source is not None, timeout=10000)
    permits.release(blocks)
    qtbot.waitUntil(lambda: doc.spectrogram is not None and doc.features is not None,
                    timeout=10000)
    return window


def test_kind_away_and_back_shows_one_growing_picture(qtbot, make_main_window, long_noise,
                                                      permits):
    window = open_paced(qtbot, make_main_window(), long_noise, permits, 14)
    doc = window.document
    first = doc.spectrogram
    doc.set_view(doc.view.replace(kind="mel_db"))
    doc.set_view(doc.view.replace(kind="db"))
    shown: list[object] = []
    doc.result_changed.connect(
        lambda key: key == "spectrogram" and shown.append(doc.spectrogram))
    for _ in range(4):
        permits.release(4)
        qtbot.wait(150)
    permits.release(100000)
    wait_settled(qtbot, window)
    assert shown and all(spec is first for spec in shown), (
        f"{len({id(s) for s in shown})} different pictures took turns")
    assert doc.spectrogram is first and first.complete and first.kind == "db"


def test_exports_refuse_a_cancelled_analysis_snapshot(qtbot, make_main_window, long_noise,
                                                      tmp_path, permits):
    """Cancelled mid-way, the window keeps showing the frames analysed so far; exporting the
    features says why it cannot, and writes nothing."""
    window = open_paced(qtbot, make_main_window(), long_noise, permits, 20)
    doc = window.document
    window.cancel_analysis()
    permits.release(100000)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert not doc.features.complete and doc.features.n_frames > 0
    target = tmp_path / "features.csv"
    window.exporter.export_features_to(target)
    assert "stopped before the features were complete" in window.last_error
    assert not target.exists()
