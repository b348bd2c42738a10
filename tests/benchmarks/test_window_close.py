"""How long closing the window takes while it is busy (the stress tests only check that the
close completes cleanly; how fast it is is measured here).

Run on demand (skipped otherwise)::

    SONOLENS_BENCH=1 .venv/bin/python -m pytest tests/benchmarks/test_window_close.py -s

In this process, offscreen: ``window.close()`` (cancel every job, wait for the worker
threads, stop playback) during the analysis of an N-minute (``SONOLENS_BENCH_CLOSE_MINUTES``,
default 10) 44.1 kHz stereo FLAC, and during looping playback of a short file.
Target: each close <= 1 s (the GUI freezes while it waits).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tests.benchmarks.test_extract_speed import (
    _only_on_demand,  # noqa: F401 - autouse fixture: skip unless asked for
    _verdict,
)
from tests.benchmarks.test_window_open import write_stereo_flac

pytestmark = pytest.mark.benchmark

# PortAudio plays into an ALSA file/null PCM (DESIGN §11), as in tests/qt: a real stream.
TAP_CONF = Path(__file__).resolve().parents[1] / "unit" / "alsa_tap.conf"
os.environ.setdefault("ALSA_CONFIG_PATH", f"/usr/share/alsa/alsa.conf:{TAP_CONF}")
MINUTES = float(os.environ.get("SONOLENS_BENCH_CLOSE_MINUTES", "10"))
TARGET_CLOSE_S = 1.0


def _window(qtbot, settings: Path):
    import pyqtgraph as pg

    from sonolens.model.settings import Settings
    from sonolens.ui.main_window import MainWindow

    pg.setConfigOptions(useOpenGL=False, imageAxisOrder="row-major")
    window = MainWindow(Settings(settings))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    return window


def _timed_close(window) -> float:
    start = time.perf_counter()
    window.close()
    return time.perf_counter() - start


def test_window_close_while_busy(qtbot, tmp_path: Path) -> None:
    audio = tmp_path / "long.flac"
    write_stereo_flac(audio, MINUTES * 60, tmp_path)
    window = _window(qtbot, tmp_path / "a.ini")
    window.open_path(audio)
    qtbot.waitUntil(lambda: window.runner.is_busy("features"), timeout=60000)
    qtbot.wait(500)
    during_analysis = _timed_close(window)
    assert window.runner.is_idle()

    window = _window(qtbot, tmp_path / "b.ini")
    window.check_playback()
    window.open_path(audio)
    qtbot.waitUntil(lambda: window.document.source is not None, timeout=60000)
    window.document.set_selection((1.0, 3.0))
    window.actions.loop.setChecked(True)
    window.actions.play_pause.trigger()
    qtbot.wait(300)
    playing = window.playback.state == "playing"
    during_playback = _timed_close(window)

    print()
    print(f"{MINUTES:g}-minute 44.1 kHz stereo FLAC")
    print(f"close during analysis        {during_analysis:7.3f} s")
    print(f"close during playback        {during_playback:7.3f} s"
          + ("" if playing else " (playback unavailable: analysis only)"))
    ok = max(during_analysis, during_playback) <= TARGET_CLOSE_S
    print(f"target close <= {TARGET_CLOSE_S} s: {_verdict(ok)}")
