"""What the window and its first analysis import: scipy.signal and scipy.stats cost ~1 CPU-s
(3.7 s on a loaded machine) of start-up and of the first spectrogram columns, so they are
imported only by what uses them (onsets, beats, the spectrum panel, pYIN)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

PROGRAM = """
import sys
from sonolens.ui.qt_setup import make_application
app = make_application()
import sonolens.ui.main_window
import sonolens.workers.jobs
from sonolens.dsp.engine import extract_features
from sonolens.dsp.spectrogram import new_spectrogram
from sonolens.dsp.envelope import WaveformEnvelope
print(" ".join(sorted(m for m in sys.modules if m.startswith(("scipy.signal", "scipy.stats",
                                                               "librosa", "numba")))))
"""


def test_window_and_first_analysis_import_no_slow_modules():
    env = {**os.environ, "PYTHONPATH": str(APP), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.split() == []
